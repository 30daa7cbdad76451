package io.mskbridge.smt;

import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The running window statistics equal a two-pass computation over the newest amounts, whatever the sequence. */
class KeyHistoryPropertiesTest {

    @Property(tries = 500)
    void runningStatisticsMatchTwoPass(@ForAll @Size(min = 1, max = 300) List<@DoubleRange(min = -1e6, max = 1e6) Double> amounts,
                                       @ForAll @IntRange(min = 1, max = 50) int window) {
        KeyHistory h = new KeyHistory(0, window);
        for (double a : amounts) {
            h.addAmount(a);
        }
        List<Double> kept = amounts.subList(Math.max(0, amounts.size() - window), amounts.size());
        double mean = kept.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double sq = kept.stream().mapToDouble(a -> (a - mean) * (a - mean)).sum();
        double variance = kept.size() < 2 ? 0 : sq / (kept.size() - 1);
        // Removing an amount leaves rounding of its magnitude behind until the once-per-window recompute, so the
        // tolerance follows the largest amount seen, not the spread of the kept ones.
        double scale = 1 + amounts.stream().mapToDouble(Math::abs).max().orElse(0);
        assertThat(h.samples()).isEqualTo(kept.size());
        assertThat(h.mean()).isCloseTo(mean, within(1e-9 * scale));
        assertThat(h.sampleVariance()).isCloseTo(variance, within(1e-9 * scale * scale));
    }

    @Property(tries = 500)
    void eventCountEqualsTheEventsInTheWindowCappedAtCapacity(
            @ForAll @Size(min = 1, max = 200) List<@IntRange(min = 0, max = 500) Integer> gaps,
            @ForAll @IntRange(min = 1, max = 1_000) int windowMs,
            @ForAll @IntRange(min = 1, max = 20) int capacity) {
        KeyHistory h = new KeyHistory(capacity, 0);
        long[] times = new long[gaps.size()];
        long t = 0;
        for (int i = 0; i < times.length; i++) {
            t += gaps.get(i);
            times[i] = t;
            int inWindow = 0;
            for (int j = 0; j <= i; j++) {
                if (times[j] > t - windowMs) {
                    inWindow++;
                }
            }
            assertThat(h.recordEvent(t, windowMs)).isEqualTo(Math.min(inWindow, capacity));
        }
    }
}
