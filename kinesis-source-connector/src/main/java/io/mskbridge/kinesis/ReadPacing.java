package io.mskbridge.kinesis;

import java.util.List;

import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * How far apart one reader's GetRecords calls on a shard must be to stay within its share
 * ({@code kinesis.max.read.share}) of the shard's read limits: 5 calls/s and 2 MB/s per shard, shared by every
 * consumer of the stream that does not use enhanced fan-out.
 *
 * <p>The window is one call: after a call, the next one on the shard waits at least {@code 200 ms / share} and
 * at least {@code bytes / (share × 2 MB/s)}, where {@code bytes} is what the call returned. Over any run of calls
 * the reader therefore averages at most {@code share × 5} calls/s and {@code share × 2 MB/s}, and Kinesis's own
 * rule for a large answer (after 10 MB, no call for 5 s) is what share 1 gives. Bytes cannot be budgeted before a
 * call (its answer is up to 10 MB), so they are paid for after it; calls are spaced evenly rather than allowed in
 * bursts, so two readers at 0.5 each never meet more than the limit in a second by lining up.
 */
final class ReadPacing {

    /** GetRecords calls per second per shard. */
    static final int SHARD_CALLS_PER_SECOND = 5;
    /** GetRecords bytes per second per shard: 2 MB, counted in decimal megabytes, the lower reading. */
    static final long SHARD_BYTES_PER_SECOND = 2_000_000;

    private final double share;
    private final long callIntervalMs;

    /** @param share in (0, 1] */
    ReadPacing(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be in (0, 1], got " + share);
        }
        this.share = share;
        this.callIntervalMs = (long) Math.ceil(1000.0 / (SHARD_CALLS_PER_SECOND * share));
    }

    /** The shortest spacing of two calls: 200 ms at share 1, 400 ms at 0.5. */
    long callIntervalMs() {
        return callIntervalMs;
    }

    /** The shortest wait after a call that returned {@code bytes} before the next call on the shard. */
    long delayAfter(long bytes) {
        long byteMs = (long) Math.ceil(bytes * 1000.0 / (SHARD_BYTES_PER_SECOND * share));
        return Math.max(callIntervalMs, byteMs);
    }

    /** What GetRecords returned: data and partition keys (counting the keys too errs on the safe side). */
    static long bytesOf(List<Record> records) {
        long n = 0;
        for (Record r : records) {
            n += r.data().asByteBuffer().remaining() + r.partitionKey().length();
        }
        return n;
    }
}
