package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

class JsonStructReaderTest {

    static final String ORDER = """
            {"type":"record","name":"Order","namespace":"io.example","fields":[
              {"name":"id","type":"long"},
              {"name":"qty","type":"int"},
              {"name":"ratio","type":"float"},
              {"name":"score","type":"double"},
              {"name":"paid","type":"boolean"},
              {"name":"customer","type":"string"},
              {"name":"blob","type":["null","bytes"],"default":null},
              {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
              {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"day","type":["null",{"type":"int","logicalType":"date"}],"default":null},
              {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}},
              {"name":"channel","type":"string","default":"web"},
              {"name":"note","type":["null","string"],"default":null},
              {"name":"address","type":{"type":"record","name":"Address","fields":[
                 {"name":"city","type":"string"},
                 {"name":"zip","type":["null","string"],"default":null}]}},
              {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
                 {"name":"sku","type":"string"},
                 {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}}]}}},
              {"name":"tags","type":{"type":"map","values":"long"}},
              {"name":"ref","type":["null","long","string"],"default":null}
            ]}""";

    static final String FULL = """
            {"id":9007199254740993,"qty":3,"ratio":0.5,"score":1.25,"paid":true,"customer":"c-1",
             "blob":"AQID","amount":19.99,"at":1764000000123,"day":"2026-11-22","status":"PAID",
             "channel":"app","note":null,"address":{"city":"Oslo","zip":"0150"},
             "items":[{"sku":"a","price":"0.10"},{"sku":"b","price":2}],"tags":{"x":1,"y":2},
             "ref":"r-7","extra":{"ignored":true}}""";

    static final JsonStructReader READER = JsonStructReader.forAvroSchema(new org.apache.avro.Schema.Parser()
            .parse(ORDER));

    static Struct read(String json) throws Exception {
        return READER.read(json.getBytes(StandardCharsets.UTF_8));
    }

    static JsonStructReader.Mismatch mismatch(String json) {
        try {
            read(json);
        } catch (JsonStructReader.Mismatch m) {
            return m;
        } catch (Exception e) {
            throw new AssertionError("expected a Mismatch, got " + e, e);
        }
        throw new AssertionError("expected a Mismatch for " + json);
    }

    /** FULL with one field replaced ("field": json) or removed (json null). */
    static String with(String field, String json) throws Exception {
        // exact: the edited document keeps the number text the test wrote
        com.fasterxml.jackson.databind.ObjectMapper m = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .nodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
                .build();
        com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode) m
                .readTree(FULL);
        if (json == null) {
            n.remove(field);
        } else {
            n.set(field, m.readTree(json));
        }
        return m.writeValueAsString(n);
    }

    @Test
    void connectSchemaComesFromAvroData() {
        Schema s = READER.schema();
        assertThat(s.type()).isEqualTo(Schema.Type.STRUCT);
        assertThat(s.name()).isEqualTo("io.example.Order");
        assertThat(s.field("id").schema().type()).isEqualTo(Schema.Type.INT64);
        assertThat(s.field("amount").schema().name()).isEqualTo(Decimal.LOGICAL_NAME);
        assertThat(s.field("at").schema().name()).isEqualTo(Timestamp.LOGICAL_NAME);
        assertThat(s.field("note").schema().isOptional()).isTrue();
        assertThat(s.field("address").schema().type()).isEqualTo(Schema.Type.STRUCT);
        assertThat(s.field("tags").schema().type()).isEqualTo(Schema.Type.MAP);
    }

    @Test
    void everyTypeNestedRecordsArraysAndMaps() throws Exception {
        Struct v = read(FULL);
        v.validate();
        assertThat(v.schema()).isSameAs(READER.schema());
        assertThat(v.getInt64("id")).isEqualTo(9007199254740993L); // beyond double precision: kept exact
        assertThat(v.getInt32("qty")).isEqualTo(3);
        assertThat(v.getFloat32("ratio")).isEqualTo(0.5f);
        assertThat(v.getFloat64("score")).isEqualTo(1.25);
        assertThat(v.getBoolean("paid")).isTrue();
        assertThat(v.getString("customer")).isEqualTo("c-1");
        assertThat(v.getBytes("blob")).containsExactly(1, 2, 3);
        assertThat(v.getString("status")).isEqualTo("PAID");
        assertThat(v.getString("channel")).isEqualTo("app");
        assertThat(v.getString("note")).isNull();
        assertThat(v.getStruct("address").getString("city")).isEqualTo("Oslo");
        assertThat(v.getStruct("address").getString("zip")).isEqualTo("0150");
        List<Struct> items = v.getArray("items");
        assertThat(items).extracting(i -> i.getString("sku")).containsExactly("a", "b");
        assertThat(items).extracting(i -> i.get("price")).containsExactly(new BigDecimal("0.10"),
                new BigDecimal("2.00"));
        Map<String, Long> tags = v.getMap("tags");
        assertThat(tags).containsExactlyInAnyOrderEntriesOf(Map.of("x", 1L, "y", 2L));
        Struct ref = v.getStruct("ref"); // ["null","long","string"]: AvroData's union Struct, string branch
        assertThat(ref.getString("string")).isEqualTo("r-7");
        assertThat(ref.get("long")).isNull();
    }

    @Test
    void decimalsAreExactNeverThroughDouble() throws Exception {
        assertThat(read(with("amount", "19.99")).get("amount")).isEqualTo(new BigDecimal("19.99"));
        assertThat(read(with("amount", "\"19.99\"")).get("amount")).isEqualTo(new BigDecimal("19.99"));
        assertThat(read(with("amount", "0.1")).get("amount")).isEqualTo(new BigDecimal("0.10"));
        assertThat(read(with("amount", "12345678.91")).get("amount")).isEqualTo(new BigDecimal("12345678.91"));
        assertThat(read(with("amount", "7")).get("amount")).isEqualTo(new BigDecimal("7.00"));
        assertThat(mismatch(with("amount", "19.999")).getMessage()).isEqualTo(
                "$.amount: 19.999 has more than 2 decimal place(s)");
        assertThat(mismatch(with("amount", "123456789.00")).getMessage()).contains("$.amount", "10 digit");
        assertThat(mismatch(with("amount", "\"abc\"")).getMessage()).contains("$.amount", "not a decimal");
        assertThat(mismatch(with("amount", "true")).path()).isEqualTo("$.amount");
    }

    @Test
    void timestampsFromEpochMillisOrIso8601AndDates() throws Exception {
        assertThat(read(with("at", "1764000000123")).get("at")).isEqualTo(new Date(1764000000123L));
        assertThat(read(with("at", "\"2026-11-22T04:00:00.250Z\"")).get("at"))
                .isEqualTo(Date.from(Instant.parse("2026-11-22T04:00:00.250Z")));
        assertThat(read(with("at", "\"2026-11-22T05:00:00+01:00\"")).get("at"))
                .isEqualTo(Date.from(Instant.parse("2026-11-22T04:00:00Z")));
        assertThat(mismatch(with("at", "\"yesterday\"")).getMessage()).contains("$.at", "ISO-8601");
        long days = LocalDate.parse("2026-11-22").toEpochDay();
        assertThat(read(FULL).get("day")).isEqualTo(new Date(days * 86_400_000L));
        assertThat(read(with("day", String.valueOf(days))).get("day")).isEqualTo(new Date(days * 86_400_000L));
        assertThat(mismatch(with("day", "\"22/11/2026\"")).path()).isEqualTo("$.day");
    }

    @Test
    void optionalMissingOrNullIsNullRequiredIsAnErrorDefaultsApply() throws Exception {
        Struct v = read(with("note", null));
        assertThat(v.get("note")).isNull();
        assertThat(read(with("blob", "null")).get("blob")).isNull();
        assertThat(read(with("address", "{\"city\":\"Oslo\"}")).getStruct("address").get("zip")).isNull();
        assertThat(read(with("channel", null)).getString("channel")).isEqualTo("web");

        JsonStructReader.Mismatch missing = mismatch(with("customer", null));
        assertThat(missing.path()).isEqualTo("$.customer");
        assertThat(missing.reason()).isEqualTo("required field is missing");
        assertThat(mismatch(with("customer", "null")).getMessage()).isEqualTo(
                "$.customer: null for a required field");
        assertThat(mismatch(with("address", "{\"zip\":\"1\"}")).path()).isEqualTo("$.address.city");
    }

    @Test
    void mismatchNamesTheFieldPath() {
        assertThat(mismatch(with2("items", "[{\"sku\":\"a\",\"price\":1},{\"sku\":5,\"price\":1}]")).getMessage())
                .isEqualTo("$.items[1].sku: expected a string, got number 5");
        assertThat(mismatch(with2("qty", "1.5")).getMessage()).isEqualTo("$.qty: expected an integer (int), got number 1.5");
        assertThat(mismatch(with2("qty", "3000000000")).getMessage()).contains("$.qty", "out of range");
        assertThat(mismatch(with2("paid", "\"yes\"")).path()).isEqualTo("$.paid");
        assertThat(mismatch(with2("tags", "{\"x\":\"one\"}")).path()).isEqualTo("$.tags.x");
        assertThat(mismatch(with2("status", "\"LOST\"")).getMessage()).contains("$.status", "not a symbol");
        assertThat(mismatch(with2("blob", "\"!!\"")).getMessage()).contains("$.blob", "base64");
        assertThat(mismatch(with2("ref", "true")).getMessage()).contains("$.ref", "union");
        assertThat(mismatch(with2("items", "{}")).getMessage()).isEqualTo("$.items: expected a JSON array, got object");
        assertThat(mismatch("[1,2]").getMessage()).contains("$:", "JSON object");
    }

    @Test
    void invalidJsonIsNotAMismatch() {
        assertThatThrownBy(() -> read("{\"id\":")).isInstanceOf(JsonStructReader.InvalidJson.class);
        assertThatThrownBy(() -> read("")).isInstanceOf(JsonStructReader.InvalidJson.class);
    }

    private static String with2(String field, String json) {
        try {
            return with(field, json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
