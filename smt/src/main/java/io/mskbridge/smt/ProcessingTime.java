package io.mskbridge.smt;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds the processing time as ISO-8601 UTC text, the seed Lambda's {@code processed_timestamp}. Kafka's
 * {@code InsertField} cannot: its {@code timestamp.field} writes the record timestamp, not the time of
 * processing. The seed wrote {@code datetime.utcnow().isoformat()} without an offset; this writes the
 * unambiguous {@code Z} form.
 *
 * @param <R> the record type
 */
public abstract class ProcessingTime<R extends ConnectRecord<R>> extends RecordValueTransform<R> {

    private static final Logger log = LoggerFactory.getLogger(ProcessingTime.class);

    public static final String OVERVIEW_DOC = overview(
            "Adds the processing time as ISO-8601 UTC text (e.g. "
            + "2026-11-22T04:05:47.123Z).",
            ProcessingTime.Value.class);

    public static final ConfigDef CONFIG_DEF = ProcessingTimeConfig.configDef();

    private final Clock clock;
    private String field;
    // Batches arrive within the same millisecond: format once per distinct millisecond.
    private long lastMillis = Long.MIN_VALUE;
    private String lastText;

    protected ProcessingTime() {
        this(Clock.systemUTC());
    }

    /** For tests. */
    ProcessingTime(Clock clock) {
        super("processing time", CONFIG_DEF);
        this.clock = clock;
    }

    @Override
    public void configure(Map<String, ?> props) {
        field = new ProcessingTimeConfig(props).field(ProcessingTimeConfig.FIELD_CONFIG);
        declareOutputs(new String[]{field}, new Schema[]{Schema.OPTIONAL_STRING_SCHEMA});
        log.info("ProcessingTime configured: field={}", field);
    }

    @Override
    R transform(R record, ValueFields value) {
        return withOutputs(record, value, now());
    }

    private String now() {
        long millis = clock.millis();
        if (millis != lastMillis) {
            lastText = Instant.ofEpochMilli(millis).toString();
            lastMillis = millis;
        }
        return lastText;
    }

    /** Stamps the record value. */
    public static class Value<R extends ConnectRecord<R>> extends ProcessingTime<R> {

        public Value() {
        }

        Value(Clock clock) {
            super(clock);
        }
    }
}
