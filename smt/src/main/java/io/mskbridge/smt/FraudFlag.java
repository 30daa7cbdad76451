package io.mskbridge.smt;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flags suspicious transactions with configurable rules: {@code high_amount} (amount above a threshold),
 * {@code velocity} (too many events per key in a sliding window), {@code zscore} (the seed's 3-sigma
 * anomaly test against the key's recent amounts) and {@code blocked_value} (a field holding a blocked value).
 * Adds a boolean flag, a score in [0, 1] and the list of rules that fired.
 *
 * <p>Per-key state (velocity, zscore) lives in this transform instance, i.e. in one task, and is bounded by
 * {@code state.max.keys} with least-recently-used eviction. It is exact only when every record of a key
 * reaches the same task, which holds when the key field is the Kafka record key. The state is not
 * persisted: a task restart or rebalance starts each key's history afresh. Not thread-safe, like every
 * Connect transform instance (one per task).
 *
 * @param <R> the record type
 */
public abstract class FraudFlag<R extends ConnectRecord<R>> extends RecordValueTransform<R> {

    private static final Logger log = LoggerFactory.getLogger(FraudFlag.class);

    public static final String OVERVIEW_DOC = overview(
            "Flags suspicious records with the rules high_amount, velocity, "
            + "zscore (3-sigma against the key's recent amounts) and blocked_value, adding a flag, a score in [0, 1] "
            + "and the reasons.",
            FraudFlag.Value.class);

    public static final ConfigDef CONFIG_DEF = FraudFlagConfig.configDef();

    static final Schema REASONS_SCHEMA = SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build();

    private static final int HIGH = 1;
    private static final int VELOCITY = 2;
    private static final int ZSCORE = 4;
    private static final int BLOCKED = 8;

    private final Clock clock;

    private String amountField;
    private String keyField;
    private boolean highOn;
    private double highThreshold;
    private boolean velocityOn;
    private int velocityMax;
    private long velocityWindowMs;
    private boolean recordTime;
    private boolean zscoreOn;
    private double zThreshold;
    private int zMinSamples;
    private String blockedField;
    private Set<String> blockedValues;
    private boolean statefulOn;
    /** Indexed by the bit set of fired rules: the precomputed score and reasons, so no record computes them. */
    private double[] scores;
    private List<List<String>> reasons;
    private InvalidRecordHandler invalid;
    private KeyHistories histories;

    protected FraudFlag() {
        this(Clock.systemUTC());
    }

    /** For tests: the clock used for processing time. */
    FraudFlag(Clock clock) {
        super("fraud flagging", CONFIG_DEF);
        this.clock = clock;
    }

    @Override
    public void configure(Map<String, ?> props) {
        FraudFlagConfig config = new FraudFlagConfig(props);
        amountField = config.field(FraudFlagConfig.AMOUNT_FIELD_CONFIG);
        keyField = config.field(FraudFlagConfig.KEY_FIELD_CONFIG);
        highOn = config.active(FraudFlagConfig.RULE_HIGH_AMOUNT);
        highThreshold = highOn ? config.getDouble(FraudFlagConfig.HIGH_AMOUNT_THRESHOLD_CONFIG) : 0;
        velocityOn = config.active(FraudFlagConfig.RULE_VELOCITY);
        velocityMax = velocityOn ? config.getInt(FraudFlagConfig.VELOCITY_MAX_EVENTS_CONFIG) : 0;
        velocityWindowMs = config.getLong(FraudFlagConfig.VELOCITY_WINDOW_MS_CONFIG);
        recordTime = config.velocityTime() == FraudFlagConfig.VelocityTime.RECORD;
        zscoreOn = config.active(FraudFlagConfig.RULE_ZSCORE);
        zThreshold = zscoreOn ? config.getDouble(FraudFlagConfig.ZSCORE_THRESHOLD_CONFIG) : 0;
        int zWindow = config.getInt(FraudFlagConfig.ZSCORE_WINDOW_CONFIG);
        zMinSamples = config.getInt(FraudFlagConfig.ZSCORE_MIN_SAMPLES_CONFIG);
        boolean blockedOn = config.active(FraudFlagConfig.RULE_BLOCKED);
        blockedField = blockedOn ? config.blockedField() : null;
        blockedValues = new HashSet<>(config.blockedValues());
        statefulOn = velocityOn || zscoreOn;
        String flagField = config.field(FraudFlagConfig.FLAG_FIELD_CONFIG);
        String scoreField = config.field(FraudFlagConfig.SCORE_FIELD_CONFIG);
        String reasonsField = config.field(FraudFlagConfig.REASONS_FIELD_CONFIG);
        declareOutputs(new String[]{flagField, scoreField, reasonsField},
                new Schema[]{Schema.OPTIONAL_BOOLEAN_SCHEMA, Schema.OPTIONAL_FLOAT64_SCHEMA, REASONS_SCHEMA});
        precompute(config.weights());
        invalid = InvalidRecordHandler.from("FraudFlag", config);
        int maxKeys = config.getInt(FraudFlagConfig.STATE_MAX_KEYS_CONFIG);
        histories = new KeyHistories(maxKeys, velocityOn ? velocityMax + 1 : 0, zscoreOn ? zWindow : 0);
        if (config.activeRules().isEmpty()) {
            log.warn("FraudFlag has no active rule: every record gets {}=false", flagField);
        }
        log.info("FraudFlag configured: rules={}, key.field={}, amount.field={}, state.max.keys={}, on.invalid={}",
                config.activeRules(), keyField, amountField, maxKeys, invalid.mode());
    }

    /** Noisy-OR of the weights for each subset of rules, in exact decimals rounded to 4 places. */
    private void precompute(double[] weights) {
        int combos = 1 << FraudFlagConfig.RULES.size();
        scores = new double[combos];
        reasons = new ArrayList<>(combos);
        for (int bits = 0; bits < combos; bits++) {
            BigDecimal notFraud = BigDecimal.ONE;
            List<String> names = new ArrayList<>();
            for (int r = 0; r < FraudFlagConfig.RULES.size(); r++) {
                if ((bits & (1 << r)) != 0) {
                    notFraud = notFraud.multiply(BigDecimal.ONE.subtract(BigDecimal.valueOf(weights[r])));
                    names.add(FraudFlagConfig.RULES.get(r));
                }
            }
            scores[bits] = BigDecimal.ONE.subtract(notFraud).setScale(4, RoundingMode.HALF_EVEN).doubleValue();
            reasons.add(Collections.unmodifiableList(names));
        }
    }

    @Override
    R transform(R record, ValueFields value) {
        Object amount = value.get(amountField);
        Object key = statefulOn ? value.get(keyField) : null;
        Object blocked = blockedField == null ? null : value.get(blockedField);
        int fired;
        try {
            fired = evaluate(record, amount, key, blocked);
        } catch (IllegalArgumentException e) {
            return invalid.reject(record, "field '" + amountField + "': " + e.getMessage());
        }
        return withOutputs(record, value, fired != 0, scores[fired], reasons.get(fired));
    }

    /** The bit set of rules that fired; updates the key's state. */
    private int evaluate(R record, Object amountValue, Object keyValue, Object blockedValue) {
        boolean hasAmount = amountValue != null;
        // Parse before touching state, so an invalid record leaves no trace in the key's history.
        double amount = hasAmount ? Amounts.toDouble(amountValue) : 0;
        int fired = 0;
        if (highOn && hasAmount && amount > highThreshold) {
            fired |= HIGH;
        }
        if (blockedValue != null && blockedValues.contains(blockedValue.toString())) {
            fired |= BLOCKED;
        }
        if (keyValue != null) {
            KeyHistory s = histories.of(keyValue);
            if (velocityOn) {
                Long ts = recordTime ? record.timestamp() : null;
                if (s.recordEvent(ts != null ? ts : clock.millis(), velocityWindowMs) > velocityMax) {
                    fired |= VELOCITY;
                }
            }
            if (zscoreOn && hasAmount) {
                if (s.isOutlier(amount, zThreshold, zMinSamples)) {
                    fired |= ZSCORE;
                }
                s.addAmount(amount);
            }
        }
        return fired;
    }

    /** Number of keys with state; for tests and metrics. */
    int stateSize() {
        return histories.size();
    }

    @Override
    public void close() {
        super.close();
        if (histories != null) {
            histories.clear();
        }
    }

    /** Flags the record value. */
    public static class Value<R extends ConnectRecord<R>> extends FraudFlag<R> {

        public Value() {
        }

        Value(Clock clock) {
            super(clock);
        }
    }
}
