package io.mskbridge.common;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with "full jitter": the delay before retry {@code n} (0-based) is uniform in
 * {@code [0, min(max, base * 2^n)]}.
 *
 * <p>Full jitter rather than equal or decorrelated jitter because every task of a connector hits the
 * same throttled table/stream/bucket at once; spreading retries over the whole window de-synchronises
 * them best and, per AWS's own analysis ("Exponential Backoff And Jitter"), does the least total work.
 * It is stateless, so one instance can be shared by all tasks; callers keep their attempt counter.
 *
 * <p>The random source is injectable ({@code new Random(seed)::nextDouble}) so tests are deterministic.
 */
public final class Backoff {

    private final long baseMillis;
    private final long maxMillis;
    private final DoubleSupplier random;

    /** Backoff with a thread-local random source. */
    public Backoff(Duration base, Duration max) {
        this(base, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param base   the ceiling of the first delay, at least 1 ms
     * @param max    the largest ceiling, at least {@code base}
     * @param random values in {@code [0, 1)}
     */
    public Backoff(Duration base, Duration max, DoubleSupplier random) {
        this.baseMillis = base.toMillis();
        this.maxMillis = max.toMillis();
        this.random = Objects.requireNonNull(random, "random");
        if (baseMillis < 1) {
            throw new IllegalArgumentException("base must be at least 1 ms, got " + base);
        }
        if (maxMillis < baseMillis) {
            throw new IllegalArgumentException("max (" + max + ") must be >= base (" + base + ")");
        }
    }

    /** {@code min(max, base * 2^attempt)} in milliseconds, without overflow for any attempt. */
    public long ceilingMillis(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
        }
        // base * 2^attempt > max  <=>  base > max >> attempt; checking it this way cannot overflow.
        if (attempt >= 63 || baseMillis > (maxMillis >> attempt)) {
            return maxMillis;
        }
        return baseMillis << attempt;
    }

    /** A jittered delay in {@code [0, ceilingMillis(attempt)]} milliseconds. */
    public long delayMillis(int attempt) {
        long ceiling = ceilingMillis(attempt);
        double r = random.getAsDouble();
        if (!(r >= 0.0 && r < 1.0)) {
            throw new IllegalStateException("random source returned " + r + ", expected [0, 1)");
        }
        // ceiling + 1 so the ceiling itself is reachable; min() guards the double rounding at the top.
        return Math.min(ceiling, (long) (r * (ceiling + 1.0)));
    }

    /** As {@link #delayMillis(int)}. */
    public Duration delay(int attempt) {
        return Duration.ofMillis(delayMillis(attempt));
    }

    public Duration base() {
        return Duration.ofMillis(baseMillis);
    }

    public Duration max() {
        return Duration.ofMillis(maxMillis);
    }

    @Override
    public String toString() {
        return "Backoff{full jitter, base=" + baseMillis + "ms, max=" + maxMillis + "ms}";
    }
}
