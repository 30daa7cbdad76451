package io.mskbridge.harness.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import io.mskbridge.harness.H2FaultProxy;
import io.mskbridge.harness.H2FaultProxy.Fault;
import io.mskbridge.harness.KinesisEmulator;
import io.mskbridge.harness.TestAws;
import io.mskbridge.harness.Waits;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Each fault of {@link H2FaultProxy} reaches a real async (Netty, HTTP/2) Kinesis client subscribed to the
 * emulator through it as the SDK exception or broken stream the real service would cause, and the HTTP/1.1
 * calls of a sync client on the same endpoint pass through untouched. (The resets, RST_STREAM and a cut connection
 * mid-subscription, are asserted where they matter, in the Kinesis source's KinesisFanOutIT: there the proxy's
 * counters show each was injected and every record still arrives exactly once.) And the end of a closed shard
 * that the proxy plays ({@link H2FaultProxy#endShardsLikeKinesis}) reaches the SDK as a final event with the
 * children and no continuation, after which the subscription completes.
 */
class H2FaultProxyIT {

    @RegisterExtension
    static final KinesisEmulator KINESIS = new KinesisEmulator();
    @RegisterExtension
    static final H2FaultProxy PROXY = new H2FaultProxy(KINESIS.endpoint());

    private static final String STREAM = "h2-proxy";
    private static final int RECORDS = 5;
    private static KinesisAsyncClient async;
    private static String consumerArn;
    private static String shardId;

    @BeforeAll
    static void streamAndConsumer() {
        KINESIS.createStream(STREAM, 1);
        // The sync client goes through the proxy too: HTTP/1.1, relayed as it is.
        try (KinesisClient k = TestAws.kinesis(PROXY.endpoint())) {
            String streamArn = k.describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary().streamARN();
            consumerArn = k.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("h2-proxy-it"))
                    .consumer().consumerARN();
            Waits.until("consumer ACTIVE", Duration.ofSeconds(30), () -> k.describeStreamConsumer(b -> b
                    .consumerARN(consumerArn)).consumerDescription().consumerStatus() == ConsumerStatus.ACTIVE);
            for (int i = 0; i < RECORDS; i++) {
                int id = i;
                k.putRecord(b -> b.streamName(STREAM).partitionKey("k").data(SdkBytes.fromUtf8String("r" + id)));
            }
            shardId = k.listShards(b -> b.streamName(STREAM)).shards().get(0).shardId();
        }
        async = asyncClient(PROXY.endpoint());
    }

    private static KinesisAsyncClient asyncClient(URI endpoint) {
        return KinesisAsyncClient.builder().endpointOverride(endpoint).region(TestAws.REGION)
                .credentialsProvider(TestAws.credentials()).httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    @AfterAll
    static void closeClient() {
        if (async != null) {
            async.close();
        }
    }

    /** What one subscription from TRIM_HORIZON got: the records' data, and how it ended. */
    private record Outcome(List<String> records, Throwable error) {
    }

    /** Subscribes from TRIM_HORIZON until all records came (then cancels), or the subscription failed. */
    private static Outcome subscribe() throws Exception {
        return subscribe(true);
    }

    /**
     * The same; without {@code cancel}, until the subscription ends (or 30 s pass). The emulator refuses a
     * subscription while it still holds the previous one of the consumer and shard (it lets go within a second of
     * a cancel): such a call is made again.
     */
    private static Outcome subscribe(boolean cancel) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            Outcome o = subscribeOnce(cancel);
            if (!(o.error() instanceof ResourceInUseException e) || e.getMessage().contains("(injected)")
                    || System.currentTimeMillis() > deadline) {
                return o;
            }
            Thread.sleep(300);
        }
    }

    private static Outcome subscribeOnce(boolean cancel) throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        AtomicReference<Subscription> sub = new AtomicReference<>();
        SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
                .onEventStream(p -> p.subscribe(new Subscriber<SubscribeToShardEventStream>() {
                    @Override
                    public void onSubscribe(Subscription s) {
                        sub.set(s);
                        s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(SubscribeToShardEventStream e) {
                        if (e instanceof SubscribeToShardEvent ev) {
                            ev.records().forEach(r -> got.add(r.data().asUtf8String()));
                            if (cancel && got.size() >= RECORDS) {
                                sub.get().cancel();
                            }
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onComplete() {
                    }
                })).build();
        CompletableFuture<Void> f = async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId(shardId)
                .startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)), handler);
        Throwable error = null;
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            error = e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            error = e;
        }
        return new Outcome(List.copyOf(got), error);
    }

    @Test
    void eachSubscribeErrorIsTheServicesException() throws Exception {
        long t0 = System.currentTimeMillis();
        PROXY.inject(Fault.RESOURCE_IN_USE, 1).inject(Fault.LIMIT_EXCEEDED, 1).inject(Fault.SERVER_ERROR, 1);

        assertThat(subscribe().error()).isInstanceOf(ResourceInUseException.class)
                .hasMessageContaining("(injected)");
        assertThat(subscribe().error()).isInstanceOf(LimitExceededException.class);
        Throwable e500 = subscribe().error();
        assertThat(e500).isInstanceOf(KinesisException.class);
        assertThat(((KinesisException) e500).statusCode()).isEqualTo(500);
        assertThat(PROXY.pending()).isZero();

        // Then the call goes through: every record, over HTTP/2.
        assertThat(subscribe().records()).hasSize(RECORDS);
        assertThat(PROXY.injected(Fault.RESOURCE_IN_USE)).isEqualTo(1);
        assertThat(PROXY.injected(Fault.LIMIT_EXCEEDED)).isEqualTo(1);
        assertThat(PROXY.injected(Fault.SERVER_ERROR)).isEqualTo(1);
        assertThat(PROXY.h2Connections()).isPositive();
        assertThat(PROXY.http1Connections()).isPositive();
        System.out.printf("H2FaultProxyIT subscribe errors: %d ms%n", System.currentTimeMillis() - t0);
    }

    /**
     * {@link H2FaultProxy#endShardsLikeKinesis}: a subscription to a shard that is split while it is read gets, from
     * the real SDK, every record and then one final event with no continuation and the two children, and
     * completes; a new subscription to the closed parent after its last record gets the final event at once, and one
     * to a closed shard that never had a record (a child merged before any put) too. The emulator alone would send
     * events with the last continuation for ever.
     */
    @Test
    void endShardsLikeKinesisEndsAClosedShardWithItsChildren() throws Exception {
        long t0 = System.currentTimeMillis();
        String stream = "h2-proxy-split";
        KINESIS.createStream(stream, 1);
        KinesisClient k = KINESIS.client();
        String streamArn = k.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
        String arn = k.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("h2-proxy-split"))
                .consumer().consumerARN();
        Waits.until("consumer ACTIVE", Duration.ofSeconds(30), () -> k.describeStreamConsumer(b -> b
                .consumerARN(arn)).consumerDescription().consumerStatus() == ConsumerStatus.ACTIVE);
        String parent = k.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
        for (int i = 0; i < 6; i++) {
            int id = i;
            k.putRecord(b -> b.streamName(stream).partitionKey("k" + id).data(SdkBytes.fromUtf8String("p" + id)));
        }
        try (H2FaultProxy proxy = new H2FaultProxy(KINESIS.endpoint()).endShardsLikeKinesis();
             KinesisAsyncClient client = startAndConnect(proxy)) {
            // Read while open: the events pass as they are; then split, and the stream ends with the children.
            List<SubscribeToShardEvent> events = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> f = subscribeEvents(client, arn, parent,
                    StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build(), events);
            Waits.until("the parent's 6 records", Duration.ofSeconds(20), () -> records(events).size() >= 6);
            assertThat(proxy.shardEnds()).isZero();
            k.splitShard(b -> b.streamName(stream).shardToSplit(parent)
                    .newStartingHashKey(BigInteger.ONE.shiftLeft(127).toString()));
            KINESIS.awaitActive(stream);
            f.get(20, TimeUnit.SECONDS); // completes normally: the SDK saw the stream end
            List<Shard> children = k.listShards(b -> b.streamName(stream)).shards().stream()
                    .filter(s -> parent.equals(s.parentShardId())).toList();
            assertThat(children).hasSize(2);
            assertThat(records(events)).containsExactly("p0", "p1", "p2", "p3", "p4", "p5");
            SubscribeToShardEvent last = events.get(events.size() - 1);
            assertFinal(last, children, List.of(parent));
            events.subList(0, events.size() - 1).forEach(e -> {
                assertThat(e.continuationSequenceNumber()).isNotNull();
                assertThat(e.childShards()).isEmpty();
            });
            assertThat(proxy.shardEnds()).isEqualTo(1);

            // The closed parent after its last record: the first event is the final one, without records.
            String lastSeq = k.getRecords(b -> b.shardIterator(k.getShardIterator(i -> i.streamName(stream)
                    .shardId(parent).shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator()))
                    .records().get(5).sequenceNumber();
            List<SubscribeToShardEvent> again = subscribeToTheEnd(client, arn, parent, StartingPosition.builder()
                    .type(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(lastSeq).build());
            assertThat(again).hasSize(1);
            assertThat(again.get(0).records()).isEmpty();
            assertFinal(again.get(0), children, List.of(parent));

            // A shard closed without a record: its two parents named, from a child of the merge.
            k.mergeShards(b -> b.streamName(stream).shardToMerge(children.get(0).shardId())
                    .adjacentShardToMerge(children.get(1).shardId()));
            KINESIS.awaitActive(stream);
            List<Shard> merged = k.listShards(b -> b.streamName(stream)).shards().stream()
                    .filter(s -> s.adjacentParentShardId() != null).toList();
            assertThat(merged).hasSize(1);
            List<SubscribeToShardEvent> empty = subscribeToTheEnd(client, arn, children.get(0).shardId(),
                    StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build());
            assertThat(empty).hasSize(1);
            assertThat(empty.get(0).records()).isEmpty();
            assertFinal(empty.get(0), merged, List.of(merged.get(0).parentShardId(),
                    merged.get(0).adjacentParentShardId()));
            assertThat(proxy.shardEnds()).isEqualTo(3);
            assertThat(proxy.endShardsErrors()).as("%s", proxy).isZero();
        }
        System.out.printf("H2FaultProxyIT end of shard: %d ms%n", System.currentTimeMillis() - t0);
    }

    private static KinesisAsyncClient startAndConnect(H2FaultProxy proxy) {
        proxy.start();
        return asyncClient(proxy.endpoint());
    }

    private static void assertFinal(SubscribeToShardEvent e, List<Shard> children, List<String> parents) {
        assertThat(e.continuationSequenceNumber()).as("continuation of the final event").isNull();
        assertThat(e.childShards()).hasSize(children.size());
        for (int i = 0; i < children.size(); i++) {
            ChildShard c = e.childShards().get(i);
            assertThat(c.shardId()).isEqualTo(children.get(i).shardId());
            assertThat(c.parentShards()).containsExactlyElementsOf(parents);
            assertThat(c.hashKeyRange()).isEqualTo(children.get(i).hashKeyRange());
        }
    }

    private static List<String> records(List<SubscribeToShardEvent> events) {
        return events.stream().flatMap(e -> e.records().stream()).map(r -> r.data().asUtf8String()).toList();
    }

    /** Subscribes until the stream completes (made again while the emulator still holds the previous one). */
    private static List<SubscribeToShardEvent> subscribeToTheEnd(KinesisAsyncClient client, String arn, String shard,
                                                                 StartingPosition from) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            List<SubscribeToShardEvent> events = new CopyOnWriteArrayList<>();
            try {
                subscribeEvents(client, arn, shard, from, events).get(20, TimeUnit.SECONDS);
                return events;
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof ResourceInUseException) || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(300);
            }
        }
    }

    private static CompletableFuture<Void> subscribeEvents(KinesisAsyncClient client, String arn, String shard,
                                                           StartingPosition from, List<SubscribeToShardEvent> into) {
        SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
                .subscriber(e -> {
                    if (e instanceof SubscribeToShardEvent ev) {
                        into.add(ev);
                    }
                }).build();
        return client.subscribeToShard(b -> b.consumerARN(arn).shardId(shard).startingPosition(from), handler);
    }
}
