package io.mskbridge.kinesis;

import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsErrors;
import io.mskbridge.common.Backoff;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads a shard with GetRecords: a loop of steps on the task's fetch pool, each step rescheduling the next,
 * so a shard is never fetched by two threads at once. Every GetRecords call, the retention check's included, is
 * followed by the wait of {@link ReadPacing} ({@code kinesis.max.read.share} of the shard's 5 calls/s and
 * 2 MB/s); a caught-up shard waits at least {@code kinesis.poll.interval.ms}.
 *
 * <p>An iterator is valid for 5 minutes and can be used again after a call that failed, so throttling, 5xx
 * and connection resets keep it and only back off (full jitter); only {@code ExpiredIteratorException}
 * re-acquires one, because every GetShardIterator call counts against its own per-shard limit (counted in
 * {@code IteratorReacquisitions}). An iterator is always taken AT the feed's position, and
 * {@link ShardFeed#deliver} drops what was already queued.
 */
final class PollingShardReader implements ShardReader {

    private static final Logger log = LoggerFactory.getLogger(PollingShardReader.class);

    static final long QUEUE_FULL_RETRY_MS = 50;
    private static final long STAGGER_STEP_MS = 20;
    // Stateless, so shared by every reader.
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));

    private final ShardFeed feed;
    private final ShardSpec spec;
    private final KinesisClient kinesis;
    private final KinesisSourceConfig config;
    private final ScheduledExecutorService pool;
    private final long firstDelayMs;
    private final ReadPacing pacing;
    private volatile boolean stopped;
    private boolean trimChecked;
    private String iterator;
    /** An iterator was obtained before: acquiring another is a re-acquisition. */
    private boolean hadIterator;
    private int failures;

    /** @param firstDelayMs delay of the first step; see {@link #staggerMillis} */
    PollingShardReader(ShardFeed feed, KinesisClient kinesis, KinesisSourceConfig config,
                       ScheduledExecutorService pool, long firstDelayMs) {
        this.feed = feed;
        this.spec = feed.spec();
        this.kinesis = kinesis;
        this.config = config;
        this.pool = pool;
        this.firstDelayMs = firstDelayMs;
        this.pacing = new ReadPacing(config.maxReadShare());
    }

    /**
     * First-step delay of the {@code index}-th reader of a task: spreads the shards' calls over the minimum
     * call interval instead of firing them all at once.
     */
    static long staggerMillis(int index) {
        return index * STAGGER_STEP_MS % KinesisSourceConfig.MIN_CALL_INTERVAL_MS;
    }

    @Override
    public ShardSpec spec() {
        return spec;
    }

    @Override
    public void start() {
        schedule(firstDelayMs);
    }

    @Override
    public void stop() {
        stopped = true;
    }

    private void schedule(long delayMs) {
        if (stopped) {
            return;
        }
        try {
            pool.schedule(this::step, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The pool is shutting down: the task is stopping.
        }
    }

    private void step() {
        if (stopped) {
            return;
        }
        long next;
        try {
            next = fetchOnce();
        } catch (Throwable t) {
            // Stopping interrupts calls under way; what they throw then is no failure of the shard.
            if (!stopped) {
                feed.failed(t);
            }
            return;
        }
        if (next >= 0) {
            schedule(next);
        }
    }

    /** One step; returns the delay before the next one, or -1 when the shard is done. Throws when it gives up. */
    long fetchOnce() {
        long gate = feed.parentsWaitMillis();
        if (gate > 0) {
            return gate;
        }
        if (!feed.hasRoom()) {
            return QUEUE_FULL_RETRY_MS;
        }
        GetRecordsResponse resp;
        try {
            if (iterator == null) {
                if (!trimChecked && !hadIterator && feed.sequence() != null) {
                    // A step of its own: the check is a GetRecords call, which the shard's pacing must count.
                    return checkRetention();
                }
                if (hadIterator) {
                    feed.iteratorReacquired();
                }
                iterator = acquireIterator();
                if (iterator == null) {
                    return -1;
                }
                hadIterator = true;
            }
            String it = iterator;
            resp = kinesis.getRecords(b -> b.shardIterator(it).limit(config.maxRecordsPerCall()));
        } catch (ResourceNotFoundException e) {
            // Whichever call says so (the retention check, GetShardIterator, GetRecords): the shard expired past
            // retention or the stream was deleted. Nothing is left to read, so it is skipped, not a failure.
            feed.gone(e);
            return -1;
        } catch (RuntimeException e) {
            return onFailure(e);
        }
        failures = 0;
        boolean closed = resp.nextShardIterator() == null;
        int queued = feed.deliver(resp.records(), resp.millisBehindLatest(), closed);
        if (log.isDebugEnabled()) {
            log.debug("{}: {}/{} GetRecords returned {} record(s), {} user record(s), {} ms behind", feed.taskName(),
                    spec.stream(), spec.shardId(), resp.records().size(), queued, resp.millisBehindLatest());
        }
        iterator = resp.nextShardIterator();
        if (closed) {
            feed.closed(resp.hasChildShards() ? resp.childShards().stream().map(c -> c.shardId()).toList() : null,
                    queued > 0);
            return -1;
        }
        boolean behind = resp.records().size() >= config.maxRecordsPerCall()
                || (resp.millisBehindLatest() != null && resp.millisBehindLatest() > 0);
        long paced = pacing.delayAfter(ReadPacing.bytesOf(resp.records()));
        return behind ? paced : Math.max(paced, config.pollInterval().toMillis());
    }

    /**
     * An iterator at the feed's position, or at the start position when there is none (null if the service gave
     * none). Throws ResourceNotFoundException when the shard is gone.
     */
    private String acquireIterator() {
        if (feed.sequence() != null) {
            try {
                return kinesis.getShardIterator(b -> b.streamName(spec.stream()).shardId(spec.shardId())
                        .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)
                        .startingSequenceNumber(feed.sequence())).shardIterator();
            } catch (InvalidArgumentException e) {
                return restartAtTrimHorizon(e);
            }
        }
        ShardSpec.Start pos = feed.startPoint();
        String it = kinesis.getShardIterator(pos.applyTo(GetShardIteratorRequest.builder()
                .streamName(spec.stream()).shardId(spec.shardId())).build()).shardIterator();
        log.info("{}: shard {}/{} has no stored offset; starting at {}", feed.taskName(), spec.stream(),
                spec.shardId(), pos);
        return it;
    }

    /**
     * Checks the stored offset against the stream's retention, once, before the shard's first iterator (only a
     * stored offset can be that old; later positions were just read): when the oldest record still held is newer
     * than the position, records were trimmed and {@link ShardFeed#positionTrimmed} decides. Returns the pacing
     * delay of its GetRecords call. A check that failed (throttled) is made again by the next step.
     */
    private long checkRetention() {
        String it = trimHorizonIterator();
        GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(it).limit(1));
        trimChecked = true;
        if (!r.records().isEmpty()
                && new BigInteger(r.records().get(0).sequenceNumber()).compareTo(new BigInteger(feed.sequence())) > 0) {
            feed.positionTrimmed(null);
            // A TRIM_HORIZON iterator, still valid: reading on from it (its first record again) saves a call.
            iterator = it;
            hadIterator = true;
        }
        return pacing.delayAfter(ReadPacing.bytesOf(r.records()));
    }

    private String restartAtTrimHorizon(RuntimeException cause) {
        feed.positionTrimmed(cause);
        return trimHorizonIterator();
    }

    private String trimHorizonIterator() {
        return kinesis.getShardIterator(b -> b.streamName(spec.stream()).shardId(spec.shardId())
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    }

    private long onFailure(RuntimeException e) {
        if (e instanceof ExpiredIteratorException) {
            // The only failure that spends the iterator: the next call takes a fresh one at the last queued record.
            iterator = null;
            log.info("{}: iterator of {}/{} expired; re-acquiring at sequence {}", feed.taskName(), spec.stream(),
                    spec.shardId(), feed.sequence());
            return pacing.callIntervalMs();
        }
        AwsErrors.Kind kind = AwsErrors.classify(e);
        if (kind == AwsErrors.Kind.FATAL) {
            throw e;
        }
        if (AwsErrors.isThrottling(e)) {
            feed.throttled();
        }
        long delay = Math.max(pacing.callIntervalMs(), BACKOFF.delayMillis(Math.min(failures, 20)));
        failures++;
        if (failures % 10 == 0) {
            log.warn("{}: {}/{} failed {} times in a row, latest: {}; retrying in {} ms", feed.taskName(),
                    spec.stream(), spec.shardId(), failures, AwsErrors.describe(e), delay);
        } else if (log.isDebugEnabled()) {
            log.debug("{}: {}/{} {} ({}); retrying in {} ms", feed.taskName(), spec.stream(), spec.shardId(), kind,
                    AwsErrors.describe(e), delay);
        }
        return delay;
    }
}
