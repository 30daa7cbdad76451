package io.mskbridge.smt;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class KeyHistoryTest {

    @Test
    void countsEventsInTheHalfOpenWindow() {
        KeyHistory h = new KeyHistory(10, 0);
        assertThat(h.recordEvent(1_000, 1_000)).isEqualTo(1);
        assertThat(h.recordEvent(1_500, 1_000)).isEqualTo(2);
        assertThat(h.recordEvent(1_999, 1_000)).isEqualTo(3);
        // (1000, 2000]: the event at exactly t - window has left
        assertThat(h.recordEvent(2_000, 1_000)).isEqualTo(3);
        assertThat(h.recordEvent(3_600, 1_000)).isEqualTo(1);
    }

    @Test
    void countIsCappedAtTheTimeCapacity() {
        // capacity max + 1 = 3: enough to tell that a burst exceeds max = 2, however long it lasts
        KeyHistory h = new KeyHistory(3, 0);
        for (int i = 0; i < 3; i++) {
            assertThat(h.recordEvent(i, 60_000)).isEqualTo(i + 1);
        }
        for (int i = 3; i < 50; i++) {
            assertThat(h.recordEvent(i, 60_000)).isEqualTo(3);
        }
        // the kept times are the newest ones: a window ending after the burst still sees them
        assertThat(h.recordEvent(60_048, 60_000)).isEqualTo(2);
    }

    @Test
    void outlierNeedsMinimumSamples() {
        KeyHistory h = new KeyHistory(0, 100);
        for (double a : new double[]{10, 12, 11, 9}) {
            assertThat(h.isOutlier(1e6, 3.0, 5)).isFalse();
            h.addAmount(a);
        }
        assertThat(h.isOutlier(1e6, 3.0, 5)).isFalse();
        h.addAmount(10);
        assertThat(h.isOutlier(1e6, 3.0, 5)).isTrue();
        // mean 10.4, sample stddev sqrt(1.3) = 1.14: 3 sigma is 3.42, 2 sigma 2.28
        assertThat(h.isOutlier(13.8, 3.0, 5)).isFalse();
        assertThat(h.isOutlier(13.9, 3.0, 5)).isTrue();
        assertThat(h.isOutlier(7.0, 3.0, 5)).isFalse();
        assertThat(h.isOutlier(6.9, 3.0, 5)).isTrue();
        assertThat(h.isOutlier(8.2, 2.0, 5)).isFalse();
        assertThat(h.isOutlier(8.0, 2.0, 5)).isTrue();
    }

    @Test
    void constantHistoryFlagsAnyOtherAmount() {
        KeyHistory h = new KeyHistory(0, 10);
        for (int i = 0; i < 5; i++) {
            h.addAmount(42);
        }
        assertThat(h.sampleVariance()).isZero();
        assertThat(h.isOutlier(42, 3.0, 2)).isFalse();
        assertThat(h.isOutlier(42.01, 3.0, 2)).isTrue();
    }

    @Test
    void windowKeepsOnlyTheNewestAmounts() {
        KeyHistory h = new KeyHistory(0, 3);
        for (double a : new double[]{100, 200, 1, 2, 3}) {
            h.addAmount(a);
        }
        assertThat(h.samples()).isEqualTo(3);
        assertThat(h.mean()).isCloseTo(2.0, within(1e-9));
        assertThat(h.sampleVariance()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void varianceNeedsTwoSamples() {
        KeyHistory h = new KeyHistory(0, 5);
        assertThat(h.sampleVariance()).isZero();
        h.addAmount(7);
        assertThat(h.samples()).isEqualTo(1);
        assertThat(h.mean()).isEqualTo(7.0);
        assertThat(h.sampleVariance()).isZero();
    }

    @Test
    void singleAmountWindowTracksTheLastAmount() {
        KeyHistory h = new KeyHistory(0, 1);
        h.addAmount(5);
        h.addAmount(-3);
        assertThat(h.samples()).isEqualTo(1);
        assertThat(h.mean()).isEqualTo(-3.0);
        assertThat(h.sampleVariance()).isZero();
    }

    @Test
    void welfordWindowMatchesTwoPassStatistics() {
        KeyHistory s = new KeyHistory(0, 100);
        Random rnd = new Random(7);
        double[] all = new double[5000];
        for (int i = 0; i < all.length; i++) {
            // large offset, small spread: the case where sum/sumsq would cancel catastrophically
            all[i] = 1e9 + rnd.nextGaussian() * 3;
            s.addAmount(all[i]);
        }
        double mean = 0;
        for (int i = all.length - 100; i < all.length; i++) {
            mean += all[i];
        }
        mean /= 100;
        double sq = 0;
        for (int i = all.length - 100; i < all.length; i++) {
            sq += (all[i] - mean) * (all[i] - mean);
        }
        assertThat(s.samples()).isEqualTo(100);
        assertThat(s.mean()).isCloseTo(mean, within(1e-6));
        assertThat(s.sampleVariance()).isCloseTo(sq / 99, within(1e-4 * sq / 99));
    }
}
