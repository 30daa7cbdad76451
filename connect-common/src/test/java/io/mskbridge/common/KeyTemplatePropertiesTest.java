package io.mskbridge.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;

import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.sink.SinkRecord;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Property tests: rendering is exact for any number and escaping round-trips any literal. */
class KeyTemplatePropertiesTest {

    private static final KeyTemplate VALUE = KeyTemplate.parse("{v}");

    private static SinkRecord record(Object v) {
        return new SinkRecord("t", 0, null, null, null, Map.of("v", v), 0L, 0L, TimestampType.CREATE_TIME);
    }

    @Property
    void anyLiteralRoundTripsThroughEscaping(@ForAll String literal) {
        String escaped = literal.replace("{", "{{").replace("}", "}}");
        KeyTemplate t = KeyTemplate.parse(escaped);
        assertThat(t.isConstant()).isTrue();
        assertThat(t.render(record(1))).isEqualTo(literal);
    }

    @Property
    void doublesRenderAsPlainDecimalsThatRoundTrip(@ForAll double d) {
        Assume.that(Double.isFinite(d));
        String s = VALUE.render(record(d));
        assertThat(s).doesNotContainIgnoringCase("e");
        assertThat(Double.parseDouble(s)).isEqualTo(d == 0.0 ? 0.0 : d);
    }

    @Property
    void floatsRenderAsPlainDecimalsThatRoundTrip(@ForAll float f) {
        Assume.that(Float.isFinite(f));
        String s = VALUE.render(record(f));
        assertThat(s).doesNotContainIgnoringCase("e");
        assertThat(Float.parseFloat(s)).isEqualTo(f == 0.0f ? 0.0f : f);
    }

    @Property
    void longsAndDecimalsRenderExactly(@ForAll long l, @ForAll BigDecimal dec) {
        assertThat(VALUE.render(record(l))).isEqualTo(Long.toString(l));
        assertThat(VALUE.render(record(dec))).isEqualTo(dec.toPlainString());
    }

    @Property
    void stringValuesAreInsertedVerbatimBetweenLiterals(@ForAll String value) {
        assertThat(KeyTemplate.parse("a{{{v}}}b").render(record(value))).isEqualTo("a{" + value + "}b");
    }
}
