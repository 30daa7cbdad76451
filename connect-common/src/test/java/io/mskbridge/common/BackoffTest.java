package io.mskbridge.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class BackoffTest {

    @Test
    void ceilingDoublesUpToMax() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.5);
        assertThat(b.ceilingMillis(0)).isEqualTo(100);
        assertThat(b.ceilingMillis(1)).isEqualTo(200);
        assertThat(b.ceilingMillis(3)).isEqualTo(800);
        assertThat(b.ceilingMillis(4)).isEqualTo(1000);
        assertThat(b.ceilingMillis(1000)).isEqualTo(1000);
        assertThat(b.ceilingMillis(Integer.MAX_VALUE)).isEqualTo(1000);
    }

    @Test
    void fullJitterSpansZeroToCeilingInclusive() {
        assertThat(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.0).delayMillis(2)).isZero();
        assertThat(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> Math.nextDown(1.0))
                .delayMillis(2)).isEqualTo(400);
        assertThat(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.5).delay(2))
                .isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void deterministicWithASeededRandom() {
        long[] a = delays(new Random(7));
        long[] b = delays(new Random(7));
        assertThat(a).isEqualTo(b);
        // And actually random: not all equal.
        assertThat(java.util.Arrays.stream(a).distinct().count()).isGreaterThan(5);
    }

    private static long[] delays(Random r) {
        Backoff b = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(30), r::nextDouble);
        long[] out = new long[20];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.delayMillis(i);
        }
        return out;
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be >= base");
        Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), () -> 1.0);
        assertThatThrownBy(() -> b.delayMillis(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.ceilingMillis(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 2000)
    void delayIsWithinZeroAndCappedExponential(@ForAll @LongRange(min = 1, max = 10_000_000) long base,
                                              @ForAll @LongRange(min = 0, max = 1_000_000_000) long extra,
                                              @ForAll @IntRange(min = 0, max = 200) int attempt,
                                              @ForAll long seed) {
        long max = base + extra;
        Backoff b = new Backoff(Duration.ofMillis(base), Duration.ofMillis(max), new Random(seed)::nextDouble);
        long delay = b.delayMillis(attempt);
        // min(max, base * 2^attempt) computed in BigInteger so the oracle cannot overflow.
        long bound = java.math.BigInteger.valueOf(base).shiftLeft(attempt)
                .min(java.math.BigInteger.valueOf(max)).longValueExact();
        assertThat(delay).isBetween(0L, bound);
        assertThat(b.ceilingMillis(attempt)).isEqualTo(bound);
    }

    @Property(tries = 500)
    void ceilingIsMonotonic(@ForAll @LongRange(min = 1, max = 1_000_000) long base,
                            @ForAll @IntRange(min = 0, max = 100) int attempt) {
        Backoff b = new Backoff(Duration.ofMillis(base), Duration.ofHours(1));
        assertThat(b.ceilingMillis(attempt + 1)).isGreaterThanOrEqualTo(b.ceilingMillis(attempt));
    }
}
