package io.mskbridge.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class KeyTemplateTest {

    private static final Schema META = SchemaBuilder.struct().field("device", Schema.OPTIONAL_STRING_SCHEMA)
            .optional().build();
    private static final Schema VALUE = SchemaBuilder.struct()
            .field("id", Schema.STRING_SCHEMA)
            .field("amount", Decimal.builder(2).optional().build())
            .field("metadata", META)
            .build();
    // 2024-03-05T06:07:08.009Z
    private static final long TS = 1709618828009L;

    private static SinkRecord sink(Object key, Object value) {
        return new SinkRecord("orders", 3, null, key, null, value, 42L, TS, TimestampType.CREATE_TIME);
    }

    private static Struct order() {
        return new Struct(VALUE).put("id", "o-1").put("amount", new BigDecimal("12.50"))
                .put("metadata", new Struct(META).put("device", "pump-7"));
    }

    @Test
    void literalOnlyIsConstant() {
        KeyTemplate t = KeyTemplate.parse("static/key");
        assertThat(t.isConstant()).isTrue();
        assertThat(t.fieldPaths()).isEmpty();
        assertThat(t.render(sink(null, null))).isEqualTo("static/key");
        assertThat(KeyTemplate.parse("").render(sink(null, null))).isEmpty();
        assertThat(t.render(null)).as("a constant renders without a record (validate() does)").isEqualTo("static/key");
    }

    @Test
    void valueFieldsNestedAndDecimal() {
        KeyTemplate t = KeyTemplate.parse("{id}#{metadata.device}#{amount}");
        assertThat(t.isConstant()).isFalse();
        assertThat(t.fieldPaths()).extracting(FieldPath::path).containsExactly("id", "metadata.device", "amount");
        assertThat(t.render(sink(null, order()))).isEqualTo("o-1#pump-7#12.50");
    }

    @Test
    void kafkaVariables() {
        KeyTemplate t = KeyTemplate.parse("{kafka.topic}/{kafka.partition}/{kafka.offset}/{kafka.key}/{kafka.timestamp}");
        assertThat(t.variables()).containsExactly("kafka.topic", "kafka.partition", "kafka.offset", "kafka.key",
                "kafka.timestamp");
        assertThat(t.fieldPaths()).isEmpty();
        assertThat(t.render(sink("k1", null))).isEqualTo("orders/3/42/k1/" + TS);
        assertThat(KeyTemplate.parse("{kafka.key}").render(sink(7L, null))).isEqualTo("7");
    }

    @Test
    void offsetIsOnlyForSinkRecords() {
        SourceRecord r = new SourceRecord(Map.of(), Map.of(), "t", 1, null, "v");
        assertThat(KeyTemplate.parse("{kafka.topic}-{kafka.partition}").render(r)).isEqualTo("t-1");
        assertThatThrownBy(() -> KeyTemplate.parse("{kafka.offset}").render(r))
                .isInstanceOf(DataException.class).hasMessageContaining("only available for sink records");
    }

    @Test
    void defaultsApplyWhenAbsentOrNull() {
        Map<String, Object> v = new HashMap<>();
        v.put("present_null", null);
        KeyTemplate t = KeyTemplate.parse("{missing|none}/{present_null|nil}/{kafka.key|nokey}/{x|}");
        assertThat(t.render(sink(null, v))).isEqualTo("none/nil/nokey/");
        // A default never hides a real value.
        assertThat(KeyTemplate.parse("{a|d}").render(sink(null, Map.of("a", "real")))).isEqualTo("real");
    }

    @Test
    void missingFieldWithoutDefaultNamesRecordAndField() {
        KeyTemplate t = KeyTemplate.parse("{metadata.device}");
        assertThatThrownBy(() -> t.render(sink(null, Map.of("metadata", Map.of()))))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("Field 'metadata.device' is missing in the record value")
                .hasMessageContaining("topic=orders, partition=3, offset=42")
                .hasMessageContaining("{metadata.device|default}");
        Map<String, Object> nullDevice = new HashMap<>();
        nullDevice.put("device", null);
        assertThatThrownBy(() -> t.render(sink(null, Map.of("metadata", nullDevice))))
                .hasMessageContaining("Field 'metadata.device' is null");
        assertThatThrownBy(() -> KeyTemplate.parse("{kafka.key}").render(sink(null, null)))
                .isInstanceOf(DataException.class).hasMessageContaining("{kafka.key} has no value")
                .hasMessageContaining("offset=42");
        // Tombstone: no value at all.
        assertThatThrownBy(() -> KeyTemplate.parse("{id}").render(sink("k", null)))
                .isInstanceOf(DataException.class).hasMessageContaining("'id' is missing");
    }

    @Test
    void timePatternsInUtc() {
        KeyTemplate t = KeyTemplate.parse("dt={time:yyyy-MM-dd}/hour={time:HH}/{time:yyyy/MM/dd'T'HH:mm:ss.SSSX}");
        assertThat(t.render(sink(null, null))).isEqualTo("dt=2024-03-05/hour=06/2024/03/05T06:07:08.009Z");
        assertThat(t.uses("time:HH")).isTrue();
    }

    @Test
    void timePatternsCanRenderAnotherTimeThanTheRecordTimestamp() {
        KeyTemplate t = KeyTemplate.parse("{time:yyyy/MM/dd/HH}/{kafka.timestamp}");
        // An event time read from the value (the S3 sink's s3.partition.time.field); {kafka.timestamp} stays.
        assertThat(t.render(sink(null, null), name -> null, 0L)).isEqualTo("1970/01/01/00/" + TS);
        assertThat(KeyTemplate.parse("{time:yyyy|none}").render(sink(null, null), name -> null, null))
                .isEqualTo("none");
    }

    @Test
    void recordWithoutTimestampFailsClearlyUnlessDefaulted() {
        SinkRecord noTs = new SinkRecord("orders", 0, null, null, null, null, 7L);
        assertThatThrownBy(() -> KeyTemplate.parse("{time:yyyy}").render(noTs))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("No record timestamp for {time:yyyy}")
                .hasMessageContaining("topic=orders, partition=0, offset=7");
        assertThat(KeyTemplate.parse("{time:yyyy|unknown}").render(noTs)).isEqualTo("unknown");
    }

    @Test
    void escapedBraces() {
        KeyTemplate t = KeyTemplate.parse("{{literal}}-{id}-}}{{");
        assertThat(t.fieldPaths()).extracting(FieldPath::path).containsExactly("id");
        assertThat(t.render(sink(null, Map.of("id", "x")))).isEqualTo("{literal}-x-}{");
        assertThat(KeyTemplate.parse("{{}}").isConstant()).isTrue();
    }

    @Test
    void valueAndKeyPrefixes() {
        Map<String, Object> v = Map.of("kafka", Map.of("topic", "field-not-var"));
        assertThat(KeyTemplate.parse("{value:kafka.topic}").render(sink(null, v))).isEqualTo("field-not-var");
        KeyTemplate k = KeyTemplate.parse("{key:tenant}/{id}");
        assertThat(k.keyFieldPaths()).extracting(FieldPath::path).containsExactly("tenant");
        assertThat(k.fieldPaths()).extracting(FieldPath::path).containsExactly("id");
        assertThat(k.render(sink(Map.of("tenant", "acme"), Map.of("id", 1)))).isEqualTo("acme/1");
        assertThatThrownBy(() -> k.render(sink(Map.of(), Map.of("id", 1))))
                .hasMessageContaining("Field 'tenant' is missing in the record key");
    }

    @Test
    void extraVariablesResolvedPerRender() {
        KeyTemplate t = KeyTemplate.parse("{kafka.topic}+{kafka.partition}+{kafka.start_offset}",
                Set.of("kafka.start_offset"));
        assertThat(t.uses("kafka.start_offset")).isTrue();
        assertThat(t.render(sink(null, null), name -> name.equals("kafka.start_offset") ? 1000L : null))
                .isEqualTo("orders+3+1000");
        assertThatThrownBy(() -> t.render(sink(null, null)))
                .isInstanceOf(DataException.class).hasMessageContaining("Variable {kafka.start_offset} has no value");
        assertThatThrownBy(() -> KeyTemplate.parse("x", Set.of("kafka.topic")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void valueRendering() {
        Map<String, Object> v = new HashMap<>();
        v.put("big", 1.0E10);
        v.put("whole", 2.0);
        v.put("tiny", 1.0E-7);
        v.put("f", 0.1f);
        v.put("negzero", -0.0);
        v.put("dec", new BigDecimal("1E+3"));
        v.put("bool", true);
        v.put("int", Integer.MIN_VALUE);
        v.put("long", Long.MAX_VALUE);
        v.put("date", new Date(TS));
        KeyTemplate t = KeyTemplate.parse("{big}/{whole}/{tiny}/{f}/{negzero}/{dec}/{bool}/{int}/{long}/{date}");
        assertThat(t.render(sink(null, v))).isEqualTo(
                "10000000000/2/0.0000001/0.1/0/1000/true/-2147483648/9223372036854775807/2024-03-05T06:07:08.009Z");
    }

    @Test
    void nonScalarValuesAreRejectedWithReason() {
        Map<String, Object> v = new HashMap<>();
        v.put("s", order());
        v.put("m", Map.of("a", 1));
        v.put("l", List.of(1));
        v.put("b", new byte[] {1});
        v.put("nan", Double.NaN);
        for (String f : List.of("s", "m", "l", "b", "nan")) {
            assertThatThrownBy(() -> KeyTemplate.parse("{" + f + "}").render(sink(null, v)))
                    .as(f).isInstanceOf(DataException.class)
                    .hasMessageContaining("Cannot use {" + f + "} as a key component")
                    .hasMessageContaining("offset=42");
        }
        assertThatThrownBy(() -> KeyTemplate.parse("{s}").render(sink(null, v))).hasMessageContaining("struct");
    }

    @Test
    void malformedTemplatesNameThePosition() {
        assertMalformed("abc{def", "at position 3: unclosed '{'");
        assertMalformed("abc}def", "at position 3: unmatched '}'");
        assertMalformed("a{b{c}}", "at position 3: '{' inside a placeholder");
        assertMalformed("x{}", "at position 1: empty placeholder");
        assertMalformed("{|d}", "at position 0: empty placeholder");
        assertMalformed("{kafka.nope}", "unknown variable '{kafka.nope}'");
        assertMalformed("{time:}", "empty time pattern");
        assertMalformed("ab{time:yyyy-qqqqqq}", "at position 2: invalid time pattern");
        assertMalformed("{a..b}", "at position 0: Empty segment");
        assertMalformed("{foo:bar}", "unknown prefix");
    }

    private static void assertMalformed(String template, String message) {
        assertThatThrownBy(() -> KeyTemplate.parse(template))
                .as(template)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Invalid key template '" + template + "'")
                .hasMessageContaining(message);
    }

    @Test
    void validatorReportsOnTheField() {
        ConfigDef.Validator v = KeyTemplate.validator(Set.of("kafka.start_offset"));
        v.ensureValid("s3.key.template", "{kafka.topic}/{kafka.start_offset}");
        v.ensureValid("s3.key.template", null);
        assertThatThrownBy(() -> v.ensureValid("s3.key.template", "{oops"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("s3.key.template")
                .hasMessageContaining("unclosed");
        assertThat(v.toString()).contains("{kafka.start_offset}", "{time:PATTERN}", "{{");
    }

    @Test
    void doubleBarDefaultAlsoReplacesEmptyValuesLikePythonsOr() {
        Schema s = SchemaBuilder.struct().field("event_type", Schema.STRING_SCHEMA)
                .field("user_id", Schema.OPTIONAL_STRING_SCHEMA).build();
        KeyTemplate seedPk = KeyTemplate.parse("{event_type}#{user_id||anonymous}");
        // The seed's data.get('user_id', 'anonymous') keeps an empty user_id: the one-bar form.
        assertThat(KeyTemplate.parse("{event_type}#{user_id|anonymous}").render(sink(null,
                new Struct(s).put("event_type", "click").put("user_id", "")))).isEqualTo("click#");
        assertThat(seedPk.render(sink(null, new Struct(s).put("event_type", "click").put("user_id", ""))))
                .isEqualTo("click#anonymous");
        assertThat(seedPk.render(sink(null, new Struct(s).put("event_type", "click"))))
                .isEqualTo("click#anonymous");
        assertThat(seedPk.render(sink(null, new Struct(s).put("event_type", "click").put("user_id", "u1"))))
                .isEqualTo("click#u1");
        // The single bar keeps its meaning: only absent or null values take the default.
        assertThat(KeyTemplate.parse("{event_type}#{user_id|anonymous}")
                .render(sink(null, new Struct(s).put("event_type", "click").put("user_id", ""))))
                .isEqualTo("click#");
    }

    @Test
    void pathSegmentEncodingKeepsValuesFromChangingTheKeyLayout() {
        Schema s = SchemaBuilder.struct().field("event_type", Schema.OPTIONAL_STRING_SCHEMA).build();
        KeyTemplate raw = KeyTemplate.parse("{time:yyyy/MM}/event_type={event_type}/{kafka.key}/{kafka.topic}");
        KeyTemplate t = raw.withValueEncoding(KeyTemplate.ValueEncoding.PATH_SEGMENT);
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("a/b", "a%2Fb");
        cases.put("100%", "100%25");
        cases.put(".", "%2E");
        cases.put("..", "%2E%2E");
        cases.put("...", "...");
        cases.put("", KeyTemplate.EMPTY_SEGMENT);
        cases.put("tab\there\n", "tab%09here%0A");
        cases.put("del\u007f\u0085", "del%7F%C2%85");
        cases.put("caf\u00e9 ok", "caf\u00e9 ok");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            SinkRecord r = sink("k/" + c.getKey(), new Struct(s).put("event_type", c.getKey()));
            assertThat(t.render(r)).as(c.getKey()).isEqualTo("2024/03/event_type=" + c.getValue() + "/"
                    + KeyTemplate.pathSegment("k/" + c.getKey()) + "/orders");
            // RAW (DynamoDB) inserts values as they are.
            assertThat(raw.render(r)).isEqualTo("2024/03/event_type=" + c.getKey() + "/k/" + c.getKey() + "/orders");
        }
        assertThat(t.render(sink("a/../b", new Struct(s).put("event_type", "x"))))
                .isEqualTo("2024/03/event_type=x/a%2F..%2Fb/orders");
        // Defaults are configuration, inserted as written.
        assertThat(KeyTemplate.parse("{event_type|a/b}").withValueEncoding(KeyTemplate.ValueEncoding.PATH_SEGMENT)
                .render(sink(null, new Struct(s)))).isEqualTo("a/b");
        assertThat(KeyTemplate.parse("{event_type||none}").withValueEncoding(KeyTemplate.ValueEncoding.PATH_SEGMENT)
                .render(sink(null, new Struct(s).put("event_type", "")))).isEqualTo("none");
    }
}
