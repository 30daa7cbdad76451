package io.mskbridge.smt;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.mskbridge.common.config.ConfigEnums;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Configuration of {@link FraudFlag}. */
public final class FraudFlagConfig extends TransformConfig {

    public static final String RULE_HIGH_AMOUNT = "high_amount";
    public static final String RULE_VELOCITY = "velocity";
    public static final String RULE_ZSCORE = "zscore";
    public static final String RULE_BLOCKED = "blocked_value";
    /** In bit order: reasons are always listed in this order. */
    static final List<String> RULES = Arrays.asList(RULE_HIGH_AMOUNT, RULE_VELOCITY, RULE_ZSCORE, RULE_BLOCKED);

    public static final String RULES_CONFIG = "rules";
    public static final String AMOUNT_FIELD_CONFIG = "amount.field";
    public static final String KEY_FIELD_CONFIG = "key.field";
    public static final String HIGH_AMOUNT_THRESHOLD_CONFIG = "high.amount.threshold";
    public static final String HIGH_AMOUNT_WEIGHT_CONFIG = "high.amount.weight";
    public static final String VELOCITY_MAX_EVENTS_CONFIG = "velocity.max.events";
    public static final String VELOCITY_WINDOW_MS_CONFIG = "velocity.window.ms";
    public static final String VELOCITY_TIME_CONFIG = "velocity.time";
    public static final String VELOCITY_WEIGHT_CONFIG = "velocity.weight";
    public static final String ZSCORE_THRESHOLD_CONFIG = "zscore.threshold";
    public static final String ZSCORE_WINDOW_CONFIG = "zscore.window";
    public static final String ZSCORE_MIN_SAMPLES_CONFIG = "zscore.min.samples";
    public static final String ZSCORE_WEIGHT_CONFIG = "zscore.weight";
    public static final String BLOCKED_FIELD_CONFIG = "blocked.field";
    public static final String BLOCKED_VALUES_CONFIG = "blocked.values";
    public static final String BLOCKED_WEIGHT_CONFIG = "blocked.weight";
    public static final String STATE_MAX_KEYS_CONFIG = "state.max.keys";
    public static final String FLAG_FIELD_CONFIG = "flag.field";
    public static final String SCORE_FIELD_CONFIG = "score.field";
    public static final String REASONS_FIELD_CONFIG = "reasons.field";

    /** Where the velocity rule takes an event's time from. */
    public enum VelocityTime {
        /** The record's timestamp; processing time when the record has none. */
        RECORD,
        /** The task's clock when the record is transformed. */
        PROCESSING
    }

    public static ConfigDef configDef() {
        ConfigDefBuilder keys = new ConfigDefBuilder().group("Fields")
                .define(RULES_CONFIG, Type.LIST, String.join(",", RULES), Validators.subsetOf(RULES), Importance.HIGH,
                        "Rules that may fire. A listed rule is active when its parameters are set (high_amount needs "
                                + HIGH_AMOUNT_THRESHOLD_CONFIG + ", velocity needs " + VELOCITY_MAX_EVENTS_CONFIG
                                + ", zscore needs " + ZSCORE_THRESHOLD_CONFIG + " (default 3.0), blocked_value needs "
                                + BLOCKED_FIELD_CONFIG + " and " + BLOCKED_VALUES_CONFIG + "). When this key is set "
                                + "explicitly, every listed rule must have its parameters.",
                        Width.LONG, "Rules")
                .field(AMOUNT_FIELD_CONFIG, "amount", Importance.HIGH,
                        "Field holding the amount (number, numeric string or Decimal) for high_amount and zscore. A "
                                + "record without it skips those rules; a non-numeric one is an invalid record.",
                        "Amount field")
                .field(KEY_FIELD_CONFIG, "user_id", Importance.HIGH,
                        "Field whose value keys the per-key state of velocity and zscore. Records without it get "
                                + "only the stateless rules. State lives in each task, so these rules are exact only "
                                + "when all records of a key reach the same task: make this field the Kinesis "
                                + "partition key (which becomes the Kafka key, hence one partition, hence one task).",
                        "Key field")
                .group("Rule: high_amount")
                .define(HIGH_AMOUNT_THRESHOLD_CONFIG, Type.DOUBLE, null, Validators.nullOr(Validators.finite()),
                        Importance.MEDIUM,
                        "Fires when the amount (in major units, as in the record) is strictly above this. Unset: off.",
                        Width.SHORT, "High amount threshold")
                .fraction(HIGH_AMOUNT_WEIGHT_CONFIG, 0.5, Importance.LOW,
                        "Contribution of high_amount to the fraud score (see score.field).", "High amount weight")
                .group("Rule: velocity")
                .define(VELOCITY_MAX_EVENTS_CONFIG, Type.INT, null,
                        Validators.nullOr(ConfigDef.Range.between(1, 100_000)), Importance.MEDIUM,
                        "Fires when a key has more than this many events (this one included) within "
                                + VELOCITY_WINDOW_MS_CONFIG + ". Unset: off.",
                        Width.SHORT, "Velocity max events")
                .define(VELOCITY_WINDOW_MS_CONFIG, Type.LONG, 60_000L, ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM, "Length of the sliding velocity window in milliseconds.",
                        Width.SHORT, "Velocity window (ms)")
                .choice(VELOCITY_TIME_CONFIG, VelocityTime.class, "record", Importance.LOW,
                        "'record': event time is the Connect record timestamp (falls back to processing time when "
                                + "absent), so replays and catch-up reads judge velocity as it happened. "
                                + "'processing': the task's clock. Events arriving out of time order are counted "
                                + "against the window of the newest event seen.",
                        "Velocity time")
                .fraction(VELOCITY_WEIGHT_CONFIG, 0.5, Importance.LOW, "Contribution of velocity to the fraud score.",
                        "Velocity weight")
                .group("Rule: zscore")
                .define(ZSCORE_THRESHOLD_CONFIG, Type.DOUBLE, 3.0,
                        Validators.nullOr(Validators.finiteAbove(0.0)), Importance.MEDIUM,
                        "Fires when |amount - mean| > threshold x stddev over the key's previous "
                                + ZSCORE_WINDOW_CONFIG + " amounts (sample standard deviation; the current amount is "
                                + "not part of its own baseline, as in the seed's 3-sigma query). A constant history "
                                + "(stddev 0) flags any different amount. To turn the rule off, leave zscore out of " + RULES_CONFIG + ".",
                        Width.SHORT, "Z-score threshold")
                .define(ZSCORE_WINDOW_CONFIG, Type.INT, 100, ConfigDef.Range.between(2, 100_000),
                        Importance.LOW, "Number of previous amounts per key in the baseline.",
                        Width.SHORT, "Z-score window")
                .define(ZSCORE_MIN_SAMPLES_CONFIG, Type.INT, 10, ConfigDef.Range.between(2, 100_000),
                        Importance.LOW,
                        "The rule stays silent until the key has this many previous amounts; at most "
                                + ZSCORE_WINDOW_CONFIG + ".",
                        Width.SHORT, "Z-score minimum samples")
                .fraction(ZSCORE_WEIGHT_CONFIG, 0.6, Importance.LOW, "Contribution of zscore to the fraud score.",
                        "Z-score weight")
                .group("Rule: blocked_value")
                .optionalField(BLOCKED_FIELD_CONFIG, "", Importance.MEDIUM, "Field checked against "
                                + BLOCKED_VALUES_CONFIG + " (e.g. country). Empty: off.",
                        "Blocked field")
                .define(BLOCKED_VALUES_CONFIG, Type.LIST, "", Validators.distinctValues(), Importance.MEDIUM,
                        "Values of " + BLOCKED_FIELD_CONFIG + " that fire the rule, compared exactly (case-sensitive) "
                                + "with the value's string form, e.g. 'KP,IR'.",
                        Width.LONG, "Blocked values")
                .fraction(BLOCKED_WEIGHT_CONFIG, 1.0, Importance.LOW,
                        "Contribution of blocked_value to the fraud score.", "Blocked weight")
                .group("State")
                .define(STATE_MAX_KEYS_CONFIG, Type.INT, 100_000, ConfigDef.Range.between(1, 10_000_000),
                        Importance.MEDIUM,
                        "Most keys whose velocity/zscore state one task keeps; the least recently seen key is "
                                + "evicted beyond that (its history restarts). Memory per key is about "
                                + "8 x (velocity.max.events + zscore.window) bytes plus overhead.",
                        Width.SHORT, "Maximum keys")
                .group("Output")
                .field(FLAG_FIELD_CONFIG, "fraud_flag", Importance.LOW,
                        "Output field: true when any active rule fired (optional BOOLEAN).", "Flag field")
                .field(SCORE_FIELD_CONFIG, "fraud_score", Importance.LOW,
                        "Output field: 1 - product of (1 - weight) over the rules that fired ('noisy-OR'; 0 when none "
                                + "fired, never above 1), rounded to 4 decimal places (optional FLOAT64).",
                        "Score field")
                .field(REASONS_FIELD_CONFIG, "fraud_reasons", Importance.LOW,
                        "Output field: names of the rules that fired, in the order " + RULES
                                + " (optional ARRAY of STRING; empty when none fired).",
                        "Reasons field");
        return InvalidRecordHandler.define(keys).build();
    }

    private final Set<String> activeRules;

    public FraudFlagConfig(Map<?, ?> originals) {
        super(configDef(), originals);
        boolean explicit = originals.containsKey(RULES_CONFIG);
        Set<String> listed = getList(RULES_CONFIG).stream().map(s -> s.trim().toLowerCase(Locale.ROOT))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (blockedField().isEmpty() != blockedValues().isEmpty()) {
            throw new ConfigException(blockedField().isEmpty() ? BLOCKED_FIELD_CONFIG : BLOCKED_VALUES_CONFIG, "",
                    BLOCKED_FIELD_CONFIG + " and " + BLOCKED_VALUES_CONFIG + " must be set together");
        }
        if (getInt(ZSCORE_MIN_SAMPLES_CONFIG) > getInt(ZSCORE_WINDOW_CONFIG)) {
            throw new ConfigException(ZSCORE_MIN_SAMPLES_CONFIG, getInt(ZSCORE_MIN_SAMPLES_CONFIG),
                    "must not exceed " + ZSCORE_WINDOW_CONFIG + " (" + getInt(ZSCORE_WINDOW_CONFIG) + ")");
        }
        activeRules = new LinkedHashSet<>();
        for (String rule : RULES) {
            if (!listed.contains(rule)) {
                continue;
            }
            String missing = missingParameter(rule);
            if (missing == null) {
                activeRules.add(rule);
            } else if (explicit) {
                throw new ConfigException(RULES_CONFIG, getList(RULES_CONFIG),
                        "rule '" + rule + "' is listed but '" + missing + "' is not set");
            }
        }
    }

    private String missingParameter(String rule) {
        switch (rule) {
            case RULE_HIGH_AMOUNT:
                return getDouble(HIGH_AMOUNT_THRESHOLD_CONFIG) == null ? HIGH_AMOUNT_THRESHOLD_CONFIG : null;
            case RULE_VELOCITY:
                return getInt(VELOCITY_MAX_EVENTS_CONFIG) == null ? VELOCITY_MAX_EVENTS_CONFIG : null;
            case RULE_ZSCORE:
                return getDouble(ZSCORE_THRESHOLD_CONFIG) == null ? ZSCORE_THRESHOLD_CONFIG : null;
            default:
                return blockedField().isEmpty() ? BLOCKED_FIELD_CONFIG : null;
        }
    }

    Set<String> activeRules() {
        return activeRules;
    }

    boolean active(String rule) {
        return activeRules.contains(rule);
    }

    String blockedField() {
        return optionalField(BLOCKED_FIELD_CONFIG);
    }

    List<String> blockedValues() {
        return getList(BLOCKED_VALUES_CONFIG).stream().map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toList());
    }

    VelocityTime velocityTime() {
        return ConfigEnums.parse(VelocityTime.class, VELOCITY_TIME_CONFIG, getString(VELOCITY_TIME_CONFIG));
    }

    /** Weights in rule order. */
    double[] weights() {
        return new double[]{getDouble(HIGH_AMOUNT_WEIGHT_CONFIG), getDouble(VELOCITY_WEIGHT_CONFIG),
            getDouble(ZSCORE_WEIGHT_CONFIG), getDouble(BLOCKED_WEIGHT_CONFIG)};
    }
}
