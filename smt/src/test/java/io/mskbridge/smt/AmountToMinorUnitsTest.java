package io.mskbridge.smt;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.mskbridge.smt.TestRecords.e;
import static io.mskbridge.smt.TestRecords.map;
import static io.mskbridge.smt.TestRecords.props;
import static io.mskbridge.smt.TestRecords.seedRecord;
import static io.mskbridge.smt.TestRecords.sink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AmountToMinorUnitsTest {

    private static AmountToMinorUnits<SinkRecord> transform(Map<String, String> props) {
        AmountToMinorUnits<SinkRecord> t = new AmountToMinorUnits.Value<>();
        t.configure(props);
        return t;
    }

    private static Object cents(Object amount, String... props) {
        SinkRecord out = transform(props(props)).apply(sink(map(e("amount", amount))));
        return ((Map<?, ?>) out.value()).get("amount_cents");
    }

    @Test
    void seedBugIsFixed() {
        // the seed's int(19.99 * 100)
        assertThat((long) (19.99 * 100)).isEqualTo(1998L);
        assertThat(cents(19.99)).isEqualTo(1999L);
        assertThat(cents(99.99)).isEqualTo(9999L);
    }

    @Test
    void seedExampleRecord() {
        Map<String, Object> in = seedRecord();
        SinkRecord out = transform(props()).apply(sink(in));
        Map<?, ?> v = (Map<?, ?>) out.value();
        assertThat(v.get("amount_cents")).isEqualTo(1999L);
        assertThat(v.get("amount")).isEqualTo(19.99);
        assertThat(in).doesNotContainKey("amount_cents");
    }

    @Test
    void floatingPointEdgeCases() {
        assertThat(0.1 + 0.2).isEqualTo(0.30000000000000004);
        assertThat(cents(0.1 + 0.2)).isEqualTo(30L);
        assertThat(cents(1e-7)).isEqualTo(0L);
        assertThat(cents(-0.0)).isEqualTo(0L);
        assertThat(cents(-19.99)).isEqualTo(-1999L);
        assertThat(cents(0.005)).isEqualTo(0L);
        assertThat(cents(0.015)).isEqualTo(2L);
        assertThat(cents(0.025)).isEqualTo(2L);
        assertThat(cents(-0.025)).isEqualTo(-2L);
        assertThat(cents(1.005)).isEqualTo(100L);
        assertThat(cents(19.99f)).isEqualTo(1999L);
        assertThat(cents(1e15)).isEqualTo(100_000_000_000_000_000L);
    }

    @Test
    void roundingModes() {
        assertThat(cents(0.025, "rounding.mode", "HALF_UP")).isEqualTo(3L);
        assertThat(cents(-0.025, "rounding.mode", "half_up")).isEqualTo(-3L);
        assertThat(cents(1e-7, "rounding.mode", "UP")).isEqualTo(1L);
        assertThat(cents(-1e-7, "rounding.mode", "CEILING")).isEqualTo(0L);
        assertThat(cents(-1e-7, "rounding.mode", "FLOOR")).isEqualTo(-1L);
        assertThat(cents(19.999, "rounding.mode", "DOWN")).isEqualTo(1999L);
        assertThat(cents(19.99, "rounding.mode", "UNNECESSARY")).isEqualTo(1999L);
        assertThat(cents(new BigDecimal("0E-30"), "rounding.mode", "UP")).isEqualTo(0L);
    }

    @Test
    void unnecessaryRejectsSubMinorPrecision() {
        assertThatThrownBy(() -> cents(19.999, "rounding.mode", "UNNECESSARY")).isInstanceOf(DataException.class)
                .hasMessageContaining("more than 2 decimal place(s)");
        assertThatThrownBy(() -> cents("1e-40", "rounding.mode", "UNNECESSARY"))
                .hasMessageContaining("more than 2 decimal place(s)");
    }

    @Test
    void allNumberTypesStringsAndDecimals() {
        assertThat(cents(5)).isEqualTo(500L);
        assertThat(cents(5L)).isEqualTo(500L);
        assertThat(cents((short) 5)).isEqualTo(500L);
        assertThat(cents((byte) -5)).isEqualTo(-500L);
        assertThat(cents(BigInteger.valueOf(7))).isEqualTo(700L);
        assertThat(cents(new BigDecimal("12.345"))).isEqualTo(1234L);
        assertThat(cents(new BigDecimal("12.355"))).isEqualTo(1236L);
        assertThat(cents(" 19.99 ")).isEqualTo(1999L);
        assertThat(cents("1E+2")).isEqualTo(10000L);
        assertThat(cents("-0")).isEqualTo(0L);
    }

    @Test
    void currencies() {
        AmountToMinorUnits<SinkRecord> t = transform(props("currency.field", "currency"));
        assertThat(out(t, map(e("amount", 500), e("currency", "JPY")))).isEqualTo(500L);
        assertThat(out(t, map(e("amount", 500.4), e("currency", "JPY")))).isEqualTo(500L);
        assertThat(out(t, map(e("amount", 1.2345), e("currency", "KWD")))).isEqualTo(1234L);
        assertThat(out(t, map(e("amount", 1.2355), e("currency", "kwd")))).isEqualTo(1236L);
        assertThat(out(t, map(e("amount", 19.99), e("currency", "EUR")))).isEqualTo(1999L);
        // missing or null currency: default USD
        assertThat(out(t, map(e("amount", 19.99)))).isEqualTo(1999L);
        assertThat(out(t, map(e("amount", 19.99), e("currency", null)))).isEqualTo(1999L);
        AmountToMinorUnits<SinkRecord> jpy = transform(props("currency.field", "currency", "default.currency", "jpy"));
        assertThat(out(jpy, map(e("amount", 19.99)))).isEqualTo(20L);
        // without currency.field the record's currency is ignored
        assertThat(out(transform(props()), map(e("amount", 5), e("currency", "JPY")))).isEqualTo(500L);
    }

    @Test
    void badCurrencies() {
        AmountToMinorUnits<SinkRecord> t = transform(props("currency.field", "currency"));
        assertThatThrownBy(() -> out(t, map(e("amount", 1), e("currency", "ZZZ"))))
                .isInstanceOf(DataException.class).hasMessageContaining("currency 'ZZZ'")
                .hasMessageContaining("not an ISO 4217 code");
        assertThatThrownBy(() -> out(t, map(e("amount", 1), e("currency", "XAU"))))
                .hasMessageContaining("has no minor units");
        assertThatThrownBy(() -> out(t, map(e("amount", 1), e("currency", 840))))
                .hasMessageContaining("must be a string");
    }

    private static Object out(AmountToMinorUnits<SinkRecord> t, Map<String, Object> v) {
        return ((Map<?, ?>) t.apply(sink(v)).value()).get("amount_cents");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "NaN|not a finite number",
        "Infinity|not a finite number",
        "-Infinity|not a finite number",
        "1e300|does not fit a 64-bit integer",
        "92233720368547758.08|does not fit a 64-bit integer",
    })
    void invalidDoubles(double amount, String message) {
        assertThatThrownBy(() -> cents(amount)).isInstanceOf(DataException.class).hasMessageContaining(message)
                .hasMessageContaining("AmountToMinorUnits rejected record");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "abc|is not a decimal number",
        "NaN|is not a decimal number",
        "''|is not a decimal number",
        "1e999999999|does not fit a 64-bit integer",
        "92233720368547758.08|does not fit a 64-bit integer",
        "-92233720368547758.09|does not fit a 64-bit integer",
    })
    void invalidStrings(String amount, String message) {
        assertThatThrownBy(() -> cents(amount)).isInstanceOf(DataException.class).hasMessageContaining(message);
    }

    @Test
    void longBoundaries() {
        assertThat(cents("92233720368547758.07")).isEqualTo(Long.MAX_VALUE);
        assertThat(cents("-92233720368547758.08")).isEqualTo(Long.MIN_VALUE);
        assertThatThrownBy(() -> cents(Long.MAX_VALUE)).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> cents(new BigInteger("99999999999999999999999"))).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> cents(true)).hasMessageContaining("must be a number");
        assertThat(cents("1e-999999999")).isEqualTo(0L);
    }

    @Test
    void dropAndRoute() {
        Map<String, Object> v = map(e("amount", "twelve"));
        assertThat(transform(props("on.invalid", "drop")).apply(sink(v))).isNull();
        SinkRecord routed = transform(props("on.invalid", "route", "invalid.topic", "${topic}-bad")).apply(sink(v));
        assertThat(routed.topic()).isEqualTo("events-bad");
        assertThat(routed.value()).isSameAs(v);
        assertThat(routed.headers().lastWithName(InvalidRecordHandler.ERROR_HEADER).value().toString())
                .isEqualTo("field 'amount': amount string \"twelve\" is not a decimal number");
    }

    @Test
    void missingOrNullAmountPassesThrough() {
        SinkRecord r = sink(map(e("event_type", "page_view")));
        assertThat(transform(props()).apply(r)).isSameAs(r);
        SinkRecord n = sink(map(e("amount", null)));
        assertThat(transform(props()).apply(n)).isSameAs(n);
        SinkRecord t = sink(null);
        assertThat(transform(props()).apply(t)).isSameAs(t);
    }

    @Test
    void structPath() {
        AmountToMinorUnits<SinkRecord> t = transform(props("currency.field", "currency"));
        SinkRecord out1 = t.apply(sink(TestRecords.SEED_SCHEMA, TestRecords.seedStruct()));
        SinkRecord out2 = t.apply(sink(TestRecords.SEED_SCHEMA, TestRecords.seedStruct().put("currency", "JPY")));
        assertThat(((Struct) out1.value()).getInt64("amount_cents")).isEqualTo(1999L);
        assertThat(((Struct) out2.value()).getInt64("amount_cents")).isEqualTo(20L);
        assertThat(out1.valueSchema()).isSameAs(out2.valueSchema());
        assertThat(out1.valueSchema().field("amount_cents").schema()).isEqualTo(Schema.OPTIONAL_INT64_SCHEMA);
        ((Struct) out1.value()).validate();
        // null amount: same output schema, null target
        SinkRecord out3 = t.apply(sink(TestRecords.SEED_SCHEMA, TestRecords.seedStruct().put("amount", null)));
        assertThat(out3.valueSchema()).isSameAs(out1.valueSchema());
        assertThat(((Struct) out3.value()).get("amount_cents")).isNull();
        // no amount field in the schema: unchanged
        Schema noAmount = SchemaBuilder.struct().field("x", Schema.STRING_SCHEMA).build();
        SinkRecord r = sink(noAmount, new Struct(noAmount).put("x", "y"));
        assertThat(t.apply(r)).isSameAs(r);
        SinkRecord tomb = sink(TestRecords.SEED_SCHEMA, null);
        assertThat(t.apply(tomb)).isSameAs(tomb);
    }

    @Test
    void connectDecimal() {
        Schema s = SchemaBuilder.struct().field("amount", Decimal.schema(3)).build();
        SinkRecord out = transform(props()).apply(sink(s, new Struct(s).put("amount", new BigDecimal("19.995"))));
        assertThat(((Struct) out.value()).getInt64("amount_cents")).isEqualTo(2000L);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "default.currency|ZZZ|not an ISO 4217 currency code",
        "default.currency|XAU|has no minor units",
        "rounding.mode|NEAREST|Must be one of [up, down, ceiling, floor, half_up, half_down, half_even, unnecessary]",
        "amount.field|''|non-empty field name",
        "target.field|' '|non-empty field name",
        "invalid.topic|a/b|contains '/'",
    })
    void configErrors(String key, String value, String message) {
        assertThatThrownBy(() -> transform(props(key, value))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key).hasMessageContaining(message);
    }

    @Test
    void minorUnitsHelperMatchesBigDecimal() {
        assertThat(Amounts.toMinorUnits(19.99, 2, RoundingMode.HALF_EVEN)).isEqualTo(1999L);
        assertThat(Amounts.toMinorUnits(0.125, 2, RoundingMode.HALF_EVEN)).isEqualTo(12L);
        assertThat(Amounts.toMinorUnits(0.125, 2, RoundingMode.HALF_UP)).isEqualTo(13L);
        assertThat(Amounts.toMinorUnits(123.0, 0, RoundingMode.UNNECESSARY)).isEqualTo(123L);
        assertThat(Amounts.toMinorUnits(1.5, 4, RoundingMode.UNNECESSARY)).isEqualTo(15000L);
    }
}
