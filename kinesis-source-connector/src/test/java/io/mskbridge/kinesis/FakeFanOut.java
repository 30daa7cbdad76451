package io.mskbridge.kinesis;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.reactivestreams.Subscription;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * In-memory SubscribeToShard over the shards of a {@link FakeKinesis}, for unit tests: events of up to
 * {@link #eventSize} records pushed only as the subscriber requests them (on a thread of its own, as the SDK
 * does), the continuation sequence number in every event, ChildShards and no continuation at a closed shard's
 * end, a subscription completed after {@link #eventsPerSubscription} events (Kinesis: 5 minutes), and faults
 * on subscribe or in the middle of a subscription. Checks the consumer ARN against the fake's registry.
 */
final class FakeFanOut implements KinesisAsyncClient {

    final FakeKinesis kinesis;
    final ScheduledExecutorService events = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-fan-out");
        t.setDaemon(true);
        return t;
    });
    volatile int eventSize = 5;
    volatile int eventsPerSubscription = Integer.MAX_VALUE;
    /** Failures of the next SubscribeToShard calls, in order. */
    final Deque<Supplier<RuntimeException>> subscribeFaults = new ConcurrentLinkedDeque<>();
    /** Failures in the middle of the next subscriptions: after {@link #midStreamAfter} events each. */
    final Deque<Supplier<RuntimeException>> midStreamFaults = new ConcurrentLinkedDeque<>();
    volatile int midStreamAfter = 2;
    /** The last event of a closed shard keeps a continuation number (and names the children). */
    volatile boolean endWithContinuation;
    final List<StartingPosition> positions = new CopyOnWriteArrayList<>();
    final List<Long> subscribeTimes = new CopyOnWriteArrayList<>();
    final AtomicInteger recordsPushed = new AtomicInteger();
    /** Largest demand a subscriber had outstanding. */
    final AtomicLong maxDemand = new AtomicLong();

    FakeFanOut(FakeKinesis kinesis) {
        this.kinesis = kinesis;
    }

    static RuntimeException resourceInUse() {
        return ResourceInUseException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceInUseException").build())
                .message("Another active subscription exists").build();
    }

    static RuntimeException limitExceeded() {
        return LimitExceededException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("LimitExceededException").build())
                .message("Rate exceeded for SubscribeToShard").build();
    }

    @Override
    public CompletableFuture<Void> subscribeToShard(SubscribeToShardRequest r, SubscribeToShardResponseHandler h) {
        positions.add(r.startingPosition());
        subscribeTimes.add(System.currentTimeMillis());
        CompletableFuture<Void> f = new CompletableFuture<>();
        Supplier<RuntimeException> fault = subscribeFaults.poll();
        RuntimeException failure = fault != null ? fault.get() : null;
        int index = 0;
        if (failure == null) {
            String arn = kinesis.activeConsumerArn(r.consumerARN().replaceAll(".*/consumer/([^:]+):.*", "$1"));
            if (!r.consumerARN().equals(arn)) {
                failure = ResourceNotFoundException.builder().statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException").build())
                        .message("Consumer " + r.consumerARN() + " not found").build();
            } else {
                try {
                    index = startIndex(r);
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            RuntimeException e = failure;
            events.execute(() -> {
                h.exceptionOccurred(e);
                f.completeExceptionally(e);
            });
            return f;
        }
        Supplier<RuntimeException> mid = midStreamFaults.poll();
        FakeSubscription s = new FakeSubscription(r.shardId(), index, h, f, mid);
        events.execute(() -> {
            h.responseReceived(SubscribeToShardResponse.builder().build());
            SdkPublisher<SubscribeToShardEventStream> p = subscriber -> {
                s.subscriber = subscriber;
                subscriber.onSubscribe(s);
            };
            h.onEventStream(p);
        });
        return f;
    }

    private int startIndex(SubscribeToShardRequest r) {
        StartingPosition p = r.startingPosition();
        String it = kinesis.getShardIterator(GetShardIteratorRequest.builder().streamName(kinesis.stream)
                .shardId(r.shardId()).shardIteratorType(p.type().toString())
                .startingSequenceNumber(p.sequenceNumber()).timestamp(p.timestamp()).build()).shardIterator();
        return Integer.parseInt(it.split(":")[1]);
    }

    private final class FakeSubscription implements Subscription {
        final String shardId;
        final SubscribeToShardResponseHandler handler;
        final CompletableFuture<Void> future;
        final Supplier<RuntimeException> midFault;
        volatile org.reactivestreams.Subscriber<? super SubscribeToShardEventStream> subscriber;
        int index;
        long demand;
        int sent;
        boolean over;
        boolean pending;

        FakeSubscription(String shardId, int index, SubscribeToShardResponseHandler handler,
                         CompletableFuture<Void> future, Supplier<RuntimeException> midFault) {
            this.shardId = shardId;
            this.index = index;
            this.handler = handler;
            this.future = future;
            this.midFault = midFault;
        }

        @Override
        public void request(long n) {
            events.execute(() -> {
                demand += n;
                maxDemand.accumulateAndGet(demand, Math::max);
                emit();
            });
        }

        @Override
        public void cancel() {
            events.execute(() -> over = true);
        }

        /** On the events thread. */
        private void emit() {
            if (over || demand == 0 || pending) {
                return;
            }
            if (midFault != null && sent >= midStreamAfter) {
                over = true;
                RuntimeException e = midFault.get();
                subscriber.onError(e);
                handler.exceptionOccurred(e);
                future.completeExceptionally(e);
                return;
            }
            if (sent >= eventsPerSubscription) {
                over = true;
                subscriber.onComplete();
                handler.complete();
                future.complete(null);
                return;
            }
            List<Record> batch;
            boolean end;
            List<ChildShard> children = new ArrayList<>();
            String continuation;
            synchronized (kinesis) {
                FakeKinesis.FakeShard s = kinesis.shards.get(shardId);
                int to = Math.min(s.records.size(), index + eventSize);
                batch = new ArrayList<>(s.records.subList(index, to));
                index = to;
                end = s.closed && to >= s.records.size();
                continuation = to == 0 ? "0" : s.records.get(to - 1).sequenceNumber();
                if (end) {
                    for (FakeKinesis.FakeShard c : kinesis.shards.values()) {
                        if (shardId.equals(c.parent) || shardId.equals(c.adjacentParent)) {
                            children.add(ChildShard.builder().shardId(c.id).parentShards(c.parent).build());
                        }
                    }
                }
            }
            if (batch.isEmpty() && !end) {
                // At the tip: an empty event later, as Kinesis sends at least every 5 s.
                pending = true;
                events.schedule(() -> {
                    pending = false;
                    if (!over && demand > 0) {
                        send(SubscribeToShardEvent.builder().records(batch).continuationSequenceNumber(continuation)
                                .millisBehindLatest(0L).build());
                    }
                }, 20, TimeUnit.MILLISECONDS);
                return;
            }
            SubscribeToShardEvent.Builder e = SubscribeToShardEvent.builder().records(batch).millisBehindLatest(0L);
            if (end) {
                e.continuationSequenceNumber(endWithContinuation ? continuation : null).childShards(children);
            } else {
                e.continuationSequenceNumber(continuation);
            }
            send(e.build());
            if (end) {
                over = true;
                subscriber.onComplete();
                handler.complete();
                future.complete(null);
            }
        }

        private void send(SubscribeToShardEvent e) {
            demand--;
            sent++;
            recordsPushed.addAndGet(e.records().size());
            subscriber.onNext(e);
            emit();
        }
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    @Override
    public void close() {
        events.shutdownNow();
    }
}
