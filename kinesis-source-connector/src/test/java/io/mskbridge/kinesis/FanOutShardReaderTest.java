package io.mskbridge.kinesis;

import static io.mskbridge.kinesis.KinesisSourceTaskTest.json;
import static io.mskbridge.kinesis.KinesisSourceTaskTest.off;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mskbridge.common.Backoff;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;

/**
 * The enhanced fan-out reader of one shard against an in-memory SubscribeToShard ({@link FakeFanOut}) with a
 * real feed, queue and metrics behind it: positions, re-subscriptions, the shard's end, back-pressure, and every
 * failure a subscription meets, each resumed without loss or duplicate.
 */
class FanOutShardReaderTest {

    static final String STREAM = KinesisSourceTaskTest.STREAM;
    static final String TASK = "unit-0";
    static final String CONSUMER = "unit";

    final FakeKinesis kinesis = new FakeKinesis(STREAM);
    final FakeFanOut fanOut = new FakeFanOut(kinesis);
    final Map<Map<String, Object>, Map<String, Object>> committed = new ConcurrentHashMap<>();
    final List<Throwable> reported = new CopyOnWriteArrayList<>();
    final ScheduledExecutorService pool = Executors.newScheduledThreadPool(2);
    FetchQueue queue;
    KinesisSourceTaskMetrics metrics;
    ShardFeed feed;
    FanOutShardReader reader;

    @AfterEach
    void shutdown() {
        if (reader != null) {
            reader.stop();
        }
        pool.shutdownNow();
        fanOut.close();
    }

    static Map<String, String> props() {
        Map<String, String> p = KinesisSourceTaskTest.props(STREAM + "/shardId-0//");
        p.put(KinesisSourceConfig.CONSUMER_MODE, "efo");
        return p;
    }

    /** A reader of the shard with a 50 ms subscription spacing and backoff, so fault tests stay fast. */
    FanOutShardReader reader(Map<String, String> props, ShardSpec spec, Offsets.Position stored, long spacingMs) {
        KinesisSourceConfig config = new KinesisSourceConfig(props);
        queue = new FetchQueue(config.queueMaxRecords(), config.queueMaxBytes());
        metrics = new KinesisSourceTaskMetrics(queue::size, queue::bytes);
        ShardFeed.Shared shared = new ShardFeed.Shared(TASK, config, queue, metrics, (s, e) -> reported.add(e));
        feed = new ShardFeed(shared, spec, stored, new RecordConverter(config.payloadFormat()),
                new ParentGate(TASK, spec, kinesis, new MapTaskContext(props, committed), config.discoveryInterval(),
                        new ReadPacing(config.maxReadShare())));
        StreamConsumers consumers = new StreamConsumers(kinesis, CONSUMER, Duration.ofSeconds(5), 10);
        reader = new FanOutShardReader(feed, fanOut, consumers, pool, metrics,
                new Backoff(Duration.ofMillis(spacingMs), Duration.ofMillis(spacingMs * 4)), spacingMs);
        return reader;
    }

    FanOutShardReader reader(String shardId) {
        return reader(props(), new ShardSpec(STREAM, shardId, List.of(), false), null, 50);
    }

    void putJson(String shardId, int from, int to) {
        for (int i = from; i < to; i++) {
            kinesis.put(shardId, "k", json(i));
        }
    }

    List<String> sequences(String shardId) {
        return kinesis.shards.get(shardId).records.stream().map(Record::sequenceNumber).collect(Collectors.toList());
    }

    /** Drains the queue until {@code n} records came or 10 s passed. */
    List<SourceRecord> drain(int n) throws InterruptedException {
        List<SourceRecord> got = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 10_000;
        while (got.size() < n && System.currentTimeMillis() < deadline) {
            got.addAll(queue.drain(Integer.MAX_VALUE, 50));
        }
        return got;
    }

    static void await(BooleanSupplier c) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!c.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("condition within 10 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void readsAClosedShardInOrderAndReportsItsEndWithTheFinishedMarker() throws Exception {
        kinesis.shard("shardId-0", null).closed = true;
        kinesis.shard("shardId-1", "shardId-0");
        putJson("shardId-0", 0, 23);
        reader("shardId-0").start();

        List<SourceRecord> got = drain(23);
        assertThat(got).extracting(x -> off(x, "sequence")).containsExactlyElementsOf(sequences("shardId-0"));
        assertThat(got.get(22).sourceOffset().get("finished")).isEqualTo(true);
        assertThat(got.subList(0, 22)).allSatisfy(r -> assertThat(r.sourceOffset().get("finished")).isEqualTo(false));
        await(feed::ended);
        // The consumer was registered (it did not exist) and waited for until ACTIVE.
        assertThat(kinesis.registerCalls.get()).isEqualTo(1);
        assertThat(fanOut.positions).hasSize(1);
        assertThat(fanOut.positions.get(0).type()).isEqualTo(ShardIteratorType.TRIM_HORIZON);
        assertThat(reported).isEmpty();
    }

    @Test
    void childShardsEndTheShardEvenWithAContinuationNumber() throws Exception {
        kinesis.shard("shardId-0", null).closed = true;
        kinesis.shard("shardId-1", "shardId-0");
        putJson("shardId-0", 0, 7);
        fanOut.endWithContinuation = true;
        reader("shardId-0").start();

        List<SourceRecord> got = drain(7);
        assertThat(got.get(6).sourceOffset().get("finished")).isEqualTo(true);
        await(feed::ended);
        Thread.sleep(200);
        assertThat(fanOut.positions).hasSize(1);
    }

    @Test
    void aStoredOffsetStartsAtItsSequenceAndItsRecordIsNotDeliveredAgain() throws Exception {
        kinesis.shard("shardId-0", null);
        putJson("shardId-0", 0, 10);
        String stored = sequences("shardId-0").get(3);
        reader(props(), new ShardSpec(STREAM, "shardId-0", List.of(), false),
                new Offsets.Position(stored, 0, false, null), 50).start();

        List<SourceRecord> got = drain(6);
        Thread.sleep(200);
        got.addAll(queue.drain(Integer.MAX_VALUE, 0));
        assertThat(got).extracting(x -> off(x, "sequence")).containsExactlyElementsOf(sequences("shardId-0").subList(4, 10));
        assertThat(fanOut.positions.get(0)).isEqualTo(StartingPosition.builder()
                .type(ShardIteratorType.AT_SEQUENCE_NUMBER).sequenceNumber(stored).build());
    }

    @Test
    void subscribesAgainAfterEachCompletionFromTheContinuationAtMostOncePerSecond() throws Exception {
        kinesis.shard("shardId-0", null);
        putJson("shardId-0", 0, 25);
        fanOut.eventsPerSubscription = 2;
        reader(props(), new ShardSpec(STREAM, "shardId-0", List.of(), false), null,
                FanOutShardReader.MIN_SUBSCRIBE_INTERVAL_MS).start();

        List<SourceRecord> got = drain(25);
        assertThat(got).extracting(x -> off(x, "sequence")).containsExactlyElementsOf(sequences("shardId-0"));
        // 10 records per subscription: the 2nd and 3rd continue after the last record of the one before.
        assertThat(fanOut.positions).hasSizeGreaterThanOrEqualTo(3);
        assertThat(fanOut.positions.get(1)).isEqualTo(StartingPosition.builder()
                .type(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(sequences("shardId-0").get(9)).build());
        assertThat(fanOut.positions.get(2).sequenceNumber()).isEqualTo(sequences("shardId-0").get(19));
        for (int i = 1; i < fanOut.subscribeTimes.size(); i++) {
            assertThat(fanOut.subscribeTimes.get(i) - fanOut.subscribeTimes.get(i - 1))
                    .as("1 SubscribeToShard per second per shard").isGreaterThanOrEqualTo(990);
        }
        assertThat(metrics.getAttribute("Subscriptions")).isEqualTo((long) fanOut.positions.size());
    }

    @Test
    void requestsEventsOnlyWhileTheQueueHasRoom() throws Exception {
        kinesis.shard("shardId-0", null);
        putJson("shardId-0", 0, 200);
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.QUEUE_MAX_RECORDS, "10");
        reader(p, new ShardSpec(STREAM, "shardId-0", List.of(), false), null, 50).start();

        await(() -> queue.size() >= 10);
        Thread.sleep(500);
        // A slow Kafka (nothing drained): no event beyond the one that filled the queue is pushed.
        assertThat(queue.size()).isLessThanOrEqualTo(10 + fanOut.eventSize - 1);
        assertThat(fanOut.recordsPushed.get()).isEqualTo(queue.size());
        assertThat(fanOut.maxDemand.get()).isEqualTo(1);

        // As the queue drains, events flow again: everything, once, in order.
        List<SourceRecord> got = drain(200);
        assertThat(got).extracting(x -> off(x, "sequence")).containsExactlyElementsOf(sequences("shardId-0"));
        assertThat(reported).isEmpty();
    }

    @Test
    void failuresOnSubscribeAndMidStreamResumeFromTheLastDeliveredEvent() throws Exception {
        kinesis.shard("shardId-0", null);
        putJson("shardId-0", 0, 40);
        fanOut.subscribeFaults.add(FakeFanOut::resourceInUse);
        fanOut.subscribeFaults.add(FakeFanOut::limitExceeded);
        fanOut.subscribeFaults.add(FakeKinesis::serverError);
        fanOut.subscribeFaults.add(FakeKinesis::connectionReset);
        fanOut.midStreamFaults.add(FakeKinesis::connectionReset);
        fanOut.midStreamFaults.add(FakeKinesis::serverError);
        fanOut.midStreamFaults.add(FakeKinesis::throttle);
        reader("shardId-0").start();

        List<SourceRecord> got = drain(40);
        Thread.sleep(200);
        got.addAll(queue.drain(Integer.MAX_VALUE, 0));
        assertThat(got).extracting(x -> off(x, "sequence")).containsExactlyElementsOf(sequences("shardId-0"));
        assertThat(metrics.getAttribute("SubscriptionFailures")).isEqualTo(7L);
        assertThat(reported).isEmpty();
    }

    @Test
    void aConsumerDeregisteredBehindTheConnectorsBackIsRegisteredAgain() throws Exception {
        kinesis.shard("shardId-0", null);
        putJson("shardId-0", 0, 30);
        fanOut.eventsPerSubscription = 2;
        reader("shardId-0").start();
        List<SourceRecord> got = drain(5);
        String first = kinesis.activeConsumerArn(CONSUMER);
        kinesis.deregister(CONSUMER);

        got.addAll(drain(30 - got.size()));
        assertThat(got).extracting(x -> off(x, "sequence")).containsExactlyElementsOf(sequences("shardId-0"));
        assertThat(kinesis.registerCalls.get()).isEqualTo(2);
        assertThat(kinesis.activeConsumerArn(CONSUMER)).isNotEqualTo(first);
        assertThat(reported).isEmpty();
    }

    @Test
    void aShardThatNoLongerExistsEndsTheReaderWithoutFailingTheTask() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.shard("shardId-1", null);
        reader("shardId-0").start();
        await(() -> !fanOut.positions.isEmpty());
        fanOut.eventsPerSubscription = 0;
        kinesis.expire("shardId-0");

        await(feed::ended);
        assertThat(reported).isEmpty();
    }

    @Test
    void anAccessDeniedFailsTheTask() throws Exception {
        kinesis.shard("shardId-0", null);
        fanOut.subscribeFaults.add(FakeKinesis::accessDenied);
        reader("shardId-0").start();

        await(() -> !reported.isEmpty());
        assertThat(reported.get(0)).hasMessageContaining("not authorized");
        assertThat(feed.ended()).isFalse();
    }

    @Test
    void aTrimmedStoredOffsetFailsUnderFailAndRestartsAtTrimHorizonOtherwise() throws Exception {
        kinesis.shard("shardId-0", null);
        putJson("shardId-0", 0, 5);
        // Stored before the oldest record the stream holds: what Kinesis serves AT it starts later.
        Offsets.Position gone = new Offsets.Position(String.format("4960%040d", 1), 0, false, null);
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.ON_TRIMMED_OFFSET, "fail");
        reader(p, new ShardSpec(STREAM, "shardId-0", List.of(), false), gone, 50).start();
        await(() -> !reported.isEmpty());
        assertThat(reported.get(0)).isInstanceOf(ConnectException.class).hasMessageContaining("no longer in the stream");
        assertThat(queue.size()).isZero();
        reader.stop();

        reported.clear();
        reader(props(), new ShardSpec(STREAM, "shardId-0", List.of(), false), gone, 50).start();
        assertThat(drain(5)).extracting(x -> off(x, "sequence")).containsExactlyElementsOf(sequences("shardId-0"));
        assertThat(reported).isEmpty();
    }

    @Test
    void aChildDoesNotSubscribeBeforeItsParentIsFinished() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.shard("shardId-1", "shardId-0");
        putJson("shardId-0", 0, 3);
        ShardSpec parent = new ShardSpec(STREAM, "shardId-0", List.of(), false);
        reader(props(), new ShardSpec(STREAM, "shardId-1", null, null, List.of(parent)), null, 50).start();

        Thread.sleep(300);
        assertThat(fanOut.positions).isEmpty();
        assertThat(feed.waitingFor()).containsExactly("shardId-0");
    }
}
