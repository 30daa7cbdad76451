package io.mskbridge.kinesis;

/**
 * Reads one shard of a task, from {@link #start()} until the shard ends, the reader fails, or {@link #stop()}.
 * {@link PollingShardReader} fetches with GetRecords; an enhanced fan-out reader (SubscribeToShard, records
 * pushed by the service) is meant to implement the same contract.
 *
 * <p>A reader reports everything through its shard's {@link ShardFeed}, which holds what does not depend on
 * the fetching method:
 * <ul>
 * <li>before the first read, it waits until {@link ShardFeed#parentsWaitMillis()} is 0 (parent gating);</li>
 * <li>it (re)starts AT {@link ShardFeed#sequence()}, or at {@link ShardFeed#startPoint()} when there is no
 * position, and calls {@link ShardFeed#positionTrimmed} when that sequence is past the stream's retention;</li>
 * <li>it hands every batch it fetched, in shard order, to {@link ShardFeed#deliver}, which skips what was
 * already delivered, queues the rest for {@code poll()} and counts it in the task metrics; it holds back
 * while {@link ShardFeed#hasRoom()} is false;</li>
 * <li>it reports the shard's end with {@link ShardFeed#closed} (closed and fully read) or
 * {@link ShardFeed#gone} (no longer exists), and stops;</li>
 * <li>on an error it cannot retry, it reports {@link ShardFeed#failed} (the task then fails) and stops.</li>
 * </ul>
 * A shard is read by one thread at a time, so its records are queued in order.
 */
interface ShardReader {

    /** The shard this reader reads. */
    ShardSpec spec();

    /** Starts reading in the background and returns at once. Called at most once. */
    void start();

    /**
     * Asks the reader to stop and returns at once. A call already under way may still finish and queue its
     * batch (the task waits for its fetch threads afterwards); nothing is reported as a failure from then on,
     * because interrupted calls fail for no fault of the shard.
     */
    void stop();
}
