package io.mskbridge.smt;

/**
 * What {@link FraudFlag} remembers of one key: its newest event times for the velocity rule (at most max+1, enough
 * to know the count exceeds max) and a ring of its last N amounts with Welford's running mean and sum of squared
 * deviations for the zscore rule. Not thread-safe, like the transform that owns it.
 */
final class KeyHistory {

    private final long[] times;
    private int tHead;
    private int tSize;

    private final double[] amounts;
    private int aHead;
    private int aSize;
    private double mean;
    private double m2;
    private int evictions;

    KeyHistory(int timeCapacity, int amountCapacity) {
        times = new long[timeCapacity];
        amounts = new double[amountCapacity];
    }

    /** Adds an event at {@code t}; returns the events in (t - window, t], counting at most the time capacity. */
    int recordEvent(long t, long windowMs) {
        long cutoff = t - windowMs;
        while (tSize > 0 && times[tHead] <= cutoff) {
            tHead = (tHead + 1) % times.length;
            tSize--;
        }
        if (tSize == times.length) {
            // Full of in-window events: the count already exceeds max, the oldest adds nothing.
            tHead = (tHead + 1) % times.length;
            tSize--;
        }
        times[(tHead + tSize) % times.length] = t;
        return ++tSize;
    }

    /** Whether x deviates more than k sample standard deviations from the previous amounts' mean. */
    boolean isOutlier(double x, double k, int minSamples) {
        if (aSize < minSamples) {
            return false;
        }
        double std = Math.sqrt(m2 / (aSize - 1));
        return Math.abs(x - mean) > k * std;
    }

    /** Adds {@code x} as the newest amount, evicting the oldest when the window is full. */
    void addAmount(double x) {
        if (aSize == amounts.length) {
            double old = amounts[aHead];
            aHead = (aHead + 1) % amounts.length;
            aSize--;
            // Welford removal
            if (aSize == 0) {
                mean = 0;
                m2 = 0;
            } else {
                double delta = old - mean;
                mean -= delta / aSize;
                m2 -= delta * (old - mean);
            }
            if (++evictions >= amounts.length) {
                // Additions and removals accumulate rounding; a full two-pass recompute once per window resets it.
                evictions = 0;
                recompute();
            }
        }
        amounts[(aHead + aSize) % amounts.length] = x;
        aSize++;
        double delta = x - mean;
        mean += delta / aSize;
        m2 += delta * (x - mean);
        if (m2 < 0) {
            m2 = 0;
        }
    }

    private void recompute() {
        double sum = 0;
        for (int i = 0; i < aSize; i++) {
            sum += amounts[(aHead + i) % amounts.length];
        }
        mean = aSize == 0 ? 0 : sum / aSize;
        double sq = 0;
        for (int i = 0; i < aSize; i++) {
            double d = amounts[(aHead + i) % amounts.length] - mean;
            sq += d * d;
        }
        m2 = sq;
    }

    double mean() {
        return mean;
    }

    double sampleVariance() {
        return aSize < 2 ? 0 : m2 / (aSize - 1);
    }

    int samples() {
        return aSize;
    }
}
