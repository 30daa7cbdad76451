package io.mskbridge.smt;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds the seed Lambda's data quality score: 1.0, minus a penalty for each absent optional field, minus a
 * penalty when the event timestamp is older than a maximum age at processing time, floored at 0.
 *
 * <p>Arithmetic is in integer units of 0.0001 (penalties are rounded to 4 decimal places), so three missing
 * fields give exactly {@code 0.7}, not {@code 0.7000000000000001}.
 *
 * @param <R> the record type
 */
public abstract class QualityScore<R extends ConnectRecord<R>> extends RecordValueTransform<R> {

    private static final Logger log = LoggerFactory.getLogger(QualityScore.class);

    public static final String OVERVIEW_DOC = overview(
            "Adds a data quality score in [0, 1]: 1.0 minus a penalty per absent "
            + "optional field, minus a penalty when the record's timestamp is older than max.age.ms.",
            QualityScore.Value.class);

    public static final ConfigDef CONFIG_DEF = QualityScoreConfig.configDef();

    private static final Schema SCORE_SCHEMA = Schema.OPTIONAL_FLOAT64_SCHEMA;

    private final Clock clock;
    private String[] optionalFields;
    private int missingPenalty;
    private int stalePenalty;
    private String timestampField;
    private long maxAgeMs;
    private String scoreField;
    private InvalidRecordHandler invalid;

    protected QualityScore() {
        this(Clock.systemUTC());
    }

    /** For tests: a fixed or offset clock decides what "stale" means. */
    QualityScore(Clock clock) {
        super("quality score", CONFIG_DEF);
        this.clock = clock;
    }

    @Override
    public void configure(Map<String, ?> props) {
        QualityScoreConfig config = new QualityScoreConfig(props);
        List<String> optional = config.trimmedList(QualityScoreConfig.OPTIONAL_FIELDS_CONFIG);
        optionalFields = optional.toArray(new String[0]);
        missingPenalty = config.missingFieldPenaltyUnits();
        stalePenalty = config.stalePenaltyUnits();
        timestampField = config.optionalField(QualityScoreConfig.TIMESTAMP_FIELD_CONFIG);
        maxAgeMs = config.getLong(QualityScoreConfig.MAX_AGE_MS_CONFIG);
        scoreField = config.field(QualityScoreConfig.SCORE_FIELD_CONFIG);
        invalid = InvalidRecordHandler.from("QualityScore", config);
        declareOutputs(new String[]{scoreField}, new Schema[]{SCORE_SCHEMA});
        log.info("QualityScore configured: optional={}, timestamp.field={}, max.age.ms={}, score.field={}, on.invalid={}",
                optional, timestampField, maxAgeMs, scoreField, invalid.mode());
    }

    @Override
    R transform(R record, ValueFields value) {
        int missing = 0;
        for (String f : optionalFields) {
            if (value.get(f) == null) {
                missing++;
            }
        }
        Object ts = timestampField.isEmpty() ? null : value.get(timestampField);
        double score;
        try {
            score = score(missing, ts);
        } catch (IllegalArgumentException e) {
            return invalid.reject(record, "field '" + timestampField + "': " + e.getMessage());
        }
        return withOutputs(record, value, score);
    }

    /** The score for a record with {@code missing} absent optional fields and event time {@code ts} (may be null). */
    double score(int missing, Object ts) {
        int units = QualityScoreConfig.SCALE - missing * missingPenalty;
        if (ts != null) {
            long eventMillis = Timestamps.toEpochMillis(ts);
            // Compared as eventMillis < now - maxAge: an extreme event time cannot overflow into "fresh".
            if (eventMillis < clock.millis() - maxAgeMs) {
                units -= stalePenalty;
            }
        }
        // n / 10000.0 is the double nearest the decimal n x 0.0001: 7000 gives 0.7 exactly as printed.
        return units <= 0 ? 0.0 : units / (double) QualityScoreConfig.SCALE;
    }

    /** Scores the record value. */
    public static class Value<R extends ConnectRecord<R>> extends QualityScore<R> {

        public Value() {
        }

        Value(Clock clock) {
            super(clock);
        }
    }
}
