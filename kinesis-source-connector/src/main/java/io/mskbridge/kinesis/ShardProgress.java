package io.mskbridge.kinesis;

import java.math.BigInteger;
import java.util.Map;

import org.apache.kafka.connect.storage.OffsetStorageReader;

import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Decides whether a shard is finished: every record it will ever hold that the connector is to deliver has
 * been delivered <em>and its offset committed</em>. That is the gate for reading its children, and it is
 * deliberately stronger than "the reading task saw the end": a parent read by another task, or by this task
 * before a crash, counts only once its records are durably in Kafka, so a partition key's parent records
 * always precede its child records in the topic.
 *
 * <p>Why a probe and not only the {@code finished} offset flag: a closed shard usually ends with a
 * GetRecords call that returns no record and no next iterator, and Connect can only commit an offset with a
 * record. The flag is written when the last batch does carry records; otherwise the shard is probed: from
 * the committed offset, or from the shard's start point if there is none (TRIM_HORIZON, or the AT_TIMESTAMP
 * of {@code kinesis.position} LATEST/AT_TIMESTAMP: a closed shard with nothing after that point is finished
 * without being read), GetRecords must return nothing newer and no next iterator. User records outside the
 * shard's hash-key range count as delivered, since the reader skips them. A closed shard answers in one call,
 * so the probe is cheap; a positive answer never changes, so callers cache it. When it takes more than one
 * call, they are spaced as a reader's are ({@link ReadPacing}, {@code kinesis.max.read.share}): a parent may
 * still be read by other consumers of the stream, and probes must not take their share of its limits.
 */
final class ShardProgress {

    /** Empty-but-open answers tolerated before concluding "not yet": Kinesis may return empty pages mid-shard. */
    private static final int MAX_PROBE_CALLS = 5;

    private ShardProgress() {
    }

    static Offsets.Position committed(OffsetStorageReader reader, String stream, String shardId) {
        Map<String, Object> o = reader.offset(Offsets.partition(stream, shardId));
        return Offsets.Position.from(o);
    }

    /**
     * True when the shard is closed and everything in it from its start point on, within its range, is at or
     * before {@code stored}. A shard without a start point (an older assignment) is probed from TRIM_HORIZON.
     */
    static boolean finished(KinesisClient kinesis, ShardSpec shard, Offsets.Position stored, ReadPacing pacing) {
        Offsets.Position committed = stored;
        if (committed != null && committed.finished()) {
            return true;
        }
        String stream = shard.stream();
        String shardId = shard.shardId();
        String iterator;
        try {
            if (committed == null || committed.sequence() == null) {
                ShardSpec.Start from = shard.start() == null ? ShardSpec.Start.TRIM_HORIZON : shard.start();
                iterator = kinesis.getShardIterator(from.applyTo(GetShardIteratorRequest.builder()
                        .streamName(stream).shardId(shardId)).build()).shardIterator();
            } else {
                try {
                    iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shardId)
                            .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)
                            .startingSequenceNumber(stored.sequence())).shardIterator();
                } catch (InvalidArgumentException e) {
                    // The committed record itself was trimmed: judge from what is left.
                    iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shardId)
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                    committed = null;
                }
            }
        } catch (ResourceNotFoundException e) {
            // Expired past retention (or the stream is gone): nothing left to read.
            return true;
        }
        long delay = 0;
        for (int i = 0; i < MAX_PROBE_CALLS && iterator != null; i++) {
            if (delay > 0 && !pause(delay)) {
                return false;
            }
            String it = iterator;
            GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(it).limit(10));
            delay = pacing.delayAfter(ReadPacing.bytesOf(r.records()));
            for (Record rec : r.records()) {
                for (UserRecord u : Deaggregator.split(rec)) {
                    if (shard.owns(u) && !delivered(u, committed)) {
                        return false;
                    }
                }
            }
            iterator = r.nextShardIterator();
            if (iterator != null && r.records().isEmpty() && r.millisBehindLatest() != null
                    && r.millisBehindLatest() == 0) {
                // Open shard at its tip: not finished, no point in asking again now.
                return false;
            }
        }
        return iterator == null;
    }

    /** Sleeps between two probe calls; false when interrupted (the caller is stopping: "not yet"). */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean delivered(UserRecord u, Offsets.Position committed) {
        if (committed == null || committed.sequence() == null) {
            return false;
        }
        int c = new BigInteger(u.sequenceNumber()).compareTo(new BigInteger(committed.sequence()));
        return c < 0 || (c == 0 && u.subSequence() <= committed.subSequence());
    }
}
