package io.mskbridge.smt;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.mskbridge.smt.TestRecords.e;
import static io.mskbridge.smt.TestRecords.map;
import static io.mskbridge.smt.TestRecords.props;
import static io.mskbridge.smt.TestRecords.sink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FraudFlagTest {

    private static FraudFlag<SinkRecord> transform(Map<String, String> props) {
        return transform(props, TestRecords.CLOCK);
    }

    private static FraudFlag<SinkRecord> transform(Map<String, String> props, Clock clock) {
        FraudFlag<SinkRecord> t = new FraudFlag.Value<>(clock);
        t.configure(props);
        return t;
    }

    private static SinkRecord at(long timestamp, Map<String, Object> value) {
        return new SinkRecord("tx", 0, null, null, null, value, 1L, timestamp, TimestampType.CREATE_TIME);
    }

    private static Map<?, ?> apply(FraudFlag<SinkRecord> t, Map<String, Object> value) {
        return (Map<?, ?>) t.apply(sink(value)).value();
    }

    @Test
    void highAmount() {
        FraudFlag<SinkRecord> t = transform(props("high.amount.threshold", "1000"));
        Map<?, ?> out = apply(t, map(e("amount", 1000.01), e("user_id", "u")));
        assertThat(out.get("fraud_flag")).isEqualTo(true);
        assertThat(out.get("fraud_score")).isEqualTo(0.5);
        assertThat(out.get("fraud_reasons")).isEqualTo(List.of("high_amount"));
        Map<?, ?> ok = apply(t, map(e("amount", "1000"), e("user_id", "u")));
        assertThat(ok.get("fraud_flag")).isEqualTo(false);
        assertThat(ok.get("fraud_score")).isEqualTo(0.0);
        assertThat(ok.get("fraud_reasons")).isEqualTo(List.of());
    }

    @Test
    void velocityBySlidingRecordTimestampWindow() {
        FraudFlag<SinkRecord> t = transform(props("velocity.max.events", "3", "velocity.window.ms", "1000",
                "rules", "velocity"));
        long t0 = 1_000_000L;
        boolean[] expected = {false, false, false, true, true, false};
        long[] times = {t0, t0 + 100, t0 + 200, t0 + 300, t0 + 999, t0 + 1250};
        for (int i = 0; i < times.length; i++) {
            Map<?, ?> out = (Map<?, ?>) t.apply(at(times[i], map(e("user_id", "u1")))).value();
            assertThat(out.get("fraud_flag")).as("event %d", i).isEqualTo(expected[i]);
        }
        // t0+1250: window (250, 1250] holds t0+300, t0+999, t0+1250 = 3 events, not more than 3
        // another key is independent
        Map<?, ?> other = (Map<?, ?>) t.apply(at(t0 + 300, map(e("user_id", "u2")))).value();
        assertThat(other.get("fraud_flag")).isEqualTo(false);
        // records without the key: stateless only
        for (int i = 0; i < 10; i++) {
            assertThat(((Map<?, ?>) t.apply(at(t0, map(e("amount", 1)))).value()).get("fraud_flag")).isEqualTo(false);
        }
    }

    @Test
    void velocityByProcessingTime() {
        long[] now = {0};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now[0]);
            }
        };
        FraudFlag<SinkRecord> t = transform(props("velocity.max.events", "1", "velocity.window.ms", "10",
                "velocity.time", "processing", "rules", "velocity"), clock);
        assertThat(apply(t, map(e("user_id", "u"))).get("fraud_flag")).isEqualTo(false);
        now[0] = 5;
        assertThat(apply(t, map(e("user_id", "u"))).get("fraud_flag")).isEqualTo(true);
        now[0] = 100;
        assertThat(apply(t, map(e("user_id", "u"))).get("fraud_flag")).isEqualTo(false);
    }

    @Test
    void zscoreFlagsThreeSigmaOutlierAfterMinSamples() {
        FraudFlag<SinkRecord> t = transform(props("zscore.min.samples", "5", "rules", "zscore"));
        double[] normal = {10, 12, 11, 9, 10, 11, 10, 12, 9, 11};
        for (double a : normal) {
            assertThat(apply(t, map(e("user_id", "u"), e("amount", a))).get("fraud_flag")).isEqualTo(false);
        }
        Map<?, ?> out = apply(t, map(e("user_id", "u"), e("amount", 50.0)));
        assertThat(out.get("fraud_reasons")).isEqualTo(List.of("zscore"));
        assertThat(out.get("fraud_score")).isEqualTo(0.6);
        // a different key has no history yet
        assertThat(apply(t, map(e("user_id", "v"), e("amount", 50.0))).get("fraud_flag")).isEqualTo(false);
    }

    @Test
    void zscoreSilentBeforeMinSamples() {
        FraudFlag<SinkRecord> t = transform(props("zscore.min.samples", "10", "rules", "zscore"));
        for (int i = 0; i < 9; i++) {
            apply(t, map(e("user_id", "u"), e("amount", 10 + i % 2)));
        }
        assertThat(apply(t, map(e("user_id", "u"), e("amount", 1e6))).get("fraud_flag")).isEqualTo(false);
    }

    @Test
    void blockedValues() {
        FraudFlag<SinkRecord> t = transform(props("blocked.field", "country", "blocked.values", "KP, IR"));
        assertThat(apply(t, map(e("country", "IR"))).get("fraud_reasons")).isEqualTo(List.of("blocked_value"));
        assertThat(apply(t, map(e("country", "IR"))).get("fraud_score")).isEqualTo(1.0);
        assertThat(apply(t, map(e("country", "ir"))).get("fraud_flag")).isEqualTo(false);
        assertThat(apply(t, map(e("country", null))).get("fraud_flag")).isEqualTo(false);
    }

    @Test
    void combinedScoreIsNoisyOrAndReasonsInRuleOrder() {
        FraudFlag<SinkRecord> t = transform(props("blocked.field", "country", "blocked.values", "KP",
                "high.amount.threshold", "100"));
        Map<?, ?> out = apply(t, map(e("country", "KP"), e("amount", 500), e("user_id", "u")));
        assertThat(out.get("fraud_reasons")).isEqualTo(List.of("high_amount", "blocked_value"));
        assertThat(out.get("fraud_score")).isEqualTo(1.0);
        FraudFlag<SinkRecord> t2 = transform(props("high.amount.threshold", "100", "velocity.max.events", "1",
                "high.amount.weight", "0.3", "velocity.weight", "0.3"));
        apply(t2, map(e("amount", 1), e("user_id", "u")));
        Map<?, ?> both = apply(t2, map(e("amount", 500), e("user_id", "u")));
        // 1 - 0.7 * 0.7
        assertThat(both.get("fraud_score")).isEqualTo(0.51);
        assertThat(both.get("fraud_reasons")).isEqualTo(List.of("high_amount", "velocity"));
    }

    @Test
    void stateIsBoundedLru() {
        FraudFlag<SinkRecord> t = transform(props("state.max.keys", "3", "velocity.max.events", "1"));
        for (String k : new String[]{"a", "b", "c", "a", "d"}) {
            apply(t, map(e("user_id", k), e("amount", 1)));
        }
        assertThat(t.stateSize()).isEqualTo(3);
        // "b" was least recently used and evicted: its next event is its first again
        assertThat(apply(t, map(e("user_id", "b"))).get("fraud_flag")).isEqualTo(false);
        // "a" survived and now exceeds one event per window
        assertThat(apply(t, map(e("user_id", "a"))).get("fraud_flag")).isEqualTo(true);
    }

    @Test
    void noActiveRulesStillWritesFields() {
        FraudFlag<SinkRecord> t = transform(props("rules", ""));
        Map<?, ?> out = apply(t, map(e("user_id", "u"), e("amount", 1e9)));
        assertThat(out.get("fraud_flag")).isEqualTo(false);
        assertThat(t.stateSize()).isZero();
    }

    @Test
    void invalidAmount() {
        Map<String, Object> v = map(e("user_id", "u"), e("amount", "lots"));
        assertThatThrownBy(() -> transform(props()).apply(sink(v))).isInstanceOf(DataException.class)
                .hasMessageContaining("FraudFlag rejected").hasMessageContaining("field 'amount'");
        assertThat(transform(props("on.invalid", "drop")).apply(sink(v))).isNull();
        SinkRecord routed = transform(props("on.invalid", "route")).apply(sink(v));
        assertThat(routed.topic()).isEqualTo("events.invalid");
        assertThat(routed.headers().lastWithName(InvalidRecordHandler.ERROR_HEADER).value().toString())
                .contains("lots");
        assertThatThrownBy(() -> transform(props()).apply(sink(map(e("amount", Double.NaN)))))
                .hasMessageContaining("not a finite number");
    }

    @Test
    void structPathAndSchemaCache() {
        FraudFlag<SinkRecord> t = transform(props("high.amount.threshold", "10", "flag.field", "ff",
                "score.field", "fs", "reasons.field", "fr"));
        SinkRecord o1 = t.apply(sink(TestRecords.SEED_SCHEMA, TestRecords.seedStruct()));
        SinkRecord o2 = t.apply(sink(TestRecords.SEED_SCHEMA, TestRecords.seedStruct().put("amount", 1.0)));
        assertThat(o1.valueSchema()).isSameAs(o2.valueSchema());
        Struct v1 = (Struct) o1.value();
        v1.validate();
        assertThat(v1.getBoolean("ff")).isTrue();
        assertThat(v1.getFloat64("fs")).isEqualTo(0.5);
        assertThat(v1.<String>getArray("fr")).containsExactly("high_amount");
        assertThat(((Struct) o2.value()).getBoolean("ff")).isFalse();
        assertThat(o1.valueSchema().field("fr").schema()).isEqualTo(FraudFlag.REASONS_SCHEMA);
        assertThat(o1.valueSchema().field("ff").schema()).isEqualTo(Schema.OPTIONAL_BOOLEAN_SCHEMA);
        SinkRecord tomb = sink(TestRecords.SEED_SCHEMA, null);
        assertThat(t.apply(tomb)).isSameAs(tomb);
        SinkRecord tomb2 = sink(null);
        assertThat(t.apply(tomb2)).isSameAs(tomb2);
    }

    @Test
    void decimalAmounts() {
        FraudFlag<SinkRecord> t = transform(props("high.amount.threshold", "10"));
        assertThat(apply(t, map(e("amount", new BigDecimal("10.01")))).get("fraud_flag")).isEqualTo(true);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "rules|high_amount,teleport|unknown item 'teleport'",
        "rules|zscore,zscore|more than once",
        "rules|high_amount|rule 'high_amount' is listed but 'high.amount.threshold' is not set",
        "rules|velocity|'velocity.max.events' is not set",
        "rules|blocked_value|'blocked.field' is not set",
        "velocity.max.events|0|Value must be at least 1",
        "velocity.window.ms|0|Value must be at least 1",
        "velocity.time|wall|Must be one of [record, processing]",
        "zscore.threshold|0|finite number greater than 0.0",
        "zscore.threshold|-1|finite number greater than 0.0",
        "zscore.window|1|Value must be at least 2",
        "zscore.min.samples|1|Value must be at least 2",
        "zscore.min.samples|101|must not exceed zscore.window (100)",
        "high.amount.threshold|NaN|must be a finite number",
        "high.amount.weight|1.1|Value must be no more than 1.0",
        "state.max.keys|0|Value must be at least 1",
        "blocked.values|KP|must be set together",
        "blocked.field|country|must be set together",
        "flag.field|''|non-empty field name",
    })
    void configErrors(String key, String value, String message) {
        assertThatThrownBy(() -> transform(props(key, value))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void closeClearsState() {
        FraudFlag<SinkRecord> t = transform(props());
        apply(t, map(e("user_id", "u"), e("amount", 1)));
        assertThat(t.stateSize()).isEqualTo(1);
        t.close();
        assertThat(t.stateSize()).isZero();
    }
}
