package io.mskbridge.smt;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.transforms.Transformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.apache.kafka.connect.transforms.util.Requirements.requireMap;
import static org.apache.kafka.connect.transforms.util.Requirements.requireStruct;

/**
 * Adds the processing time as ISO-8601 UTC text, the seed Lambda's {@code processed_timestamp}. Kafka's
 * {@code InsertField} cannot: its {@code timestamp.field} writes the record timestamp, not the time of
 * processing. The seed wrote {@code datetime.utcnow().isoformat()} without an offset; this writes the
 * unambiguous {@code Z} form.
 *
 * @param <R> the record type
 */
public abstract class ProcessingTime<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    private static final Logger log = LoggerFactory.getLogger(ProcessingTime.class);

    public static final String OVERVIEW_DOC = "Adds the processing time as ISO-8601 UTC text (e.g. "
            + "2026-11-22T04:05:47.123Z)."
            + "<p/>Use the concrete transformation type designed for the record value (<code>"
            + ProcessingTime.Value.class.getName() + "</code>).";

    public static final ConfigDef CONFIG_DEF = ProcessingTimeConfig.configDef();

    private static final String PURPOSE = "processing time";

    private final Clock clock;
    private String field;
    private SchemaCache schemaUpdateCache;
    // Batches arrive within the same millisecond: format once per distinct millisecond.
    private long lastMillis = Long.MIN_VALUE;
    private String lastText;

    protected ProcessingTime() {
        this(Clock.systemUTC());
    }

    /** For tests. */
    ProcessingTime(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void configure(Map<String, ?> props) {
        field = new ProcessingTimeConfig(props).field();
        schemaUpdateCache = new SchemaCache();
        log.info("ProcessingTime configured: field={}", field);
    }

    @Override
    public R apply(R record) {
        Object value = operatingValue(record);
        if (value == null) {
            return record;
        }
        String now = now();
        Schema schema = operatingSchema(record);
        if (schema == null) {
            Map<String, Object> updated = OwnedMap.writable(requireMap(value, PURPOSE), 1);
            updated.put(field, now);
            return newRecord(record, null, updated);
        }
        Struct struct = requireStruct(value, PURPOSE);
        Schema updatedSchema = schemaUpdateCache.get(schema);
        if (updatedSchema == null) {
            updatedSchema = StructSchemas.extend(schema, new String[]{field}, new Schema[]{Schema.OPTIONAL_STRING_SCHEMA});
            schemaUpdateCache.put(schema, updatedSchema);
        }
        Struct updated = StructSchemas.copy(struct, updatedSchema);
        updated.put(field, now);
        return newRecord(record, updatedSchema, updated);
    }

    private String now() {
        long millis = clock.millis();
        if (millis != lastMillis) {
            lastText = Instant.ofEpochMilli(millis).toString();
            lastMillis = millis;
        }
        return lastText;
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public String version() {
        return SmtVersion.VERSION;
    }

    @Override
    public void close() {
        schemaUpdateCache = null;
    }

    protected abstract Schema operatingSchema(R record);

    protected abstract Object operatingValue(R record);

    protected abstract R newRecord(R record, Schema updatedSchema, Object updatedValue);

    /** Stamps the record value. */
    public static class Value<R extends ConnectRecord<R>> extends ProcessingTime<R> {

        public Value() {
        }

        Value(Clock clock) {
            super(clock);
        }

        @Override
        protected Schema operatingSchema(R record) {
            return record.valueSchema();
        }

        @Override
        protected Object operatingValue(R record) {
            return record.value();
        }

        @Override
        protected R newRecord(R record, Schema updatedSchema, Object updatedValue) {
            return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                    updatedSchema, updatedValue, record.timestamp());
        }
    }
}
