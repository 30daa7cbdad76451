package io.mskbridge.smt;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/** Configuration of {@link QualityScore}. */
public final class QualityScoreConfig extends AbstractConfig {

    public static final String OPTIONAL_FIELDS_CONFIG = "optional.fields";
    public static final String MISSING_FIELD_PENALTY_CONFIG = "missing.field.penalty";
    public static final String TIMESTAMP_FIELD_CONFIG = "timestamp.field";
    public static final String MAX_AGE_MS_CONFIG = "max.age.ms";
    public static final String STALE_PENALTY_CONFIG = "stale.penalty";
    public static final String SCORE_FIELD_CONFIG = "score.field";

    /** Scores are computed in units of 1/10,000 (basis points) so 1.0 - 3 x 0.1 is exactly 0.7. */
    static final int SCALE = 10_000;

    private static final String GROUP = "Quality score";
    private static final String GROUP_INVALID = "Invalid records";

    public static ConfigDef configDef() {
        ConfigDef def = new ConfigDef()
                .define(OPTIONAL_FIELDS_CONFIG, ConfigDef.Type.LIST, "user_id,session_id,metadata",
                        Validators.fieldNames(), ConfigDef.Importance.HIGH,
                        "Top-level fields whose absence lowers the score by " + MISSING_FIELD_PENALTY_CONFIG
                                + " each. A field present with a null value counts as absent.",
                        GROUP, 1, ConfigDef.Width.LONG, "Optional fields")
                .define(MISSING_FIELD_PENALTY_CONFIG, ConfigDef.Type.DOUBLE, 0.1, ConfigDef.Range.between(0.0, 1.0),
                        ConfigDef.Importance.MEDIUM,
                        "Subtracted from 1.0 for each absent optional field. Penalties are rounded to 4 decimal "
                                + "places; the score is exact decimal arithmetic in units of 0.0001.",
                        GROUP, 2, ConfigDef.Width.SHORT, "Missing field penalty")
                .define(TIMESTAMP_FIELD_CONFIG, ConfigDef.Type.STRING, "timestamp", Validators.optionalFieldName(),
                        ConfigDef.Importance.MEDIUM,
                        "Field holding the event time, used for the freshness check; empty disables it. Accepted: "
                                + "ISO-8601 with Z or an offset, ISO-8601 without offset (read as UTC, as the seed "
                                + "producer's datetime.utcnow().isoformat() writes it), epoch millis as a number or "
                                + "digit string, or a Connect Timestamp. A missing or null timestamp gets no stale "
                                + "penalty; an unparseable one is an invalid record (" + InvalidRecordHandler.ON_INVALID_CONFIG + ").",
                        GROUP, 3, ConfigDef.Width.MEDIUM, "Timestamp field")
                .define(MAX_AGE_MS_CONFIG, ConfigDef.Type.LONG, 3_600_000L, ConfigDef.Range.atLeast(0),
                        ConfigDef.Importance.MEDIUM,
                        "A record whose timestamp is more than this many milliseconds before processing time is stale.",
                        GROUP, 4, ConfigDef.Width.SHORT, "Maximum age (ms)")
                .define(STALE_PENALTY_CONFIG, ConfigDef.Type.DOUBLE, 0.2, ConfigDef.Range.between(0.0, 1.0),
                        ConfigDef.Importance.MEDIUM, "Subtracted once when the record is stale (rounded to 4 decimals).",
                        GROUP, 5, ConfigDef.Width.SHORT, "Stale penalty")
                .define(SCORE_FIELD_CONFIG, ConfigDef.Type.STRING, "quality_score", Validators.fieldName(),
                        ConfigDef.Importance.MEDIUM,
                        "Output field for the score in [0, 1], floored at 0 (an optional FLOAT64 in Struct schemas). "
                                + "An existing field of that name is overwritten.",
                        GROUP, 6, ConfigDef.Width.MEDIUM, "Score field");
        return InvalidRecordHandler.define(def, GROUP_INVALID, 1);
    }

    public QualityScoreConfig(Map<?, ?> originals) {
        super(configDef(), originals, false);
        InvalidRecordHandler.requireRouteTopic(this);
    }

    List<String> optionalFields() {
        return getList(OPTIONAL_FIELDS_CONFIG).stream().map(String::trim).collect(Collectors.toList());
    }

    int missingFieldPenaltyUnits() {
        return units(getDouble(MISSING_FIELD_PENALTY_CONFIG));
    }

    int stalePenaltyUnits() {
        return units(getDouble(STALE_PENALTY_CONFIG));
    }

    /** Empty when freshness is disabled. */
    String timestampField() {
        String s = getString(TIMESTAMP_FIELD_CONFIG);
        return s == null ? "" : s.trim();
    }

    long maxAgeMs() {
        return getLong(MAX_AGE_MS_CONFIG);
    }

    String scoreField() {
        return getString(SCORE_FIELD_CONFIG).trim();
    }

    /** The double's shortest decimal form (0.1 is 0.1), to units of 1/SCALE. */
    static int units(double penalty) {
        return BigDecimal.valueOf(penalty).movePointRight(4).setScale(0, RoundingMode.HALF_EVEN).intValueExact();
    }
}
