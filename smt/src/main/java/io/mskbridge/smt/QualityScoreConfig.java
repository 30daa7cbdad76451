package io.mskbridge.smt;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;

/** Configuration of {@link QualityScore}. */
public final class QualityScoreConfig extends TransformConfig {

    public static final String OPTIONAL_FIELDS_CONFIG = "optional.fields";
    public static final String MISSING_FIELD_PENALTY_CONFIG = "missing.field.penalty";
    public static final String TIMESTAMP_FIELD_CONFIG = "timestamp.field";
    public static final String MAX_AGE_MS_CONFIG = "max.age.ms";
    public static final String STALE_PENALTY_CONFIG = "stale.penalty";
    public static final String SCORE_FIELD_CONFIG = "score.field";

    /** Scores are computed in units of 1/10,000 (basis points) so 1.0 - 3 x 0.1 is exactly 0.7. */
    static final int SCALE = 10_000;

    public static ConfigDef configDef() {
        ConfigDefBuilder keys = new ConfigDefBuilder().group("Quality score")
                .fieldList(OPTIONAL_FIELDS_CONFIG, "user_id,session_id,metadata", Importance.HIGH,
                        "Top-level fields whose absence lowers the score by " + MISSING_FIELD_PENALTY_CONFIG
                                + " each. A field present with a null value counts as absent.",
                        "Optional fields")
                .fraction(MISSING_FIELD_PENALTY_CONFIG, 0.1, Importance.MEDIUM,
                        "Subtracted from 1.0 for each absent optional field. Penalties are rounded to 4 decimal "
                                + "places; the score is exact decimal arithmetic in units of 0.0001.",
                        "Missing field penalty")
                .optionalField(TIMESTAMP_FIELD_CONFIG, "timestamp", Importance.MEDIUM,
                        "Field holding the event time, used for the freshness check; empty disables it. Accepted: "
                                + "ISO-8601 with Z or an offset, ISO-8601 without offset (read as UTC, as the seed "
                                + "producer's datetime.utcnow().isoformat() writes it), epoch millis as a number or "
                                + "digit string, or a Connect Timestamp. A missing or null timestamp gets no stale "
                                + "penalty; an unparseable one is an invalid record (" + InvalidRecordHandler.ON_INVALID_CONFIG + ").",
                        "Timestamp field")
                .define(MAX_AGE_MS_CONFIG, ConfigDef.Type.LONG, 3_600_000L, ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM,
                        "A record whose timestamp is more than this many milliseconds before processing time is stale.",
                        ConfigDef.Width.SHORT, "Maximum age (ms)")
                .fraction(STALE_PENALTY_CONFIG, 0.2, Importance.MEDIUM,
                        "Subtracted once when the record is stale (rounded to 4 decimals).", "Stale penalty")
                .field(SCORE_FIELD_CONFIG, "quality_score", Importance.MEDIUM,
                        "Output field for the score in [0, 1], floored at 0 (an optional FLOAT64 in Struct schemas). "
                                + "An existing field of that name is overwritten.",
                        "Score field");
        return InvalidRecordHandler.define(keys).build();
    }

    public QualityScoreConfig(Map<?, ?> originals) {
        super(configDef(), originals);
    }

    int missingFieldPenaltyUnits() {
        return units(getDouble(MISSING_FIELD_PENALTY_CONFIG));
    }

    int stalePenaltyUnits() {
        return units(getDouble(STALE_PENALTY_CONFIG));
    }

    /** The double's shortest decimal form (0.1 is 0.1), to units of 1/SCALE. */
    static int units(double penalty) {
        return BigDecimal.valueOf(penalty).movePointRight(4).setScale(0, RoundingMode.HALF_EVEN).intValueExact();
    }
}
