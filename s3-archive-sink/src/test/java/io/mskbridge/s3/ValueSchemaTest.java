package io.mskbridge.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/** s3.value.schema: the conversion of schemaless values, field by field, and the checks of the schema itself. */
class ValueSchemaTest {

    private static final ValueSchema SCHEMA = ValueSchema.parse("{\"type\":\"record\",\"name\":\"E\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"count\",\"type\":\"long\"},"
            + "{\"name\":\"small\",\"type\":[\"null\",\"int\"],\"default\":null},"
            + "{\"name\":\"ratio\",\"type\":[\"null\",\"double\"],\"default\":null},"
            + "{\"name\":\"f\",\"type\":[\"null\",\"float\"],\"default\":null},"
            + "{\"name\":\"price\",\"type\":[\"null\",{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":9,"
            + "\"scale\":2}],\"default\":null},"
            + "{\"name\":\"at\",\"type\":[\"null\",{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}],"
            + "\"default\":null},"
            + "{\"name\":\"day\",\"type\":[\"null\",{\"type\":\"int\",\"logicalType\":\"date\"}],\"default\":null},"
            + "{\"name\":\"level\",\"type\":{\"type\":\"enum\",\"name\":\"Level\",\"symbols\":[\"LOW\",\"HIGH\"]},"
            + "\"default\":\"LOW\"},"
            + "{\"name\":\"either\",\"type\":[\"null\",\"long\",\"string\"],\"default\":null},"
            + "{\"name\":\"tags\",\"type\":[\"null\",{\"type\":\"array\",\"items\":\"string\"}],\"default\":null},"
            + "{\"name\":\"counts\",\"type\":[\"null\",{\"type\":\"map\",\"values\":\"long\"}],\"default\":null},"
            + "{\"name\":\"meta\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"Meta\",\"fields\":["
            + "{\"name\":\"device\",\"type\":[\"null\",\"string\"],\"default\":null}]}],\"default\":null}"
            + "]}");

    private static Map<String, Object> value(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("id", "e-1");
        m.put("count", 3L);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void losslessCoercionsAreMadeAndMissingOptionalFieldsGetTheirDefault() {
        GenericData.Record r = SCHEMA.convert(value("count", 7, "small", 12L, "ratio", 3L, "f", 0.1,
                "price", 19.9, "at", "2026-01-01T01:02:03.004+01:00", "day", "2026-01-02", "level", "HIGH",
                "either", 5.0, "tags", List.of("a"), "counts", Map.of("x", 2), "meta", Map.of("device", "ios")));
        assertThat(r.get("count")).isEqualTo(7L);
        assertThat(r.get("small")).isEqualTo(12);
        assertThat(r.get("ratio")).isEqualTo(3.0);
        assertThat(r.get("f")).isEqualTo(0.1f);
        org.apache.avro.Schema priceSchema = SCHEMA.avro().getField("price").schema().getTypes().get(1);
        assertThat(new Conversions.DecimalConversion().fromBytes((ByteBuffer) r.get("price"), priceSchema,
                LogicalTypes.decimal(9, 2))).isEqualTo(new BigDecimal("19.90"));
        assertThat(r.get("at")).isEqualTo(1_767_225_723_004L);
        assertThat(r.get("day")).isEqualTo(20_455);
        assertThat(r.get("level").toString()).isEqualTo("HIGH");
        assertThat(r.get("either")).isEqualTo(5L); // the first branch that takes it
        assertThat(r.get("counts")).isEqualTo(Map.of("x", 2L));
        assertThat(((GenericData.Record) r.get("meta")).get("device")).isEqualTo("ios");

        GenericData.Record bare = SCHEMA.convert(value());
        assertThat(bare.get("small")).isNull();
        assertThat(bare.get("level").toString()).isEqualTo("LOW"); // the field's default
        GenericData.Record nulls = SCHEMA.convert(value("level", null, "meta", null));
        assertThat(nulls.get("level").toString()).isEqualTo("LOW");
        assertThat(nulls.get("meta")).isNull();
    }

    @Test
    void lossyOrMismatchedValuesAreRecordErrorsNamingTheField() {
        assertError(value("count", 12.5), "field 'count'", "12.5");
        assertError(value("small", 3_000_000_000L), "field 'small'", "3000000000");
        assertError(value("f", 0.1234567891), "field 'f'", "0.1234567891");
        assertError(value("ratio", 9_007_199_254_740_993L), "field 'ratio'", "9007199254740993");
        assertError(value("ratio", "1.5"), "field 'ratio'", "\"1.5\" (a string)");
        assertError(value("price", 1.234), "field 'price'", "decimal(9,2)");
        assertError(value("at", "2026-01-01T00:00:00.0001Z"), "field 'at'", "finer than milliseconds");
        assertError(value("level", "MEDIUM"), "field 'level'", "[LOW, HIGH]");
        assertError(value("id", 5L), "field 'id'", "not a string");
        assertError(value("tags", Arrays.asList("a", 7L)), "field 'tags[1]'", "not a string");
        assertError(value("counts", Map.of("k", "v")), "field 'counts{k}'", "\"v\"");
        assertError(value("meta", Map.of("device", 1)), "field 'meta.device'", "1 (a Integer)");
        assertError(value("either", true), "field 'either'", "[long, string]");
        Map<String, Object> noId = value();
        noId.remove("id");
        assertError(noId, "field 'id'", "is missing");
        assertError(value("count", null), "field 'count'", "is null");
        assertThatThrownBy(() -> SCHEMA.convert("text")).isInstanceOf(DataException.class)
                .hasMessageContaining("s3.value.schema converts JSON objects");
    }

    private static void assertError(Map<String, Object> value, String... parts) {
        assertThatThrownBy(() -> SCHEMA.convert(value)).isInstanceOf(DataException.class)
                .hasMessageStartingWith("s3.value.schema: ").satisfies(e -> {
                    for (String p : parts) {
                        assertThat(e.getMessage()).contains(p);
                    }
                });
    }

    @Test
    void fieldsTheSchemaDoesNotNameAreDroppedAndCounted() {
        ValueSchema s = ValueSchema.parse(SCHEMA.avro().toString());
        GenericData.Record r = s.convert(value("extra", 1, "meta", Map.of("device", "ios", "screen", "1080p")));
        assertThat(r.getSchema().getField("extra")).isNull();
        s.convert(value("extra", 2));
        assertThat(s.droppedFields()).isEqualTo(3);
        assertThat(s.takeDroppedSummary()).isEqualTo(Map.of("extra", 2L, "meta.screen", 1L));
        assertThat(s.takeDroppedSummary()).isEmpty();
    }

    @Test
    void validateAttachesEachErrorToItsFieldAndTheExampleConfigPasses() throws Exception {
        Map<String, String> p = new HashMap<>();
        p.put("s3.bucket", "mskbridge-archive-dev");
        p.put("s3.format", "parquet");
        p.put("s3.compression", "snappy");
        p.put("s3.value.schema", "{\"type\":\"record\"");
        assertThat(S3ArchiveSinkConnectorTest.errors(p)).containsOnlyKeys("s3.value.schema");
        p.put("s3.value.schema", SCHEMA.avro().toString());
        assertThat(S3ArchiveSinkConnectorTest.errors(p)).isEmpty();
        p.put("s3.format", "jsonl");
        p.put("s3.compression", "gzip");
        assertThat(S3ArchiveSinkConnectorTest.errors(p)).containsOnlyKeys("s3.value.schema");
        p.remove("s3.value.schema");
        p.put("s3.format", "bytes");
        p.put("s3.store.kafka.keys", "true");
        assertThat(S3ArchiveSinkConnectorTest.errors(p)).containsOnlyKeys("s3.store.kafka.keys");
        p.put("s3.object.offset.pad.width", "21");
        p.put("s3.schema.compatibility", "forward");
        assertThat(S3ArchiveSinkConnectorTest.errors(p)).containsKeys("s3.object.offset.pad.width",
                "s3.schema.compatibility");

        com.fasterxml.jackson.databind.JsonNode example = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(java.nio.file.Files.readString(java.nio.file.Path.of("examples/s3-archive-processed-parquet.json")));
        Map<String, String> e = new HashMap<>();
        example.get("config").fields().forEachRemaining(f -> e.put(f.getKey(), f.getValue().asText()));
        assertThat(S3ArchiveSinkConnectorTest.errors(e)).isEmpty();
    }

    @Test
    void theSchemaIsCheckedAtConfigTimeWithAClearError() {
        Map<String, String> p = TaskDriver.props(java.net.URI.create("http://localhost:1"), "b-cfg");
        p.put("s3.format", "parquet");
        p.put("s3.compression", "snappy");
        p.put("s3.value.schema", "{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"a\",\"type\":\"strin\"}]}");
        assertThatThrownBy(() -> new S3ArchiveSinkConfig(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("s3.value.schema").hasMessageContaining("not a valid Avro schema")
                .hasMessageContaining("strin");
        p.put("s3.value.schema", "\"string\"");
        assertThatThrownBy(() -> new S3ArchiveSinkConfig(p)).hasMessageContaining("must be an Avro record schema");
        p.put("s3.value.schema", "{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"m\",\"type\":"
                + "{\"type\":\"record\",\"name\":\"M\",\"fields\":[]}}]}");
        assertThatThrownBy(() -> new S3ArchiveSinkConfig(p)).hasMessageContaining("field 'm' is a record without "
                + "fields");
        p.put("s3.format", "jsonl");
        p.put("s3.compression", "gzip");
        p.put("s3.value.schema", SCHEMA.avro().toString());
        assertThatThrownBy(() -> new S3ArchiveSinkConfig(p)).hasMessageContaining("only used with s3.format=avro "
                + "or parquet");
    }
}
