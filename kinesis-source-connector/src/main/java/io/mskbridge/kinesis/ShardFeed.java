package io.mskbridge.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsErrors;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The part of reading one shard that does not depend on how its records are fetched, so that a GetRecords
 * reader and a SubscribeToShard (enhanced fan-out) reader share one copy: the shard's position, the rule
 * that skips what was already delivered, conversion and the hand-off to the task's {@link FetchQueue},
 * metrics, parent gating, the trimmed-offset policy, and how the end of the shard or a failure is reported.
 *
 * <p>Position: the last user record put in the queue, as (sequence, sub-sequence), starting from the stored
 * offset. A reader that has to (re)start asks for records AT {@link #sequence()} (AT rather than AFTER
 * because a half-delivered KPL aggregate must be read again), and {@link #deliver} leaves out the user
 * records at or before the position, so nothing is lost or repeated within a run or across a restart.
 *
 * <p>Not thread-safe: only the shard's reader calls it, one thread at a time.
 */
final class ShardFeed {

    private static final Logger log = LoggerFactory.getLogger(ShardFeed.class);

    /** Where a task hears that a shard's reader gave up. */
    @FunctionalInterface
    interface Listener {
        /** Called on the reader's thread; the reader has stopped and the task must fail. */
        void failed(ShardSpec shard, Throwable error);
    }

    /** What the feeds of one task share. */
    record Shared(String taskName, KinesisSourceConfig config, FetchQueue queue, KinesisSourceTaskMetrics metrics,
                  Listener listener) {
    }

    private final Shared shared;
    private final ShardSpec spec;
    private final RecordConverter.ShardKey key;
    private final String topic;
    private final RecordConverter converter;
    private final KinesisSourceTaskMetrics.ShardStats stats;
    private final ParentGate gate;
    private String lastSequence;
    private long lastSub;
    // Read by other threads (tests, diagnostics); written once by the reader.
    private volatile boolean ended;

    /**
     * @param stored     the committed offset of the shard, or null
     * @param converter  this shard's own (converters are not thread-safe)
     */
    ShardFeed(Shared shared, ShardSpec spec, Offsets.Position stored, RecordConverter converter, ParentGate gate) {
        this.shared = shared;
        this.spec = spec;
        this.key = RecordConverter.ShardKey.of(spec.stream(), spec.shardId(), shared.config().latestMillis());
        this.topic = shared.config().topicFor(spec.stream());
        this.converter = converter;
        this.stats = shared.metrics().shard(spec.stream(), spec.shardId());
        this.gate = gate;
        if (stored != null && stored.sequence() != null) {
            lastSequence = stored.sequence();
            lastSub = stored.subSequence();
        }
    }

    ShardSpec spec() {
        return spec;
    }

    String taskName() {
        return shared.taskName();
    }

    /** 0 once the shard may be read; otherwise how long to wait before asking again (see {@link ParentGate}). */
    long parentsWaitMillis() {
        return gate.waitMillis();
    }

    /** The parents still waited for (a copy). */
    Set<String> waitingFor() {
        return gate.waitingFor();
    }

    /** False while the task's queue is at its bound: a reader then fetches nothing and asks again later. */
    boolean hasRoom() {
        return shared.queue().hasRoom();
    }

    /** Sequence number of the last delivered (or stored) user record, or null when there is none. */
    String sequence() {
        return lastSequence;
    }

    /** Sub-sequence of the last delivered (or stored) user record; 0 when there is none. */
    long subSequence() {
        return lastSub;
    }

    /**
     * Where to start when there is no position: the start the connector resolved for the shard (see
     * {@link ShardSpec}), or, in an assignment from before starts were resolved, {@code kinesis.position}.
     */
    ShardSpec.Start startPoint() {
        return spec.start() != null ? spec.start() : shared.config().start(shared.config().latestMillis());
    }

    /**
     * Converts and queues the user records of {@code records} that come after the position, then moves the
     * position to the last of them. KPL user records outside the shard's hash-key range are not queued
     * ({@link ShardSpec#owns}) but still move the position: the next queued record's offset lies beyond them.
     *
     * @param shardClosed the shard has nothing after these records: the last queued one carries the
     *                    {@code finished} offset flag
     * @return how many user records were queued
     */
    int deliver(List<Record> records, Long millisBehindLatest, boolean shardClosed) {
        List<UserRecord> users = new ArrayList<>();
        UserRecord lastSeen = null;
        int foreign = 0;
        for (Record rec : records) {
            for (UserRecord u : converter.split(rec)) {
                if (lastSequence != null && u.sequenceNumber().equals(lastSequence) && u.subSequence() <= lastSub) {
                    continue;
                }
                lastSeen = u;
                if (spec.owns(u)) {
                    users.add(u);
                } else {
                    foreign++;
                }
            }
        }
        if (foreign > 0 && log.isDebugEnabled()) {
            log.debug("{}: {}/{} skipped {} KPL user record(s) outside the shard's hash key range {} (the KPL sends "
                    + "them again to the shard that owns them)", shared.taskName(), spec.stream(), spec.shardId(),
                    foreign, spec.range().encode());
        }
        List<SourceRecord> batch = new ArrayList<>(users.size());
        long[] sizes = new long[users.size()];
        long bytes = 0;
        for (int i = 0; i < users.size(); i++) {
            UserRecord u = users.get(i);
            RecordConverter.Converted c = converter.convert(key, topic, u, shardClosed && i == users.size() - 1);
            batch.add(c.record());
            sizes[i] = c.queuedBytes();
            bytes += u.sizeInBytes();
        }
        // Metrics count what was read from Kinesis; the queue weighs records decompressed (its bound is memory).
        // Metrics first: once in the queue, records can be polled (and observed) before we get further.
        shared.metrics().recordBatch(stats, batch.size(), bytes, millisBehindLatest);
        shared.queue().addAll(batch, sizes);
        if (lastSeen != null) {
            lastSequence = lastSeen.sequenceNumber();
            lastSub = lastSeen.subSequence();
        }
        return users.size();
    }

    /** Kinesis throttled a call on the shard. */
    void throttled() {
        shared.metrics().throttled(stats);
    }

    /** The reader replaced a spent iterator (one more GetShardIterator call on the shard). */
    void iteratorReacquired() {
        shared.metrics().iteratorReacquired(stats);
    }

    /**
     * The position is older than the oldest record the stream still holds. With
     * {@code kinesis.on.trimmed.offset=fail} this throws; otherwise it forgets the position (the caller goes
     * on from TRIM_HORIZON) and warns that records were lost.
     */
    void positionTrimmed(RuntimeException cause) {
        String msg = String.format("Stored offset %s of shard %s/%s is no longer in the stream (past its "
                + "retention period)", lastSequence, spec.stream(), spec.shardId());
        if (shared.config().onTrimmedOffset() == KinesisSourceConfig.OnTrimmedOffset.FAIL) {
            throw new ConnectException(msg + "; " + KinesisSourceConfig.ON_TRIMMED_OFFSET + "=fail", cause);
        }
        log.warn("{}: {}. Restarting the shard at TRIM_HORIZON: records between the stored offset and the "
                + "oldest retained record were LOST ({}=trim_horizon).", shared.taskName(), msg,
                KinesisSourceConfig.ON_TRIMMED_OFFSET);
        lastSequence = null;
        lastSub = 0;
    }

    /**
     * The shard is closed and everything in it was delivered; the reader stops.
     *
     * @param children       the child shard ids, or null when the service did not say
     * @param markerQueued   the last delivery queued records, so the last one carries the {@code finished} flag
     */
    void closed(List<String> children, boolean markerQueued) {
        // The children need not wait for the next shard discovery to be assigned (when the connector is here).
        boolean asked = children != null && !children.isEmpty()
                && ReshardSignal.shardEnded(shared.config().connectorName());
        log.info("{}: shard {}/{} is closed and fully read (children {}); its finished marker is {}; {}",
                shared.taskName(), spec.stream(), spec.shardId(), children == null ? "unknown" : children,
                markerQueued ? "on its last record" : "derived from the committed offset (last call returned no record)",
                asked ? "the connector lists the shards now"
                        : "children not yet assigned wait for the connector's next shard discovery");
        end();
    }

    /** The shard no longer exists (expired past retention, or the stream was deleted); the reader stops. */
    void gone(RuntimeException e) {
        log.warn("{}: shard {}/{} no longer exists (expired past retention or stream deleted): {}",
                shared.taskName(), spec.stream(), spec.shardId(), AwsErrors.describe(e));
        end();
    }

    private void end() {
        shared.metrics().ended(stats);
        ended = true;
    }

    /** The reader gives up on the shard; the task fails. */
    void failed(Throwable error) {
        log.error("{}: giving up on shard {}/{}: {}", shared.taskName(), spec.stream(), spec.shardId(),
                AwsErrors.describe(error), error);
        shared.listener().failed(spec, error);
    }

    /** True once the reader reported the shard closed and fully read, or gone. */
    boolean ended() {
        return ended;
    }
}
