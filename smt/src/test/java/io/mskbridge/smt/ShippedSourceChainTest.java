package io.mskbridge.smt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static io.mskbridge.smt.TestRecords.e;
import static io.mskbridge.smt.TestRecords.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transform chain of the shipped Kinesis source configs, built from the JSON files and applied as Connect
 * applies it (each transform behind its predicate, negate honoured, a null record ends the chain): a record the
 * chain cannot process goes to {@code <topic>.invalid} untouched, with the reason, and never stops the chain.
 */
class ShippedSourceChainTest {

    /** One transform of the chain and the predicate in front of it. */
    private record Stage(String alias, Transformation<SourceRecord> transform, Predicate<SourceRecord> predicate,
                         boolean negate) {
        SourceRecord apply(SourceRecord r) {
            boolean run = predicate == null || negate != predicate.test(r);
            return run ? transform.apply(r) : r;
        }
    }

    static Path root() {
        String r = System.getProperty("mskbridge.root");
        return r != null ? Path.of(r) : Path.of("..");
    }

    static Map<String, String> config(String file) throws Exception {
        JsonNode json = new ObjectMapper().readTree(Files.readString(root().resolve(file)));
        JsonNode c = json.has("config") ? json.get("config") : json.get("connectorConfiguration");
        Map<String, String> out = new HashMap<>();
        c.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
        return out;
    }

    static Map<String, String> prefixed(Map<String, String> config, String prefix, List<String> leaveOut) {
        Map<String, String> out = new HashMap<>();
        config.forEach((k, v) -> {
            if (k.startsWith(prefix) && !leaveOut.contains(k.substring(prefix.length()))) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    static <T> T newInstance(String className) throws Exception {
        return (T) Class.forName(className).getDeclaredConstructor().newInstance();
    }

    static List<Stage> chain(Map<String, String> config) throws Exception {
        Map<String, Predicate<SourceRecord>> predicates = new HashMap<>();
        for (String alias : config.getOrDefault("predicates", "").split(",")) {
            if (!alias.isBlank()) {
                Predicate<SourceRecord> p = newInstance(config.get("predicates." + alias + ".type"));
                p.configure(prefixed(config, "predicates." + alias + ".", List.of("type")));
                predicates.put(alias, p);
            }
        }
        List<Stage> stages = new ArrayList<>();
        for (String alias : config.get("transforms").split(",")) {
            String prefix = "transforms." + alias + ".";
            Transformation<SourceRecord> t = newInstance(config.get(prefix + "type"));
            t.configure(prefixed(config, prefix, List.of("type", "predicate", "negate")));
            String predicate = config.get(prefix + "predicate");
            stages.add(new Stage(alias, t, predicate == null ? null : predicates.get(predicate),
                    Boolean.parseBoolean(config.getOrDefault(prefix + "negate", "false"))));
        }
        return stages;
    }

    static SourceRecord run(List<Stage> chain, SourceRecord r) {
        for (Stage s : chain) {
            if (r == null) {
                return null;
            }
            r = s.apply(r);
        }
        return r;
    }

    static SourceRecord record(Schema schema, Object value) {
        Map<String, Object> partition = new HashMap<>();
        partition.put("stream", "transactiondatastream-dev");
        partition.put("shard", "shardId-000000000000");
        Map<String, Object> offset = new HashMap<>();
        offset.put("sequence", "4960");
        return new SourceRecord(partition, offset, "transactiondatastream-dev", null, Schema.STRING_SCHEMA, "user7",
                schema, value, 1_700_000_000_000L);
    }

    static String header(SourceRecord r, String name) {
        Header h = r.headers().lastWithName(name);
        return h == null ? null : String.valueOf(h.value());
    }

    /** Routed to the invalid topic exactly as it came in, with the reason; no later transform touched it. */
    static void assertRoutedUntouched(SourceRecord in, SourceRecord out, String reasonPart) {
        assertThat(out).as("routed, not dropped").isNotNull();
        assertThat(out.topic()).isEqualTo("transactiondatastream-dev.invalid");
        assertThat(out.value()).isSameAs(in.value());
        assertThat(out.valueSchema()).isSameAs(in.valueSchema());
        assertThat(out.key()).isEqualTo(in.key());
        assertThat(out.sourceOffset()).isEqualTo(in.sourceOffset());
        assertThat(header(out, InvalidRecordHandler.ERROR_HEADER)).contains(reasonPart);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker/connectors/kinesis-source.json", "deploy/msk-connect/connector-kinesis-source.json"})
    void recordsTheChainCannotProcessAreRoutedUntouchedAndTheNextOneIsProcessed(String file) throws Exception {
        List<Stage> chain = chain(config(file));

        // what the Kinesis source passes on for a payload it could not decompress or parse
        SourceRecord undecoded = record(Schema.BYTES_SCHEMA, new byte[] {0x1f, (byte) 0x8b, 8, 0});
        undecoded.headers().addString("kinesis.payload.error", "gzip payload does not decompress: Unexpected end of ZLIB input stream");
        assertRoutedUntouched(undecoded, run(chain, undecoded), "payload not decoded by the source (kinesis.payload.error: gzip");
        // values that are not objects, from any source
        for (Object odd : new Object[] {"just text", 42L, List.of(1L, 2L), new byte[] {(byte) 0xff}}) {
            SourceRecord r = record(null, odd);
            assertRoutedUntouched(r, run(chain, r), "value is not an object");
        }
        // an object without the required fields
        SourceRecord incomplete = record(null, map(e("event_type", "purchase")));
        assertRoutedUntouched(incomplete, run(chain, incomplete), "missing required field(s) [timestamp]");
        // valid to ValidateFields, but its amount is no number: AmountToMinorUnits routes it, as the transforms
        // before it left it (environment and processed_timestamp added), and the rest of the chain skips it
        Map<String, Object> amountless = map(e("event_type", "purchase"), e("timestamp", "2026-11-22T04:59:30"),
                e("amount", "lots"));
        SourceRecord routed = run(chain, record(null, amountless));
        assertThat(routed.topic()).isEqualTo("transactiondatastream-dev.invalid");
        assertThat(header(routed, InvalidRecordHandler.TRANSFORM_HEADER)).isEqualTo("AmountToMinorUnits");
        assertThat(header(routed, InvalidRecordHandler.ERROR_HEADER)).contains("field 'amount'");
        assertThat(TestRecords.asMap(routed.value())).containsAllEntriesOf(amountless)
                .doesNotContainKeys("amount_cents", "quality_score", "fraud_flag");

        // and the chain goes on with the next event
        SourceRecord good = record(null, map(e("event_type", "purchase"), e("timestamp", "2026-11-22T04:59:30.000001"),
                e("user_id", "user7"), e("amount", 42.5), e("currency", "USD"), e("country", "US")));
        SourceRecord out = run(chain, good);
        assertThat(out.topic()).isEqualTo("transactiondatastream-dev");
        assertThat(header(out, InvalidRecordHandler.ERROR_HEADER)).isNull();
        Map<String, Object> v = TestRecords.asMap(out.value());
        assertThat(v).containsEntry("environment", "dev").containsEntry("amount_cents", 4250L)
                .containsEntry("fraud_flag", false).containsKeys("processed_timestamp", "quality_score");
    }
}
