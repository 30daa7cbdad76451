package io.mskbridge.smt;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.mskbridge.smt.TestRecords.CLOCK;
import static io.mskbridge.smt.TestRecords.NOW;
import static io.mskbridge.smt.TestRecords.e;
import static io.mskbridge.smt.TestRecords.map;
import static io.mskbridge.smt.TestRecords.props;
import static io.mskbridge.smt.TestRecords.seedRecord;
import static io.mskbridge.smt.TestRecords.sink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QualityScoreTest {

    private static QualityScore<SinkRecord> transform(Map<String, String> props) {
        return transform(props, CLOCK);
    }

    private static QualityScore<SinkRecord> transform(Map<String, String> props, Clock clock) {
        QualityScore<SinkRecord> t = new QualityScore.Value<>(clock);
        t.configure(props);
        return t;
    }

    @SuppressWarnings("unchecked")
    private static Object score(QualityScore<SinkRecord> t, Map<String, Object> value) {
        return ((Map<String, Object>) t.apply(sink(value)).value()).get("quality_score");
    }

    @Test
    void completeFreshRecordScoresOne() {
        Map<String, Object> in = seedRecord();
        SinkRecord out = transform(props()).apply(sink(in));
        assertThat(((Map<?, ?>) out.value()).get("quality_score")).isEqualTo(1.0);
        assertThat(in).doesNotContainKey("quality_score");
        assertThat(out.topic()).isEqualTo("events");
        assertThat(out.kafkaOffset()).isEqualTo(42L);
    }

    @Test
    void threeMissingFieldsIsExactlyPointSeven() {
        // the seed's 1.0 - 0.1 - 0.1 - 0.1 in binary floating point is 0.7000000000000001
        assertThat(1.0 - 0.1 - 0.1 - 0.1).isNotEqualTo(0.7);
        Object s = score(transform(props()), map(e("event_type", "x"), e("timestamp", NOW.toString())));
        assertThat(s).isEqualTo(0.7);
        assertThat(s.toString()).isEqualTo("0.7");
    }

    @Test
    void staleAndMissingEverythingIsPointFive() {
        Object s = score(transform(props()), map(e("timestamp", "2026-11-22T03:59:59.999Z")));
        assertThat(s).isEqualTo(0.5);
    }

    @Test
    void floorsAtZero() {
        Object s = score(transform(props("missing.field.penalty", "0.4", "optional.fields", "a,b,c")),
                map(e("timestamp", "2020-01-01T00:00:00Z")));
        assertThat(s).isEqualTo(0.0);
    }

    @Test
    void nestedMetadataMapCountsAsPresentAndNullAsMissing() {
        Map<String, Object> v = seedRecord();
        Map<String, Object> nested = new HashMap<>();
        nested.put("inner", Map.of("deep", 1));
        v.put("metadata", nested);
        assertThat(score(transform(props()), v)).isEqualTo(1.0);
        v.put("metadata", null);
        assertThat(score(transform(props()), v)).isEqualTo(0.9);
    }

    @ParameterizedTest
    @CsvSource({
        // exactly one hour is not stale (the seed: age_seconds > 3600)
        "2026-11-22T04:00:00Z, 1.0",
        "2026-11-22T03:59:59.999Z, 0.8",
        "2026-11-22T04:00:00, 1.0",
        "2026-11-22T03:59:59.999999, 0.8",
        "2026-11-22T10:29:00+05:30, 1.0",
        "2026-11-21T22:59:00-05:00, 0.8",
        "1795320000000, 1.0",
        "1795319999999, 0.8",
        // in the future: fresh
        "2030-01-01T00:00:00Z, 1.0",
    })
    void freshness(String ts, double expected) {
        Map<String, Object> v = seedRecord();
        v.put("timestamp", ts);
        assertThat(score(transform(props()), v)).isEqualTo(expected);
    }

    @Test
    void freshnessFromNumbersAndDates() {
        Map<String, Object> v = seedRecord();
        v.put("timestamp", NOW.toEpochMilli() - 3_600_001L);
        assertThat(score(transform(props()), v)).isEqualTo(0.8);
        v.put("timestamp", Date.from(NOW));
        assertThat(score(transform(props()), v)).isEqualTo(1.0);
    }

    @Test
    void seedProducerTimestampUsesProcessingClock() {
        // datetime.utcnow().isoformat(): no offset, microseconds; UTC by definition of the producer
        Clock later = Clock.fixed(Instant.parse("2026-11-22T06:05:47.123Z"), ZoneOffset.UTC);
        Map<String, Object> v = seedRecord();
        v.put("timestamp", "2026-11-22T04:05:47.123456");
        assertThat(score(transform(props(), later), v)).isEqualTo(0.8);
    }

    @Test
    void missingTimestampHasNoStalePenalty() {
        Map<String, Object> v = seedRecord();
        v.remove("timestamp");
        assertThat(score(transform(props()), v)).isEqualTo(1.0);
        v.put("timestamp", null);
        assertThat(score(transform(props()), v)).isEqualTo(1.0);
    }

    @Test
    void emptyTimestampFieldDisablesFreshness() {
        Map<String, Object> v = seedRecord();
        v.put("timestamp", "garbage");
        assertThat(score(transform(props("timestamp.field", "")), v)).isEqualTo(1.0);
    }

    @Test
    void unparseableTimestampFails() {
        Map<String, Object> v = seedRecord();
        v.put("timestamp", "22/11/2026");
        assertThatThrownBy(() -> transform(props()).apply(sink(v))).isInstanceOf(DataException.class)
                .hasMessageContaining("QualityScore rejected record (topic=events, partition=3, offset=42)")
                .hasMessageContaining("field 'timestamp'")
                .hasMessageContaining("not an ISO-8601 date-time");
    }

    @Test
    void unparseableTimestampDropOrRoute() {
        Map<String, Object> v = seedRecord();
        v.put("timestamp", true);
        assertThat(transform(props("on.invalid", "drop")).apply(sink(v))).isNull();
        SinkRecord routed = transform(props("on.invalid", "route")).apply(sink(v));
        assertThat(routed.topic()).isEqualTo("events.invalid");
        assertThat(routed.value()).isSameAs(v);
        assertThat(routed.headers().lastWithName(InvalidRecordHandler.ERROR_HEADER).value().toString())
                .contains("field 'timestamp'").contains("boolean");
    }

    @Test
    void structPathAddsFloat64FieldAndCachesSchema() {
        QualityScore<SinkRecord> t = transform(props());
        Struct in = TestRecords.seedStruct().put("session_id", null);
        SinkRecord out1 = t.apply(sink(TestRecords.SEED_SCHEMA, in));
        SinkRecord out2 = t.apply(sink(TestRecords.SEED_SCHEMA, TestRecords.seedStruct()));
        Struct v1 = (Struct) out1.value();
        assertThat(v1.getFloat64("quality_score")).isEqualTo(0.9);
        assertThat(((Struct) out2.value()).getFloat64("quality_score")).isEqualTo(1.0);
        assertThat(out1.valueSchema()).isSameAs(out2.valueSchema());
        assertThat(out1.valueSchema().field("quality_score").schema().type()).isEqualTo(Schema.Type.FLOAT64);
        assertThat(out1.valueSchema().name()).isEqualTo("io.mskbridge.Event");
        assertThat(out1.valueSchema().version()).isEqualTo(1);
        assertThat(v1.getString("user_id")).isEqualTo("user123");
        assertThat(v1.getMap("metadata")).containsEntry("source", "web");
        v1.validate();
    }

    @Test
    void structWithConnectTimestampAndExistingScoreField() {
        Schema s = SchemaBuilder.struct().field("timestamp", Timestamp.SCHEMA)
                .field("quality_score", Schema.STRING_SCHEMA).build();
        Struct v = new Struct(s).put("timestamp", Date.from(NOW.minusSeconds(7200))).put("quality_score", "old");
        SinkRecord out = transform(props("optional.fields", "")).apply(sink(s, v));
        assertThat(((Struct) out.value()).getFloat64("quality_score")).isEqualTo(0.8);
        assertThat(out.valueSchema().fields()).hasSize(2);
    }

    @Test
    void tombstones() {
        SinkRecord r = sink(null);
        assertThat(transform(props()).apply(r)).isSameAs(r);
        SinkRecord rs = sink(TestRecords.SEED_SCHEMA, null);
        assertThat(transform(props()).apply(rs)).isSameAs(rs);
    }

    @Test
    void sourceRecordKeepsSourceCoordinates() {
        QualityScore<SourceRecord> t = new QualityScore.Value<>(CLOCK);
        t.configure(props());
        SourceRecord out = t.apply(TestRecords.source(seedRecord()));
        assertThat(TestRecords.asMap(out.sourceOffset())).containsEntry("seq", "4960");
        assertThat(((Map<?, ?>) out.value()).get("quality_score")).isEqualTo(1.0);
    }

    @Test
    void penaltiesRoundToFourDecimals() {
        assertThat(QualityScoreConfig.units(0.1)).isEqualTo(1000);
        assertThat(QualityScoreConfig.units(0.33333)).isEqualTo(3333);
        Object s = score(transform(props("missing.field.penalty", "0.33333")),
                map(e("timestamp", NOW.toString())));
        assertThat(s).isEqualTo(0.0001);
    }

    @Test
    void customScoreField() {
        SinkRecord out = transform(props("score.field", "dq")).apply(sink(seedRecord()));
        assertThat(TestRecords.asMap(out.value())).containsEntry("dq", 1.0).doesNotContainKey("quality_score");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "missing.field.penalty|1.5|Value must be no more than 1.0",
        "missing.field.penalty|-0.1|Value must be at least 0.0",
        "missing.field.penalty|abc|Not a number of type DOUBLE",
        "stale.penalty|2|Value must be no more than 1.0",
        "max.age.ms|-1|Value must be at least 0",
        "score.field|' '|must be a non-empty field name",
        "optional.fields|a,a|more than once",
        "on.invalid|ignore|Must be one of",
    })
    void configErrors(String key, String value, String message) {
        assertThatThrownBy(() -> transform(props(key, value))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key).hasMessageContaining(message);
    }
}
