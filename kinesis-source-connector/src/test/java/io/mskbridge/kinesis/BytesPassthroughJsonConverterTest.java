package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BytesPassthroughJsonConverterTest {

    static final byte[] GZIP = RecordConverterTest.fixture("gzip-event.gz");

    static Map<String, Object> config(boolean schemas) {
        Map<String, Object> c = new HashMap<>();
        c.put("schemas.enable", String.valueOf(schemas));
        return c;
    }

    static BytesPassthroughJsonConverter ours(boolean schemas) {
        BytesPassthroughJsonConverter c = new BytesPassthroughJsonConverter();
        c.configure(config(schemas), false);
        return c;
    }

    static JsonConverter kafkas(boolean schemas) {
        JsonConverter c = new JsonConverter();
        c.configure(config(schemas), false);
        return c;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void bytesAreWrittenAsTheyAreWhereJsonConverterWritesBase64(boolean schemas) {
        BytesPassthroughJsonConverter c = ours(schemas);
        RecordHeaders headers = new RecordHeaders();
        assertThat(c.fromConnectData("t", headers, Schema.BYTES_SCHEMA, GZIP)).isEqualTo(GZIP);
        assertThat(c.fromConnectData("t", Schema.OPTIONAL_BYTES_SCHEMA, GZIP)).isEqualTo(GZIP);
        assertThat(c.fromConnectData("t", null, GZIP)).isEqualTo(GZIP);
        ByteBuffer buffer = ByteBuffer.wrap(GZIP);
        assertThat(c.fromConnectData("t", headers, Schema.BYTES_SCHEMA, buffer)).isEqualTo(GZIP);
        assertThat(buffer.position()).as("the value is not consumed").isZero();
        // what Kafka's JsonConverter does instead, the reason this class exists
        assertThat(kafkas(schemas).fromConnectData("t", headers, Schema.BYTES_SCHEMA, GZIP)).isNotEqualTo(GZIP);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everythingElseIsWrittenExactlyAsJsonConverterWritesIt(boolean schemas) {
        BytesPassthroughJsonConverter c = ours(schemas);
        JsonConverter k = kafkas(schemas);
        Map<String, Object> map = new HashMap<>();
        map.put("id", "gz-1");
        map.put("amount", 42.5);
        map.put("raw", GZIP);
        Schema struct = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).field("raw", Schema.BYTES_SCHEMA)
                .field("amount", Decimal.schema(2)).build();
        Struct s = new Struct(struct).put("id", "x").put("raw", GZIP).put("amount", new BigDecimal("19.99"));
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {null, map});
        cases.add(new Object[] {struct, s});
        cases.add(new Object[] {Schema.STRING_SCHEMA, "text"});
        cases.add(new Object[] {null, "text"});
        cases.add(new Object[] {null, 42L});
        cases.add(new Object[] {null, List.of(1L, 2L)});
        cases.add(new Object[] {Decimal.schema(2), new BigDecimal("19.99")});
        cases.add(new Object[] {null, null});
        cases.add(new Object[] {Schema.OPTIONAL_BYTES_SCHEMA, null});
        for (Object[] tc : cases) {
            Schema schema = (Schema) tc[0];
            assertThat(c.fromConnectData("t", new RecordHeaders(), schema, tc[1])).as("%s %s", schema, tc[1])
                    .isEqualTo(k.fromConnectData("t", new RecordHeaders(), schema, tc[1]));
        }
        // JsonConverter's errors stay its errors
        assertThatThrownBy(() -> c.fromConnectData("t", Schema.STRING_SCHEMA, GZIP)).isInstanceOf(DataException.class);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readingIsJsonConverters(boolean schemas) {
        BytesPassthroughJsonConverter c = ours(schemas);
        JsonConverter k = kafkas(schemas);
        Map<String, Object> map = new HashMap<>();
        map.put("id", "gz-1");
        byte[] written = c.fromConnectData("t", null, map);
        assertThat(c.toConnectData("t", new RecordHeaders(), written)).isEqualTo(k.toConnectData("t", written));
        assertThat(c.toConnectData("t", written).value()).isEqualTo(schemas ? k.toConnectData("t", written).value() : map);
        assertThatThrownBy(() -> c.toConnectData("t", "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DataException.class);
        assertThat(c.config().names()).isEqualTo(k.config().names());
    }

    @Test
    void isAConverterPluginWithTheModuleVersion() {
        // Provider types only: other jars' converters need not be instantiable here.
        List<String> found = ServiceLoader.load(Converter.class).stream().map(p -> p.type().getName()).toList();
        assertThat(found).contains(BytesPassthroughJsonConverter.class.getName());
        assertThat(new BytesPassthroughJsonConverter().version()).isEqualTo(KinesisSourceConnector.VERSION)
                .matches("\\d+\\.\\d+\\.\\d+.*");
    }
}
