package io.mskbridge.common.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A count that only grows, updated from any thread without contention. */
public final class Counter {

    private final LongAdder total = new LongAdder();
    /** The total at the previous publishing interval; only the publishing thread touches it. */
    private long published;

    Counter() {
    }

    public void increment() {
        total.increment();
    }

    public void add(long n) {
        total.add(n);
    }

    /** The total since the task started. */
    public long get() {
        return total.sum();
    }

    /** The increase since the previous call. */
    synchronized long drain() {
        long now = total.sum();
        long delta = now - published;
        published = now;
        return delta;
    }
}
