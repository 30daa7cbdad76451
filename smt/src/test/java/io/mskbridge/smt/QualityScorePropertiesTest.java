package io.mskbridge.smt;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.connect.sink.SinkRecord;

import static org.assertj.core.api.Assertions.assertThat;

/** QualityScore stays within [0, 1] and equals the exact decimal formula, whatever the configuration. */
class QualityScorePropertiesTest {

    @Provide
    Arbitrary<Double> penalties() {
        return Arbitraries.doubles().between(0, 1).ofScale(4);
    }

    @Property(tries = 1000)
    void scoreIsBoundedAndExact(@ForAll("penalties") double missingPenalty,
                                @ForAll("penalties") double stalePenalty,
                                @ForAll @Size(max = 10) java.util.Set<@net.jqwik.api.constraints.IntRange(min = 0, max = 9) Integer> present,
                                @ForAll @LongRange(min = 0, max = 10_000_000) long ageMs,
                                @ForAll boolean hasTimestamp) {
        List<String> optional = List.of("user_id", "session_id", "metadata", "a", "b", "c", "d", "e", "f", "g");
        QualityScore<SinkRecord> t = new QualityScore.Value<>(TestRecords.CLOCK);
        Map<String, String> props = new HashMap<>();
        props.put("optional.fields", String.join(",", optional));
        props.put("missing.field.penalty", Double.toString(missingPenalty));
        props.put("stale.penalty", Double.toString(stalePenalty));
        t.configure(props);
        Map<String, Object> value = new HashMap<>();
        for (int p : present) {
            value.put(optional.get(p), "x");
        }
        if (hasTimestamp) {
            value.put("timestamp", TestRecords.NOW.toEpochMilli() - ageMs);
        }
        double score = (Double) ((Map<?, ?>) t.apply(TestRecords.sink(value)).value()).get("quality_score");
        assertThat(score).isBetween(0.0, 1.0);

        long missing = optional.stream().filter(f -> !value.containsKey(f)).count();
        BigDecimal expected = BigDecimal.ONE
                .subtract(BigDecimal.valueOf(missingPenalty).multiply(BigDecimal.valueOf(missing)))
                .subtract(hasTimestamp && ageMs > 3_600_000 ? BigDecimal.valueOf(stalePenalty) : BigDecimal.ZERO)
                .max(BigDecimal.ZERO);
        // the printed double is exactly the decimal: no 0.7000000000000001
        assertThat(BigDecimal.valueOf(score).compareTo(expected)).as("score %s expected %s", score, expected).isZero();
    }

    @Property(tries = 200)
    void anyPenaltiesStayInBounds(@ForAll @DoubleRange(min = 0, max = 1) double p,
                                  @ForAll @DoubleRange(min = 0, max = 1) double s) {
        QualityScore<SinkRecord> t = new QualityScore.Value<>(TestRecords.CLOCK);
        t.configure(Map.of("missing.field.penalty", Double.toString(p), "stale.penalty", Double.toString(s)));
        Map<String, Object> v = new HashMap<>();
        v.put("timestamp", "2000-01-01T00:00:00Z");
        double score = (Double) ((Map<?, ?>) t.apply(TestRecords.sink(v)).value()).get("quality_score");
        assertThat(score).isBetween(0.0, 1.0);
    }
}
