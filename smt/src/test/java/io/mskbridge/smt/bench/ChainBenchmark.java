package io.mskbridge.smt.bench;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.mskbridge.smt.AmountToMinorUnits;
import io.mskbridge.smt.FraudFlag;
import io.mskbridge.smt.QualityScore;
import io.mskbridge.smt.ValidateFields;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The whole chain ValidateFields → AmountToMinorUnits → QualityScore → FraudFlag (all four fraud rules on) on
 * 12-field records, one record per operation: the score is records per second on one thread.
 * Run with {@code mvn -B -o -pl smt -am -Pbenchmarks verify -DskipTests -DskipITs}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChainBenchmark {

    static final int RECORDS = 4096;
    static final int USERS = 1000;

    static final Schema SCHEMA = SchemaBuilder.struct().name("bench.Event")
            .field("id", Schema.STRING_SCHEMA)
            .field("event_type", Schema.STRING_SCHEMA)
            .field("timestamp", Schema.STRING_SCHEMA)
            .field("user_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("session_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("metadata", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).optional().build())
            .field("amount", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("currency", Schema.OPTIONAL_STRING_SCHEMA)
            .field("country", Schema.OPTIONAL_STRING_SCHEMA)
            .field("page", Schema.OPTIONAL_STRING_SCHEMA)
            .field("action", Schema.OPTIONAL_STRING_SCHEMA)
            .field("version", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    @Param({"schemaless", "struct"})
    public String path;

    private SinkRecord[] records;
    private List<Transformation<SinkRecord>> chain;
    private int next;

    /** The same 12 fields the Python seed benchmark uses (smt/bench/seed_process_record.py). */
    static Map<String, Object> event(int i, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "evt-" + i);
        m.put("event_type", i % 3 == 0 ? "purchase" : "page_view");
        // the seed producer's datetime.utcnow().isoformat(): no offset, microseconds; 1 in 10 stale
        m.put("timestamp", LocalDateTime.ofInstant(now.minusSeconds(i % 10 == 0 ? 7200 : i % 600), ZoneOffset.UTC)
                .toString());
        m.put("user_id", i % 11 == 0 ? null : "user-" + (i % USERS));
        m.put("session_id", "sess-" + (i / 8));
        Map<String, String> meta = new HashMap<>();
        meta.put("source", i % 2 == 0 ? "web" : "mobile");
        meta.put("ip", "10.0." + (i % 256) + "." + (i % 100));
        m.put("metadata", i % 5 == 0 ? null : meta);
        m.put("amount", Math.round((5 + (i * 7919 % 20000) / 100.0) * 100) / 100.0);
        m.put("currency", "USD");
        m.put("country", i % 97 == 0 ? "KP" : "US");
        m.put("page", "/products/" + (i % 50));
        m.put("action", "click");
        m.put("version", "1.0");
        return m;
    }

    @Setup
    public void setup() {
        Instant now = Instant.now();
        records = new SinkRecord[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            Map<String, Object> m = event(i, now);
            Object value = m;
            Schema schema = null;
            if ("struct".equals(path)) {
                Struct s = new Struct(SCHEMA);
                m.forEach(s::put);
                value = s;
                schema = SCHEMA;
            }
            records[i] = new SinkRecord("events", 0, Schema.STRING_SCHEMA, "k" + i, schema, value, i,
                    now.toEpochMilli() + i, TimestampType.CREATE_TIME);
        }
        chain = buildChain();
    }

    static List<Transformation<SinkRecord>> buildChain() {
        ValidateFields<SinkRecord> validate = new ValidateFields.Value<>();
        validate.configure(Map.of("field.types", "amount:number,timestamp:timestamp", "on.invalid", "route"));
        AmountToMinorUnits<SinkRecord> amount = new AmountToMinorUnits.Value<>();
        amount.configure(Map.of("currency.field", "currency"));
        QualityScore<SinkRecord> quality = new QualityScore.Value<>();
        quality.configure(Map.of());
        FraudFlag<SinkRecord> fraud = new FraudFlag.Value<>();
        fraud.configure(Map.of("high.amount.threshold", "150", "velocity.max.events", "5",
                "velocity.window.ms", "60000", "blocked.field", "country", "blocked.values", "KP,IR"));
        return List.of(validate, amount, quality, fraud);
    }

    /**
     * Calibration: what one InsertField-style step costs on this machine (copy the 12-field value, add one
     * field, new record). The chain performs three such copies on the schemaless path.
     */
    @Benchmark
    @SuppressWarnings("unchecked")
    public SinkRecord baselineCopy() {
        SinkRecord r = records[next];
        next = (next + 1) & (RECORDS - 1);
        Object v = r.value();
        if (v instanceof Map) {
            Map<String, Object> m = new HashMap<>((Map<String, Object>) v);
            m.put("x", 1L);
            v = m;
        } else {
            Struct s = (Struct) v;
            Struct c = new Struct(s.schema());
            for (org.apache.kafka.connect.data.Field f : s.schema().fields()) {
                c.put(f, s.get(f));
            }
            v = c;
        }
        return r.newRecord(r.topic(), r.kafkaPartition(), r.keySchema(), r.key(), r.valueSchema(), v, r.timestamp());
    }

    @Benchmark
    public SinkRecord chain() {
        SinkRecord r = records[next];
        next = (next + 1) & (RECORDS - 1);
        for (int i = 0, n = chain.size(); i < n && r != null; i++) {
            r = chain.get(i).apply(r);
        }
        return r;
    }
}
