package io.mskbridge.smt;

import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import static io.mskbridge.smt.TestRecords.e;
import static io.mskbridge.smt.TestRecords.map;
import static io.mskbridge.smt.TestRecords.props;
import static io.mskbridge.smt.TestRecords.seedRecord;
import static io.mskbridge.smt.TestRecords.sink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidateFieldsTest {

    private static ValidateFields<SinkRecord> sinkTransform(Map<String, String> props) {
        ValidateFields<SinkRecord> t = new ValidateFields.Value<>();
        t.configure(props);
        return t;
    }

    @Test
    void seedRecordPassesUnchanged() {
        ValidateFields<SinkRecord> t = sinkTransform(props());
        SinkRecord r = sink(seedRecord());
        assertThat(t.apply(r)).isSameAs(r);
    }

    @Test
    void seedMissingFieldFailsNamingRecordAndField() {
        ValidateFields<SinkRecord> t = sinkTransform(props());
        SinkRecord r = sink(map(e("event_type", "click")));
        assertThatThrownBy(() -> t.apply(r)).isInstanceOf(DataException.class)
                .hasMessageContaining("topic=events, partition=3, offset=42")
                .hasMessageContaining("missing required field(s) [timestamp]");
    }

    @Test
    void sourceRecordFailureNamesSourcePartitionAndOffset() {
        ValidateFields<SourceRecord> t = new ValidateFields.Value<>();
        t.configure(props());
        assertThatThrownBy(() -> t.apply(TestRecords.source(map())))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("topic=events")
                .hasMessageContaining("sourcePartition={shard=shardId-000000000001}")
                .hasMessageContaining("sourceOffset={seq=4960}")
                .hasMessageContaining("[event_type, timestamp]");
    }

    @Test
    void nullCountsAsMissingByDefault() {
        Map<String, Object> v = map(e("event_type", "click"), e("timestamp", null));
        assertThatThrownBy(() -> sinkTransform(props()).apply(sink(v)))
                .hasMessageContaining("missing required field(s) [timestamp]");
        SinkRecord r = sink(v);
        assertThat(sinkTransform(props("required.fields.allow.null", "true")).apply(r)).isSameAs(r);
    }

    @Test
    void dropReturnsNull() {
        assertThat(sinkTransform(props("on.invalid", "drop")).apply(sink(map()))).isNull();
    }

    @Test
    void routeSendsUnchangedRecordToInvalidTopicWithHeader() {
        Map<String, Object> v = map(e("event_type", "click"));
        SinkRecord r = sink(v);
        r.headers().addString("trace", "t1");
        SinkRecord routed = sinkTransform(props("on.invalid", "ROUTE")).apply(r);
        assertThat(routed.topic()).isEqualTo("events.invalid");
        assertThat(routed.value()).isSameAs(v);
        assertThat(routed.key()).isEqualTo("k");
        assertThat(routed.timestamp()).isEqualTo(r.timestamp());
        assertThat(routed.kafkaPartition()).isEqualTo(3);
        assertThat(routed.kafkaOffset()).isEqualTo(42L);
        Header h = routed.headers().lastWithName(InvalidRecordHandler.ERROR_HEADER);
        assertThat(h.value()).isEqualTo("missing required field(s) [timestamp]");
        assertThat(routed.headers().lastWithName("trace").value()).isEqualTo("t1");
        assertThat(routed.headers().lastWithName(InvalidRecordHandler.TRANSFORM_HEADER).value())
                .isEqualTo("ValidateFields");
        // the original record's headers are untouched
        assertThat(r.headers().lastWithName(InvalidRecordHandler.ERROR_HEADER)).isNull();
    }

    @Test
    void routeWorksForSourceRecordsAndLeavesPartitionToProducer() {
        ValidateFields<SourceRecord> t = new ValidateFields.Value<>();
        t.configure(props("on.invalid", "route", "invalid.topic", "dlq-${topic}"));
        SourceRecord routed = t.apply(TestRecords.source(map(e("timestamp", "x"))));
        assertThat(routed.topic()).isEqualTo("dlq-events");
        assertThat(routed.kafkaPartition()).isNull();
        assertThat(TestRecords.asMap(routed.sourcePartition())).containsEntry("shard", "shardId-000000000001");
        assertThat(TestRecords.asMap(routed.sourceOffset())).containsEntry("seq", "4960");
        assertThat(routed.headers().lastWithName(InvalidRecordHandler.ERROR_HEADER).value().toString())
                .contains("event_type");
    }

    @Test
    void fixedInvalidTopic() {
        SinkRecord routed = sinkTransform(props("on.invalid", "route", "invalid.topic", "all-invalid")).apply(sink(map()));
        assertThat(routed.topic()).isEqualTo("all-invalid");
    }

    @Test
    void tombstonePassesThrough() {
        SinkRecord r = sink(null);
        assertThat(sinkTransform(props()).apply(r)).isSameAs(r);
        SinkRecord rs = sink(TestRecords.SEED_SCHEMA, null);
        assertThat(sinkTransform(props()).apply(rs)).isSameAs(rs);
    }

    @Test
    void structPath() {
        ValidateFields<SinkRecord> t = sinkTransform(props("field.types", "amount:number,timestamp:timestamp"));
        SinkRecord ok = sink(TestRecords.SEED_SCHEMA, TestRecords.seedStruct());
        assertThat(t.apply(ok)).isSameAs(ok);
        Struct missing = TestRecords.seedStruct().put("event_type", null);
        assertThatThrownBy(() -> t.apply(sink(TestRecords.SEED_SCHEMA, missing)))
                .hasMessageContaining("[event_type]");
        Schema noTs = SchemaBuilder.struct().field("event_type", Schema.STRING_SCHEMA).build();
        assertThatThrownBy(() -> t.apply(sink(noTs, new Struct(noTs).put("event_type", "x"))))
                .hasMessageContaining("[timestamp]");
        Struct badTs = TestRecords.seedStruct().put("timestamp", "yesterday");
        assertThatThrownBy(() -> t.apply(sink(TestRecords.SEED_SCHEMA, badTs)))
                .hasMessageContaining("field 'timestamp' must be timestamp but was string \"yesterday\"");
    }

    static Stream<Arguments> valuesThatAreNotObjects() {
        return Stream.of(
                Arguments.of(null, "not json {", "string \"not json {\""),
                Arguments.of(null, new byte[] {0x1f, (byte) 0x8b, 8, 0}, "bytes (4 bytes)"),
                Arguments.of(Schema.BYTES_SCHEMA, new byte[] {1, 2, 3}, "bytes (3 bytes) with a BYTES schema"),
                Arguments.of(Schema.OPTIONAL_BYTES_SCHEMA, java.nio.ByteBuffer.wrap(new byte[5]),
                        "bytes (5 bytes) with a BYTES schema"),
                Arguments.of(Schema.STRING_SCHEMA, "text", "string \"text\" with a STRING schema"),
                Arguments.of(null, 42L, "long 42"),
                Arguments.of(null, true, "boolean true"),
                Arguments.of(null, List.of(1L, 2L), "array"),
                Arguments.of(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build(),
                        Map.of("event_type", "x"), "map with a MAP schema"));
    }

    @ParameterizedTest
    @MethodSource("valuesThatAreNotObjects")
    void aValueThatIsNotAnObjectIsInvalidAndFollowsOnInvalid(Schema schema, Object value, String kind) {
        String reason = "value is not an object (a Map without schema or a Struct) but " + kind;
        SourceRecord record = new SourceRecord(Map.of("shard", "shardId-000000000001"), Map.of("seq", "4960"),
                "events", null, null, "k", schema, value, 1_700_000_000_000L);

        ValidateFields<SourceRecord> fail = new ValidateFields.Value<>();
        fail.configure(props());
        assertThatThrownBy(() -> fail.apply(record)).isInstanceOf(DataException.class)
                .hasMessageContaining("sourcePartition={shard=shardId-000000000001}, sourceOffset={seq=4960}")
                .hasMessageEndingWith(reason);

        ValidateFields<SourceRecord> route = new ValidateFields.Value<>();
        route.configure(props("on.invalid", "route"));
        SourceRecord routed = route.apply(record);
        assertThat(routed.topic()).isEqualTo("events.invalid");
        assertThat(routed.value()).isSameAs(value);
        assertThat(routed.valueSchema()).isSameAs(schema);
        assertThat(routed.headers().lastWithName(InvalidRecordHandler.ERROR_HEADER).value()).isEqualTo(reason);
        assertThat(routed.headers().lastWithName(InvalidRecordHandler.TRANSFORM_HEADER).value()).isEqualTo("ValidateFields");

        ValidateFields<SourceRecord> drop = new ValidateFields.Value<>();
        drop.configure(props("on.invalid", "drop"));
        assertThat(drop.apply(record)).isNull();
    }

    @Test
    void aRecordWhosePayloadTheSourceCouldNotDecodeIsInvalidWithTheSourcesReason() {
        ValidateFields<SourceRecord> t = new ValidateFields.Value<>();
        t.configure(props("on.invalid", "route"));
        // what the Kinesis source passes on: the original bytes and the reason
        byte[] gzip = {0x1f, (byte) 0x8b, 8, 0, 0};
        SourceRecord undecoded = new SourceRecord(Map.of("shard", "s"), Map.of("seq", "1"), "events", null,
                null, "k", Schema.BYTES_SCHEMA, gzip, 1L);
        undecoded.headers().addString("kinesis.payload.error", "gzip payload does not decompress: Unexpected end of ZLIB input stream");
        SourceRecord routed = t.apply(undecoded);
        assertThat(routed.topic()).isEqualTo("events.invalid");
        assertThat(routed.value()).isSameAs(gzip);
        assertThat(routed.headers().lastWithName(InvalidRecordHandler.ERROR_HEADER).value()).isEqualTo(
                "payload not decoded by the source (kinesis.payload.error: gzip payload does not decompress: "
                        + "Unexpected end of ZLIB input stream)");
        assertThat(routed.headers().lastWithName("kinesis.payload.error")).as("the source's header stays").isNotNull();

        // the header alone decides, whatever the value: even a map that would pass
        SourceRecord marked = TestRecords.source(seedRecord());
        marked.headers().addString("kinesis.payload.error", "does not match kinesis.payload.schema at $.id: x");
        assertThat(t.apply(marked).topic()).isEqualTo("events.invalid");
        // other header names, when configured; none at all when the list is empty
        ValidateFields<SourceRecord> custom = new ValidateFields.Value<>();
        custom.configure(props("on.invalid", "route", "payload.error.headers", "decode.error, kinesis.payload.error"));
        SourceRecord other = TestRecords.source(seedRecord());
        other.headers().addString("decode.error", "bad avro");
        assertThat(custom.apply(other).headers().lastWithName(InvalidRecordHandler.ERROR_HEADER).value())
                .isEqualTo("payload not decoded by the source (decode.error: bad avro)");
        ValidateFields<SourceRecord> ignoring = new ValidateFields.Value<>();
        ignoring.configure(props("on.invalid", "route", "payload.error.headers", ""));
        assertThat(ignoring.apply(marked)).isSameAs(marked);
        assertThat(ignoring.apply(undecoded).headers().lastWithName(InvalidRecordHandler.ERROR_HEADER).value())
                .isEqualTo("value is not an object (a Map without schema or a Struct) but bytes (5 bytes) with a BYTES schema");
    }

    @Test
    void typeChecksReportEveryProblem() {
        ValidateFields<SinkRecord> t = sinkTransform(props("field.types",
                "amount:number,count:integer,ok:boolean,meta:map,tags:array,name:string"));
        Map<String, Object> v = seedRecord();
        v.put("amount", "19.99");
        v.put("count", 1.5);
        v.put("ok", "yes");
        v.put("meta", List.of());
        v.put("tags", Map.of());
        v.put("name", 5);
        assertThatThrownBy(() -> t.apply(sink(v))).hasMessageContaining("field 'amount' must be number")
                .hasMessageContaining("field 'count' must be integer but was double 1.5")
                .hasMessageContaining("field 'ok' must be boolean")
                .hasMessageContaining("field 'meta' must be map")
                .hasMessageContaining("field 'tags' must be array")
                .hasMessageContaining("field 'name' must be string");
    }

    @Test
    void typedFieldAbsentIsNotATypeError() {
        ValidateFields<SinkRecord> t = sinkTransform(props("field.types", "amount:number"));
        Map<String, Object> v = seedRecord();
        v.remove("amount");
        SinkRecord r = sink(v);
        assertThat(t.apply(r)).isSameAs(r);
    }

    @ParameterizedTest
    @CsvSource({
        "timestamp, 2026-11-22T04:05:47Z, true",
        "timestamp, 2026-11-22T04:05:47.123456, true",
        "timestamp, 2026-11-22T04:05:47+05:30, true",
        "timestamp, 1700000000000, true",
        "timestamp, 2026-13-22T04:05:47Z, false",
        "timestamp, not a time, false",
        "integer, 12, false",
        "number, 12, false",
        "string, 12, true",
    })
    void stringValues(String type, String value, boolean valid) {
        assertThat(FieldType.parse(type).matches(value)).isEqualTo(valid);
    }

    @Test
    void javaValueTypes() {
        assertThat(FieldType.TIMESTAMP.matches(new Date())).isTrue();
        assertThat(FieldType.TIMESTAMP.matches(1_700_000_000_000L)).isTrue();
        assertThat(FieldType.TIMESTAMP.matches(true)).isFalse();
        assertThat(FieldType.NUMBER.matches(Double.NaN)).isFalse();
        assertThat(FieldType.NUMBER.matches(new java.math.BigDecimal("1.5"))).isTrue();
        assertThat(FieldType.INTEGER.matches(new java.math.BigDecimal("100.00"))).isTrue();
        assertThat(FieldType.INTEGER.matches(new java.math.BigDecimal("1E+3"))).isTrue();
        assertThat(FieldType.INTEGER.matches(new java.math.BigDecimal("1.5"))).isFalse();
        assertThat(FieldType.INTEGER.matches(7L)).isTrue();
        assertThat(FieldType.MAP.matches(new Struct(SchemaBuilder.struct().build()))).isTrue();
        assertThat(FieldType.parse("OBJECT")).isEqualTo(FieldType.MAP);
    }

    @Test
    void connectTimestampStructField() {
        Schema s = SchemaBuilder.struct().field("event_type", Schema.STRING_SCHEMA)
                .field("timestamp", Timestamp.SCHEMA).build();
        SinkRecord r = sink(s, new Struct(s).put("event_type", "x").put("timestamp", new Date()));
        assertThat(sinkTransform(props("field.types", "timestamp:timestamp")).apply(r)).isSameAs(r);
    }

    @Test
    void emptyRequiredListAcceptsEverything() {
        SinkRecord r = sink(map());
        assertThat(sinkTransform(props("required.fields", "")).apply(r)).isSameAs(r);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "on.invalid|explode|Must be one of [fail, drop, route]",
        "required.fields|a,,b|contains an empty field name",
        "required.fields|a,a|lists field 'a' more than once",
        "field.types|amount|is not of the form field:type",
        "field.types|amount:money|has an unknown type",
        "field.types|a:string,a:number|typed more than once",
        "invalid.topic|'  '|must be a topic name",
        "invalid.topic|bad topic|contains ' '",
        "invalid.topic|${topic}.${topic}|at most once",
        "required.fields.allow.null|maybe|Expected value to be either true or false",
    })
    void configErrors(String key, String value, String message) {
        assertThatThrownBy(() -> sinkTransform(props(key, value))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key).hasMessageContaining(message);
    }

    @Test
    void routeToOwnTopicIsRejected() {
        assertThatThrownBy(() -> sinkTransform(props("on.invalid", "route", "invalid.topic", "${topic}")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("own topic");
    }

    @Test
    void tooLongInvalidTopic() {
        assertThatThrownBy(() -> sinkTransform(props("invalid.topic", "x".repeat(250))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("longer than 249");
    }

    @Test
    void versionAndConfig() {
        ValidateFields<SinkRecord> t = sinkTransform(props());
        assertThat(t.version()).isEqualTo(SmtVersion.VERSION).isNotEqualTo("unknown");
        assertThat(t.config()).isSameAs(ValidateFields.CONFIG_DEF);
        t.close();
    }
}
