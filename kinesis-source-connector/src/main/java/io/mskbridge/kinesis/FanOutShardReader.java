package io.mskbridge.kinesis;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsErrors;
import io.mskbridge.common.Backoff;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Reads a shard with enhanced fan-out: SubscribeToShard over the async (HTTP/2) client, Kinesis pushing events
 * of records to the stream consumer of {@link StreamConsumers}. Everything that does not depend on the fetching
 * method is {@link ShardFeed}'s, as for {@link PollingShardReader}: parent gating before the first subscription,
 * the position, the skip rule, the queue, metrics and how the end of the shard is reported.
 *
 * <p>Position. The first subscription starts AT {@link ShardFeed#sequence()} (the record is delivered again and
 * dropped by the skip rule), or at the shard's start point; every later one AFTER the continuation sequence
 * number of the last event delivered, which Kinesis gives even in events without records. A subscription ends
 * after 5 minutes; the reader then subscribes again at once.
 *
 * <p>Back-pressure. Events are requested one at a time ({@code Subscription.request(1)}), and only while the
 * task's queue has room; when it is full the reader asks again every {@value #QUEUE_FULL_RETRY_MS} ms, and the
 * HTTP/2 flow control of the idle stream holds the service back. So a subscription holds at most one event
 * beyond the queue's bounds, like a GetRecords batch.
 *
 * <p>Failures. Every way a subscription ends other than the shard's end, an error before the first event or
 * in the middle of the stream, a reset connection or a clean completion, leads to a new subscription from the
 * last delivered event, so nothing is lost or repeated. Kinesis allows one SubscribeToShard call per second per
 * shard and consumer, so subscriptions are at least {@value #MIN_SUBSCRIBE_INTERVAL_MS} ms apart; throttling
 * ({@code LimitExceededException}), {@code ResourceInUseException} (the previous subscription is still open on
 * the service's side, or the consumer is not ACTIVE) and transient errors back off with jitter.
 * {@code ResourceNotFoundException} asks {@link StreamConsumers#renew}: a deregistered consumer is registered
 * again; when the consumer is there, it is the shard (or the stream) that is gone. Other errors fail the task.
 *
 * <p>Thread-safety: the SDK's threads deliver events and ends of subscriptions, the task's pool runs the
 * steps; every access to the feed holds this reader's lock, and signals of a subscription other than the
 * current one are ignored. {@code request} and {@code cancel} are called outside the lock.
 */
final class FanOutShardReader implements ShardReader {

    private static final Logger log = LoggerFactory.getLogger(FanOutShardReader.class);

    static final long QUEUE_FULL_RETRY_MS = PollingShardReader.QUEUE_FULL_RETRY_MS;
    /** Kinesis allows 1 SubscribeToShard call per second per shard per consumer. */
    static final long MIN_SUBSCRIBE_INTERVAL_MS = 1_000;
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(MIN_SUBSCRIBE_INTERVAL_MS),
            Duration.ofSeconds(10));
    private final Backoff backoff;
    private final long minSubscribeIntervalMs;

    private final ShardFeed feed;
    private final ShardSpec spec;
    private final KinesisAsyncClient kinesis;
    private final StreamConsumers consumers;
    private final ScheduledExecutorService pool;
    private final KinesisSourceTaskMetrics metrics;
    private volatile boolean stopped;

    // Guarded by this.
    private String consumerArn;
    private String continuation;
    private boolean fromTrimHorizon;
    private int generation;
    private Subscription subscription;
    /** The current subscription started AT a sequence number: its first record must be that one. */
    private boolean checkFirstRecord;
    private long lastSubscribeMs;
    private int failures;
    private boolean done;
    private boolean subscribedBefore;

    FanOutShardReader(ShardFeed feed, KinesisAsyncClient kinesis, StreamConsumers consumers,
                      ScheduledExecutorService pool, KinesisSourceTaskMetrics metrics) {
        this(feed, kinesis, consumers, pool, metrics, BACKOFF, MIN_SUBSCRIBE_INTERVAL_MS);
    }

    /** For tests: another backoff and subscription spacing. */
    FanOutShardReader(ShardFeed feed, KinesisAsyncClient kinesis, StreamConsumers consumers,
                      ScheduledExecutorService pool, KinesisSourceTaskMetrics metrics, Backoff backoff,
                      long minSubscribeIntervalMs) {
        this.backoff = backoff;
        this.minSubscribeIntervalMs = minSubscribeIntervalMs;
        this.feed = feed;
        this.spec = feed.spec();
        this.kinesis = kinesis;
        this.consumers = consumers;
        this.pool = pool;
        this.metrics = metrics;
    }

    @Override
    public ShardSpec spec() {
        return spec;
    }

    @Override
    public void start() {
        schedule(this::step, 0);
    }

    @Override
    public void stop() {
        stopped = true;
        Subscription s;
        synchronized (this) {
            s = subscription;
            subscription = null;
            generation++;
        }
        if (s != null) {
            s.cancel();
        }
    }

    private void schedule(Runnable r, long delayMs) {
        if (stopped) {
            return;
        }
        try {
            pool.schedule(r, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The pool is shutting down: the task is stopping.
        }
    }

    /** On the pool: waits for the parents, then subscribes (at most once per second). */
    private synchronized void step() {
        if (stopped || done) {
            return;
        }
        try {
            long gate = feed.parentsWaitMillis();
            if (gate > 0) {
                schedule(this::step, gate);
                return;
            }
            long wait = lastSubscribeMs + minSubscribeIntervalMs - System.currentTimeMillis();
            if (wait > 0) {
                schedule(this::step, wait);
                return;
            }
            if (consumerArn == null) {
                consumerArn = consumers.arn(spec.stream());
            }
            subscribe();
        } catch (RuntimeException e) {
            if (stopped) {
                return;
            }
            // Whatever the call (parents' probe, registering the consumer, the subscription), the same rules.
            onFailure(e);
        }
    }

    private void subscribe() {
        StartingPosition position = position();
        checkFirstRecord = position.type() == ShardIteratorType.AT_SEQUENCE_NUMBER;
        int gen = ++generation;
        lastSubscribeMs = System.currentTimeMillis();
        metrics.subscribed();
        if (!subscribedBefore) {
            subscribedBefore = true;
            log.info("{}: reading shard {}/{} with enhanced fan-out (consumer {}) from {}", feed.taskName(),
                    spec.stream(), spec.shardId(), consumerArn, describe(position));
        } else if (log.isDebugEnabled()) {
            log.debug("{}: {}/{} subscribing again from {}", feed.taskName(), spec.stream(), spec.shardId(),
                    describe(position));
        }
        SubscribeToShardRequest request = SubscribeToShardRequest.builder().consumerARN(consumerArn)
                .shardId(spec.shardId()).startingPosition(position).build();
        CompletableFuture<Void> f = kinesis.subscribeToShard(request, new Handler(gen));
        f.whenComplete((v, t) -> ended(gen, t));
    }

    private StartingPosition position() {
        if (fromTrimHorizon) {
            return StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build();
        }
        if (continuation != null) {
            return StartingPosition.builder().type(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                    .sequenceNumber(continuation).build();
        }
        if (feed.sequence() != null) {
            return StartingPosition.builder().type(ShardIteratorType.AT_SEQUENCE_NUMBER)
                    .sequenceNumber(feed.sequence()).build();
        }
        ShardSpec.Start start = feed.startPoint();
        return StartingPosition.builder().type(start.type()).timestamp(start.timestamp()).build();
    }

    private static String describe(StartingPosition p) {
        return p.type() + (p.sequenceNumber() != null ? " " + p.sequenceNumber()
                : p.timestamp() != null ? " " + p.timestamp() : "");
    }

    /** The SDK's callbacks of one subscription, all passed on with its generation. */
    private final class Handler implements SubscribeToShardResponseHandler {
        private final int gen;

        Handler(int gen) {
            this.gen = gen;
        }

        @Override
        public void responseReceived(SubscribeToShardResponse response) {
        }

        @Override
        public void onEventStream(SdkPublisher<SubscribeToShardEventStream> publisher) {
            publisher.subscribe(new Subscriber<SubscribeToShardEventStream>() {
                @Override
                public void onSubscribe(Subscription s) {
                    subscribed(gen, s);
                }

                @Override
                public void onNext(SubscribeToShardEventStream event) {
                    onEvent(gen, event);
                }

                @Override
                public void onError(Throwable t) {
                    ended(gen, t);
                }

                @Override
                public void onComplete() {
                    ended(gen, null);
                }
            });
        }

        @Override
        public void exceptionOccurred(Throwable t) {
            ended(gen, t);
        }

        @Override
        public void complete() {
            ended(gen, null);
        }
    }

    private void subscribed(int gen, Subscription s) {
        synchronized (this) {
            if (gen == generation && !stopped && !done) {
                subscription = s;
                s = null;
            }
        }
        if (s != null) {
            s.cancel();
        } else {
            requestWhenRoom(gen);
        }
    }

    /** Requests the next event if the queue has room; otherwise asks again shortly. */
    private void requestWhenRoom(int gen) {
        Subscription s;
        synchronized (this) {
            if (gen != generation || stopped || done || subscription == null) {
                return;
            }
            if (!feed.hasRoom()) {
                schedule(() -> requestWhenRoom(gen), QUEUE_FULL_RETRY_MS);
                return;
            }
            s = subscription;
        }
        s.request(1);
    }

    private void onEvent(int gen, SubscribeToShardEventStream event) {
        Subscription cancel = null;
        synchronized (this) {
            if (gen != generation || stopped || done) {
                return;
            }
            if (!(event instanceof SubscribeToShardEvent)) {
                // An event type newer than this code: nothing to deliver.
                cancel = null;
            } else {
                try {
                    if (deliver((SubscribeToShardEvent) event)) {
                        cancel = subscription;
                        subscription = null;
                    }
                } catch (RuntimeException e) {
                    // kinesis.on.trimmed.offset=fail, or a conversion that cannot go on: the task fails.
                    cancel = subscription;
                    subscription = null;
                    done = true;
                    feed.failed(e);
                }
            }
        }
        if (cancel != null) {
            cancel.cancel();
        } else {
            requestWhenRoom(gen);
        }
    }

    /** Delivers an event's records; true when it ended the shard. */
    private boolean deliver(SubscribeToShardEvent e) {
        if (checkFirstRecord && !e.records().isEmpty()) {
            checkFirstRecord = false;
            String first = e.records().get(0).sequenceNumber();
            if (feed.sequence() != null && new BigInteger(first).compareTo(new BigInteger(feed.sequence())) > 0) {
                // A subscription AT a sequence number starts with that record, unless it was trimmed.
                feed.positionTrimmed(null);
            }
        }
        // Kinesis ends a closed shard with an event that has no continuation and names the children; either says it.
        boolean closed = e.continuationSequenceNumber() == null || (e.hasChildShards() && !e.childShards().isEmpty());
        int queued = feed.deliver(e.records(), e.millisBehindLatest(), closed);
        if (log.isDebugEnabled()) {
            log.debug("{}: {}/{} event of {} record(s), {} user record(s), {} ms behind", feed.taskName(),
                    spec.stream(), spec.shardId(), e.records().size(), queued, e.millisBehindLatest());
        }
        continuation = e.continuationSequenceNumber();
        fromTrimHorizon = false;
        failures = 0;
        if (closed) {
            done = true;
            List<String> children = e.hasChildShards() ? e.childShards().stream().map(ChildShard::shardId).toList()
                    : null;
            feed.closed(children, queued > 0);
        }
        return closed;
    }

    /** A subscription ended: {@code error} null when it completed (after 5 minutes, or the service closed it). */
    private void ended(int gen, Throwable error) {
        synchronized (this) {
            if (gen != generation || stopped || done) {
                return;
            }
            // Later signals of this subscription are ignored from here on.
            generation++;
            subscription = null;
        }
        if (error == null) {
            schedule(this::step, 0);
        } else {
            // Off the SDK's thread: renewing a consumer blocks.
            schedule(() -> {
                synchronized (this) {
                    if (!stopped && !done) {
                        onFailure(error);
                    }
                }
            }, 0);
        }
    }

    /** Decides what follows a failed subscription or step; holds the lock. */
    private void onFailure(Throwable t) {
        Throwable e = AwsErrors.unwrap(t);
        metrics.subscriptionFailed();
        if (e instanceof ResourceNotFoundException) {
            String arn;
            try {
                arn = consumers.renew(spec.stream(), consumerArn);
            } catch (RuntimeException r) {
                retryLater(r);
                return;
            }
            if (arn == null || arn.equals(consumerArn)) {
                done = true;
                feed.gone((ResourceNotFoundException) e);
                return;
            }
            consumerArn = arn;
            schedule(this::step, 0);
            return;
        }
        if (e instanceof InvalidArgumentException && checkFirstRecord && continuation == null && !fromTrimHorizon) {
            // AT a sequence number the stream no longer holds (past its retention).
            checkFirstRecord = false;
            try {
                feed.positionTrimmed((InvalidArgumentException) e);
            } catch (RuntimeException fail) {
                done = true;
                feed.failed(fail);
                return;
            }
            fromTrimHorizon = true;
            schedule(this::step, 0);
            return;
        }
        if (!(e instanceof ResourceInUseException) && AwsErrors.classify(e) == AwsErrors.Kind.FATAL) {
            done = true;
            feed.failed(e);
            return;
        }
        retryLater(e);
    }

    private void retryLater(Throwable e) {
        long delay = Math.max(minSubscribeIntervalMs, backoff.delayMillis(Math.min(failures, 20)));
        failures++;
        if (failures % 10 == 0) {
            log.warn("{}: subscription to {}/{} failed {} times in a row, latest: {}; subscribing again in {} ms",
                    feed.taskName(), spec.stream(), spec.shardId(), failures, AwsErrors.describe(e), delay);
        } else if (log.isDebugEnabled()) {
            log.debug("{}: {}/{} subscription failed ({}); subscribing again in {} ms", feed.taskName(),
                    spec.stream(), spec.shardId(), AwsErrors.describe(e), delay);
        }
        schedule(this::step, delay);
    }
}
