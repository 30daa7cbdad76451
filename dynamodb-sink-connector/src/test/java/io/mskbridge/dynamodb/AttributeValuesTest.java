package io.mskbridge.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

import io.mskbridge.dynamodb.DynamoDbSinkConfig.TimestampFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.BigRange;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class AttributeValuesTest {

    private final AttributeValues iso = new AttributeValues(TimestampFormat.ISO_8601);
    private final AttributeValues epoch = new AttributeValues(TimestampFormat.EPOCH_MILLIS);

    @Test
    void structWithEveryTypeBecomesAnItem() {
        Schema inner = SchemaBuilder.struct().field("city", Schema.STRING_SCHEMA).build();
        Schema schema = SchemaBuilder.struct()
                .field("s", Schema.STRING_SCHEMA)
                .field("i", Schema.INT32_SCHEMA)
                .field("l", Schema.INT64_SCHEMA)
                .field("f", Schema.FLOAT32_SCHEMA)
                .field("d", Schema.FLOAT64_SCHEMA)
                .field("b", Schema.BOOLEAN_SCHEMA)
                .field("bytes", Schema.BYTES_SCHEMA)
                .field("amount", Decimal.schema(2))
                .field("ts", Timestamp.SCHEMA)
                .field("day", Date.SCHEMA)
                .field("time", Time.SCHEMA)
                .field("nested", inner)
                .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
                .field("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT64_SCHEMA).build())
                .field("opt", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        Struct s = new Struct(schema)
                .put("s", "x").put("i", 42).put("l", Long.MAX_VALUE).put("f", 0.1f).put("d", 19.99)
                .put("b", true).put("bytes", new byte[] {1, 2})
                .put("amount", new BigDecimal("1234.50"))
                .put("ts", new java.util.Date(1_700_000_000_123L))
                .put("day", new java.util.Date(19_675L * 86_400_000L))
                .put("time", new java.util.Date(3_723_004L))
                .put("nested", new Struct(inner).put("city", "Oslo"))
                .put("tags", List.of("a", "b"))
                .put("attrs", Map.of("n", 7L));
        Map<String, AttributeValue> item = iso.item(s, schema);
        assertThat(item.get("s")).isEqualTo(AttributeValue.fromS("x"));
        assertThat(item.get("i").n()).isEqualTo("42");
        assertThat(item.get("l").n()).isEqualTo("9223372036854775807");
        assertThat(item.get("f").n()).isEqualTo("0.1");
        assertThat(item.get("d").n()).isEqualTo("19.99");
        assertThat(item.get("b").bool()).isTrue();
        assertThat(item.get("bytes").b()).isEqualTo(SdkBytes.fromByteArray(new byte[] {1, 2}));
        assertThat(item.get("amount").n()).isEqualTo("1234.5");
        assertThat(item.get("ts").s()).isEqualTo("2023-11-14T22:13:20.123Z");
        assertThat(item.get("day").s()).isEqualTo("2023-11-14");
        assertThat(item.get("time").s()).isEqualTo("01:02:03.004");
        assertThat(item.get("nested").m()).containsEntry("city", AttributeValue.fromS("Oslo"));
        assertThat(item.get("tags").l()).containsExactly(AttributeValue.fromS("a"), AttributeValue.fromS("b"));
        assertThat(item.get("attrs").m()).containsEntry("n", AttributeValue.fromN("7"));
        assertThat(item.get("opt").nul()).isTrue();

        Map<String, AttributeValue> e = epoch.item(s, schema);
        assertThat(e.get("ts").n()).isEqualTo("1700000000123");
        assertThat(e.get("day").n()).isEqualTo("19675");
        assertThat(e.get("time").n()).isEqualTo("3723004");
    }

    @Test
    void schemalessMapsNestAndKeepNumbersExact() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("amount", 0.1 + 0.2);
        value.put("big", new BigInteger("123456789012345678901234567890"));
        value.put("price", new BigDecimal("19.990"));
        value.put("list", Arrays.asList(1L, "two", null, Map.of("k", false)));
        value.put("buf", ByteBuffer.wrap(new byte[] {9}));
        value.put("none", null);
        Map<String, AttributeValue> item = iso.item(value, null);
        assertThat(item.get("amount").n()).isEqualTo("0.30000000000000004");
        assertThat(item.get("big").n()).isEqualTo("123456789012345678901234567890");
        assertThat(item.get("price").n()).isEqualTo("19.99");
        assertThat(item.get("list").l()).containsExactly(AttributeValue.fromN("1"), AttributeValue.fromS("two"),
                AttributeValues.NULL, AttributeValue.fromM(Map.of("k", AttributeValue.fromBool(false))));
        assertThat(item.get("buf").b().asByteArray()).containsExactly(9);
        assertThat(item.get("none").nul()).isTrue();
    }

    @Test
    void unwritableNumbersNameTheField() {
        assertThatThrownBy(() -> iso.item(Map.of("data", Map.of("score", Double.NaN)), null))
                .isInstanceOf(AttributeValues.Unwritable.class)
                .hasMessageContaining("NaN")
                .satisfies(e -> assertThat(((AttributeValues.Unwritable) e).field()).isEqualTo("data.score"));
        assertThatThrownBy(() -> iso.convert(List.of(1.0, Double.POSITIVE_INFINITY), null, "xs"))
                .satisfies(e -> assertThat(((AttributeValues.Unwritable) e).field()).isEqualTo("xs[1]"));
        assertThatThrownBy(() -> AttributeValues.numberString(new BigDecimal("1234567890123456789012345678901234567891"), "n"))
                .hasMessageContaining("38 significant digits");
        assertThatThrownBy(() -> AttributeValues.numberString(new BigDecimal("1E+126"), "n"))
                .hasMessageContaining("range");
        assertThat(AttributeValues.numberString(new BigDecimal("9.99E+125"), "n")).hasSize(126);
        assertThat(AttributeValues.numberString(new BigDecimal("-1E-130"), "n")).isEqualTo("-1E-130");
        assertThat(AttributeValues.numberString(new BigDecimal("2.000"), "n")).isEqualTo("2");
        assertThat(AttributeValues.numberString(new BigDecimal("1E+3"), "n")).isEqualTo("1000");
    }

    @Test
    void itemSizeFollowsDynamoDbRules() {
        assertThat(AttributeValues.itemSize(Map.of("ab", AttributeValue.fromS("héllo")))).isEqualTo(2 + 6);
        assertThat(AttributeValues.itemSize(Map.of("n", AttributeValue.fromN("12345")))).isEqualTo(1 + 4);
        assertThat(AttributeValues.itemSize(Map.of("m", AttributeValue.fromM(Map.of("k", AttributeValue.fromBool(true))))))
                .isEqualTo(1 + 3 + 1 + 1 + 1);
    }

    /** Any decimal in DynamoDB's range comes out numerically identical, without exponent games. */
    @Property(tries = 500)
    void decimalsRoundTripExactly(@ForAll @BigRange(min = "-1e30", max = "1e30") BigDecimal d) {
        String n = AttributeValues.numberString(d, "x");
        assertThat(new BigDecimal(n)).isEqualByComparingTo(d);
    }

    /** A double becomes the shortest decimal that reads back as the same double, never its binary expansion. */
    @Property(tries = 1000)
    void doublesRoundTripAndStayShort(@ForAll double d) {
        if (Double.isNaN(d) || Double.isInfinite(d) || (d != 0 && (Math.abs(d) > 9e125 || Math.abs(d) < 1e-129))) {
            return;
        }
        String n = iso.convert(d, null, "x").n();
        assertThat(Double.parseDouble(n)).isEqualTo(d == 0 ? 0.0 : d);
        assertThat(new BigDecimal(n).stripTrailingZeros().precision())
                .isLessThanOrEqualTo(BigDecimal.valueOf(d).stripTrailingZeros().precision());
    }
}
