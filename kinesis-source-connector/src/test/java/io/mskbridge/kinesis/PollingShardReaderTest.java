package io.mskbridge.kinesis;

import static io.mskbridge.kinesis.KinesisSourceTaskTest.json;
import static io.mskbridge.kinesis.KinesisSourceTaskTest.off;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mskbridge.aws.AwsErrors;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The GetRecords reader of one shard, driven step by step ({@code fetchOnce}) against the in-memory Kinesis,
 * with a real feed, queue and metrics behind it; the last tests run it on a pool through start/stop.
 */
class PollingShardReaderTest {

    static final String STREAM = KinesisSourceTaskTest.STREAM;
    static final String TASK = "unit-0";

    final FakeKinesis kinesis = new FakeKinesis(STREAM);
    final Map<Map<String, Object>, Map<String, Object>> committed = new ConcurrentHashMap<>();
    final List<Throwable> reported = new CopyOnWriteArrayList<>();
    final ScheduledExecutorService pool = Executors.newSingleThreadScheduledExecutor();
    /** The metrics' wall clock, moved by hand. */
    final AtomicLong clock = new AtomicLong(1_000_000);
    FetchQueue queue;
    KinesisSourceTaskMetrics metrics;
    ShardFeed feed;
    PollingShardReader reader;

    @AfterEach
    void shutdown() {
        if (reader != null) {
            reader.stop();
        }
        pool.shutdownNow();
    }

    /** The task test's settings, with a poll interval that cannot be mistaken for the minimum call interval. */
    static Map<String, String> props() {
        Map<String, String> p = KinesisSourceTaskTest.props(STREAM + "/shardId-0//");
        p.put(KinesisSourceConfig.POLL_INTERVAL_MS, "1500");
        return p;
    }

    PollingShardReader reader(Map<String, String> props, ShardSpec spec, Offsets.Position stored) {
        KinesisSourceConfig config = new KinesisSourceConfig(props);
        queue = new FetchQueue(config.queueMaxRecords(), config.queueMaxBytes());
        metrics = new KinesisSourceTaskMetrics(queue::size, queue::bytes, clock::get);
        ShardFeed.Shared shared = new ShardFeed.Shared(TASK, config, queue, metrics, (s, e) -> reported.add(e));
        feed = new ShardFeed(shared, spec, stored, new RecordConverter(config.payloadFormat()),
                new ParentGate(TASK, spec, kinesis, new MapTaskContext(props, committed), config.discoveryInterval(),
                        new ReadPacing(config.maxReadShare())));
        reader = new PollingShardReader(feed, kinesis, config, pool, 0);
        return reader;
    }

    PollingShardReader reader(String shardId) {
        return reader(props(), new ShardSpec(STREAM, shardId, List.of(), false), null);
    }

    /** A reader of shardId-0 holding JSON records 0 to {@code records - 1}, served in pages, with these settings. */
    PollingShardReader readerOfJson(int records, int pageSize, Map<String, String> settings) {
        kinesis.shard("shardId-0", null);
        kinesis.pageSize = pageSize;
        putJson("shardId-0", 0, records);
        Map<String, String> p = props();
        p.putAll(settings);
        return reader(p, new ShardSpec(STREAM, "shardId-0", List.of(), false), null);
    }

    /** Steps until the reader ends the shard or asks to wait for more than a fast re-call; the delays. */
    List<Long> stepWhileBehind(PollingShardReader r, int maxSteps) {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < maxSteps; i++) {
            long d = r.fetchOnce();
            delays.add(d);
            if (d < 0 || d >= 1500) {
                break;
            }
        }
        return delays;
    }

    List<SourceRecord> queued() throws InterruptedException {
        return queue.drain(Integer.MAX_VALUE, 0);
    }

    List<String> sequences(String shardId) {
        return kinesis.shards.get(shardId).records.stream().map(Record::sequenceNumber).collect(Collectors.toList());
    }

    /** JSON records with ids {@code from} to {@code to - 1}, key "k", appended to the shard. */
    void putJson(String shardId, int from, int to) {
        for (int i = from; i < to; i++) {
            kinesis.put(shardId, "k", json(i));
        }
    }

    @Test
    void readsAClosedShardPageByPageInOrderAndReportsItsEnd() throws Exception {
        kinesis.shard("shardId-0", null).closed = true;
        kinesis.pageSize = 4;
        putJson("shardId-0", 0, 10);
        PollingShardReader r = reader("shardId-0");

        // Pages of 4, 4, 2: behind after the first two (next call at the minimum interval), then the end.
        assertThat(stepWhileBehind(r, 10)).containsExactly(KinesisSourceConfig.MIN_CALL_INTERVAL_MS,
                KinesisSourceConfig.MIN_CALL_INTERVAL_MS, -1L);
        List<SourceRecord> got = queued();
        assertThat(got).extracting(x -> off(x, "sequence")).containsExactlyElementsOf(sequences("shardId-0"));
        assertThat(got).extracting(x -> off(x, "finished"))
                .containsExactly(false, false, false, false, false, false, false, false, false, true);
        assertThat(got.get(0).sourcePartition()).isInstanceOf(HashMap.class).isEqualTo(Offsets.partition(STREAM, "shardId-0"));
        assertThat(feed.ended()).isTrue();
        assertThat(feed.sequence()).isEqualTo(sequences("shardId-0").get(9));
        assertThat(metrics.recordsRead()).isEqualTo(10);
        assertThat(metrics.getAttribute("MillisBehindLatest." + STREAM + ".shardId-0")).isEqualTo(0L);
        assertThat(reported).isEmpty();
    }

    @Test
    void aCaughtUpOpenShardWaitsThePollIntervalAndGoesOnFromItsIterator() throws Exception {
        kinesis.shard("shardId-0", null);
        putJson("shardId-0", 0, 3);
        PollingShardReader r = reader("shardId-0");
        assertThat(r.fetchOnce()).isEqualTo(1500L);
        assertThat(r.fetchOnce()).as("nothing new").isEqualTo(1500L);
        putJson("shardId-0", 3, 5);
        int calls = kinesis.getRecordsCalls.get();
        assertThat(r.fetchOnce()).isEqualTo(1500L);
        assertThat(kinesis.getRecordsCalls.get()).as("one call, no iterator re-acquisition probe").isEqualTo(calls + 1);
        assertThat(queued()).extracting(KinesisSourceTaskTest::id).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(feed.ended()).isFalse();
    }

    @Test
    void throttlingExpiredIteratorsAndServerErrorsNeitherLoseNorRepeat() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.pageSize = 3;
        putJson("shardId-0", 0, 20);
        // One fault after every successful call, so each re-acquisition starts at a delivered record.
        Iterator<Supplier<RuntimeException>> faults = FakeKinesis.retriableFaults(3).iterator();
        PollingShardReader r = reader("shardId-0");
        List<SourceRecord> got = new ArrayList<>();
        for (int i = 0; i < 100 && (got.size() < 20 || faults.hasNext() || !kinesis.faults.isEmpty()); i++) {
            if (i % 2 == 1 && faults.hasNext()) {
                kinesis.faults.add(faults.next());
            }
            long delay = r.fetchOnce();
            assertThat(delay).as("never faster than Kinesis allows, never the end of an open shard")
                    .isGreaterThanOrEqualTo(KinesisSourceConfig.MIN_CALL_INTERVAL_MS);
            got.addAll(queued());
        }
        assertThat(faults.hasNext()).isFalse();
        assertThat(kinesis.faults).isEmpty();
        assertThat(got).extracting(KinesisSourceTaskTest::id)
                .containsExactlyElementsOf(KinesisSourceTaskTest.ids(0, 20));
        assertThat(reported).isEmpty();
    }

    @Test
    void throttlingServerErrorsAndResetsKeepTheIteratorAndOnlyAnExpiredOneIsReacquired() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.pageSize = 2;
        putJson("shardId-0", 0, 12);
        PollingShardReader r = reader("shardId-0");
        List<SourceRecord> got = new ArrayList<>();
        r.fetchOnce();
        got.addAll(queued());
        for (Supplier<RuntimeException> fault : List.<Supplier<RuntimeException>>of(FakeKinesis::throttle,
                FakeKinesis::serverError, FakeKinesis::connectionReset)) {
            kinesis.faults.add(fault);
            assertThat(r.fetchOnce()).as("backs off").isGreaterThanOrEqualTo(KinesisSourceConfig.MIN_CALL_INTERVAL_MS);
            r.fetchOnce();
            got.addAll(queued());
        }
        // The iterator is valid for 5 minutes; a failed call does not spend it (nor a GetShardIterator call).
        assertThat(kinesis.getShardIteratorCalls.get()).as("GetShardIterator calls").isEqualTo(1);
        assertThat(metrics.getAttribute("IteratorReacquisitions")).isEqualTo(0L);
        assertThat(metrics.getAttribute("ThrottledRequests")).as("only the throttled call").isEqualTo(1L);
        assertThat(metrics.taskMetrics().drain()).filteredOn(m -> m.name().equals("ThrottledRequests"))
                .extracting(m -> m.dimensions(), m -> m.sum())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(java.util.Map.of("Stream", STREAM), 1.0));

        kinesis.faults.add(FakeKinesis::expired);
        for (int i = 0; i < 3; i++) {
            r.fetchOnce();
        }
        got.addAll(queued());
        assertThat(kinesis.getShardIteratorCalls.get()).isEqualTo(2);
        assertThat(metrics.getAttribute("IteratorReacquisitions")).isEqualTo(1L);
        assertThat(metrics.getAttribute("IteratorReacquisitions." + STREAM + ".shardId-0")).isEqualTo(1L);
        // The new iterator starts AT the last queued record, which is skipped: page [7, 8] gives 8 only.
        assertThat(got).extracting(KinesisSourceTaskTest::id).containsExactlyElementsOf(KinesisSourceTaskTest.ids(0, 11));
        assertThat(reported).isEmpty();
    }

    @Test
    void callsOnAShardAreSpacedByTheShareOfItsFiveCallsPerSecond() {
        PollingShardReader r = readerOfJson(4, 2, Map.of(KinesisSourceConfig.MAX_READ_SHARE, "0.5",
                KinesisSourceConfig.POLL_INTERVAL_MS, "200"));
        assertThat(r.fetchOnce()).as("behind: 2.5 calls/s").isEqualTo(400L);
        assertThat(r.fetchOnce()).as("caught up: the pacing is longer than the poll interval").isEqualTo(400L);
        kinesis.faults.add(FakeKinesis::throttle);
        assertThat(r.fetchOnce()).as("throttled: backoff, never faster than the pacing").isGreaterThanOrEqualTo(400L);
        kinesis.faults.add(FakeKinesis::expired);
        assertThat(r.fetchOnce()).isEqualTo(400L);
    }

    @Test
    void bytesReadFromAShardArePaidForAtTheShareOfItsTwoMegabytesPerSecond() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.pageSize = 10;
        for (int i = 0; i < 30; i++) {
            kinesis.put("shardId-0", "k", new byte[100_000]);
        }
        // Each page: 10 x (100,000 data bytes + a 1-byte key) = 1,000,010 bytes.
        PollingShardReader full = reader("shardId-0");
        assertThat(full.fetchOnce()).as("at 2 MB/s").isEqualTo(501L);
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.MAX_READ_SHARE, "0.5");
        p.put(KinesisSourceConfig.POLL_INTERVAL_MS, "1000");
        PollingShardReader half = reader(p, new ShardSpec(STREAM, "shardId-0", List.of(), false), null);
        assertThat(half.fetchOnce()).as("at 1 MB/s").isEqualTo(1001L);
        assertThat(half.fetchOnce()).isEqualTo(1001L);
        assertThat(half.fetchOnce()).as("the last page: caught up, and still paid for").isEqualTo(1001L);
    }

    @Test
    void resumeFromAStoredOffsetSkipsTheDeliveredSubRecordsOfAnAggregate() throws Exception {
        kinesis.shard("shardId-0", null);
        byte[] agg = Base64.getDecoder().decode(DeaggregatorTest.fixtures().get(0).path("data").asText());
        Record aggregate = kinesis.put("shardId-0", "user0", agg);
        Record plain = kinesis.put("shardId-0", "k", json(50));
        PollingShardReader r = reader(props(), new ShardSpec(STREAM, "shardId-0", List.of(), false),
                new Offsets.Position(aggregate.sequenceNumber(), 2, false));

        assertThat(r.fetchOnce()).as("the retention check, a paced step of its own")
                .isEqualTo(KinesisSourceConfig.MIN_CALL_INTERVAL_MS);
        assertThat(kinesis.getRecordsCalls.get()).isEqualTo(1);
        assertThat(queue.size()).isZero();
        assertThat(r.fetchOnce()).isEqualTo(1500L);
        List<SourceRecord> got = queued();
        assertThat(got).extracting(KinesisSourceTaskTest::id).containsExactly(3L, 4L, 50L);
        assertThat(got).extracting(x -> off(x, "sub_sequence")).containsExactly(3L, 4L, 0L);
        assertThat(feed.sequence()).isEqualTo(plain.sequenceNumber());
        assertThat(feed.subSequence()).isZero();
    }

    @Test
    void aStoredOffsetPastRetentionFailsWhenAskedTo() {
        kinesis.shard("shardId-0", null);
        kinesis.put("shardId-0", "k", json(0));
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.ON_TRIMMED_OFFSET, "fail");
        PollingShardReader r = reader(p, new ShardSpec(STREAM, "shardId-0", List.of(), false),
                new Offsets.Position("1", 0, false));
        assertThatThrownBy(r::fetchOnce).isInstanceOf(ConnectException.class).hasMessageContaining("retention")
                .hasMessageContaining("on.trimmed.offset=fail");
        assertThat(queue.size()).isZero();
    }

    @Test
    void aStoredOffsetPastRetentionRestartsAtTrimHorizonByDefault() throws Exception {
        kinesis.shard("shardId-0", null);
        putJson("shardId-0", 0, 2);
        PollingShardReader r = reader(props(), new ShardSpec(STREAM, "shardId-0", List.of(), false),
                new Offsets.Position("1", 0, false));
        r.fetchOnce();
        r.fetchOnce();
        assertThat(queued()).extracting(KinesisSourceTaskTest::id).containsExactly(0L, 1L);
        assertThat(feed.sequence()).isEqualTo(sequences("shardId-0").get(1));
        assertThat(kinesis.getShardIteratorCalls.get()).as("reads on with the check's TRIM_HORIZON iterator")
                .isEqualTo(1);
    }

    @Test
    void aChildIsReadOnlyOnceItsParentIsFinishedAndCommitted() throws Exception {
        kinesis.shard("shardId-0", null).closed = true;
        kinesis.shard("shardId-1", "shardId-0");
        Record last = kinesis.put("shardId-0", "k", json(0));
        kinesis.put("shardId-1", "k", json(1));
        PollingShardReader r = reader(props(), new ShardSpec(STREAM, "shardId-1", List.of("shardId-0"), true), null);

        long wait = r.fetchOnce();
        assertThat(wait).isBetween(1L, 1000L);
        assertThat(feed.waitingFor()).containsExactly("shardId-0");
        int calls = kinesis.getRecordsCalls.get();
        assertThat(r.fetchOnce()).as("no new check before the re-check interval").isPositive();
        assertThat(kinesis.getRecordsCalls.get()).isEqualTo(calls);
        assertThat(queue.size()).isZero();

        committed.put(Offsets.partition(STREAM, "shardId-0"), Offsets.offset(last.sequenceNumber(), 0, false));
        Thread.sleep(wait + 50);
        assertThat(r.fetchOnce()).isEqualTo(1500L);
        assertThat(feed.waitingFor()).isEmpty();
        assertThat(queued()).extracting(KinesisSourceTaskTest::id).containsExactly(1L);
    }

    /** A reader of five records in pages of three, with a queue bounded at two records. */
    PollingShardReader readerWithAQueueOfTwo() {
        return readerOfJson(5, 3, Map.of(KinesisSourceConfig.QUEUE_MAX_RECORDS, "2"));
    }

    @Test
    void theTimeSinceTheLastSuccessfulFetchGrowsWhileThrottledOrHeldBackByAFullQueue() throws Exception {
        PollingShardReader r = readerWithAQueueOfTwo();
        clock.addAndGet(700);
        r.fetchOnce();
        assertThat(metrics.getAttribute("MillisSinceLastSuccessfulFetch")).isEqualTo(0L);
        assertThat(metrics.getAttribute("MillisBehindLatestMax")).as("a partial page").isEqualTo(1000L);

        clock.addAndGet(4000);
        assertThat(r.fetchOnce()).as("the queue holds 3 of 2").isEqualTo(PollingShardReader.QUEUE_FULL_RETRY_MS);
        assertThat(metrics.getAttribute("MillisSinceLastSuccessfulFetch")).isEqualTo(4000L);
        queued();
        kinesis.faults.add(FakeKinesis::throttle);
        clock.addAndGet(1000);
        r.fetchOnce();
        assertThat(metrics.getAttribute("MillisSinceLastSuccessfulFetch")).as("a failed call is no fetch")
                .isEqualTo(5000L);
        assertThat(metrics.getAttribute("MillisBehindLatestMax")).as("still the last answer").isEqualTo(1000L);

        r.fetchOnce();
        assertThat(metrics.getAttribute("MillisSinceLastSuccessfulFetch")).isEqualTo(0L);
        assertThat(metrics.getAttribute("MillisBehindLatestMax")).isEqualTo(0L);
    }

    @Test
    void theTimeSinceTheLastSuccessfulFetchOfAChildGrowsWhileItWaitsForItsParent() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.shard("shardId-1", "shardId-0");
        kinesis.put("shardId-0", "k", json(0));
        PollingShardReader r = reader(props(), new ShardSpec(STREAM, "shardId-1", List.of("shardId-0"), true), null);
        clock.addAndGet(3000);
        assertThat(r.fetchOnce()).as("parent not finished").isPositive();
        assertThat(metrics.getAttribute("MillisSinceLastSuccessfulFetch")).isEqualTo(3000L);
        assertThat(metrics.getAttribute("MillisBehindLatestMax")).as("no answer yet").isEqualTo(-1L);
    }

    @Test
    void aFullQueueDefersTheCall() throws Exception {
        PollingShardReader r = readerWithAQueueOfTwo();
        assertThat(r.fetchOnce()).isEqualTo(KinesisSourceConfig.MIN_CALL_INTERVAL_MS);
        int calls = kinesis.getRecordsCalls.get();
        assertThat(r.fetchOnce()).isEqualTo(PollingShardReader.QUEUE_FULL_RETRY_MS);
        assertThat(kinesis.getRecordsCalls.get()).isEqualTo(calls);
        assertThat(queued()).hasSize(3);
        r.fetchOnce();
        assertThat(queued()).extracting(KinesisSourceTaskTest::id).containsExactly(3L, 4L);
    }

    @Test
    void aQueueFullInBytesDefersTheCall() throws Exception {
        PollingShardReader r = readerOfJson(5, 3, Map.of(KinesisSourceConfig.QUEUE_MAX_BYTES, "250"));
        r.fetchOnce();
        assertThat(queue.size()).as("far below the record bound").isEqualTo(3);
        assertThat(queue.bytes()).as("each record counts its data, key and overhead").isGreaterThanOrEqualTo(250);
        int calls = kinesis.getRecordsCalls.get();
        assertThat(r.fetchOnce()).isEqualTo(PollingShardReader.QUEUE_FULL_RETRY_MS);
        assertThat(kinesis.getRecordsCalls.get()).as("no call while full").isEqualTo(calls);
        queued();
        r.fetchOnce();
        assertThat(queued()).extracting(KinesisSourceTaskTest::id).containsExactly(3L, 4L);
    }

    @Test
    void theByteBoundWeighsACompressedRecordAtItsDecompressedSize() throws Exception {
        kinesis.shard("shardId-0", null);
        // 200 kB of JSON that gzips to well under 1 kB: read as 200 kB, held in the queue as 200 kB.
        String pad = "x".repeat(200_000);
        byte[] inflated = ("{\"id\":0,\"event_type\":\"purchase\",\"pad\":\"" + pad + "\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] gz = PayloadFixtures.gzip(inflated);
        assertThat(gz.length).isLessThan(1_000);
        kinesis.put("shardId-0", "k", gz);
        putJson("shardId-0", 1, 3);
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.QUEUE_MAX_BYTES, "100000");
        PollingShardReader r = reader(p, new ShardSpec(STREAM, "shardId-0", List.of(), false), null);
        kinesis.pageSize = 1;

        r.fetchOnce();
        assertThat(queue.bytes()).as("the decompressed size counts").isGreaterThanOrEqualTo(inflated.length);
        assertThat(metrics.getAttribute("BytesRead")).as("the metric counts what Kinesis returned")
                .isEqualTo(new UserRecord("1", 0, false, "k", gz, 0, null).sizeInBytes());
        int calls = kinesis.getRecordsCalls.get();
        assertThat(r.fetchOnce()).as("one inflated record fills a 100 kB queue")
                .isEqualTo(PollingShardReader.QUEUE_FULL_RETRY_MS);
        assertThat(kinesis.getRecordsCalls.get()).isEqualTo(calls);
        assertThat(queued()).extracting(KinesisSourceTaskTest::id).containsExactly(0L);
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void aShardThatNoLongerExistsEndsWithoutFailing() {
        kinesis.shard("shardId-0", null);
        PollingShardReader r = reader("shardId-9");
        assertThat(r.fetchOnce()).isEqualTo(-1L);
        assertThat(feed.ended()).isTrue();
        assertThat(queue.size()).isZero();
        assertThat(reported).isEmpty();
    }

    @Test
    void aStoredOffsetOfAShardThatExpiredEndsItAtTheRetentionCheck() {
        kinesis.shard("shardId-0", null);
        Record stored = kinesis.put("shardId-0", "k", json(0));
        kinesis.expire("shardId-0");
        PollingShardReader r = reader(props(), new ShardSpec(STREAM, "shardId-0", List.of(), false),
                new Offsets.Position(stored.sequenceNumber(), 0, false));
        // The first call is GetShardIterator(TRIM_HORIZON) of the retention check: ResourceNotFound there too.
        assertThat(r.fetchOnce()).isEqualTo(-1L);
        assertThat(feed.ended()).isTrue();
        assertThat(reported).isEmpty();
    }

    /** A reader that has read the first page (records 0 and 1) of a shard of four records. */
    PollingShardReader readerAfterTheFirstPage() {
        kinesis.shard("shardId-0", null);
        kinesis.pageSize = 2;
        putJson("shardId-0", 0, 4);
        PollingShardReader r = reader("shardId-0");
        r.fetchOnce();
        return r;
    }

    /** The reader ended the shard as gone, after queueing the first page, and reported no failure. */
    void assertGoneAfterTheFirstPage() throws InterruptedException {
        assertThat(feed.ended()).isTrue();
        assertThat(queued()).extracting(KinesisSourceTaskTest::id).containsExactly(0L, 1L);
        assertThat(reported).isEmpty();
    }

    @Test
    void aShardThatExpiresWhileItIsReadEndsAtGetRecords() throws Exception {
        PollingShardReader r = readerAfterTheFirstPage();
        kinesis.expire("shardId-0");
        assertThat(r.fetchOnce()).isEqualTo(-1L);
        assertGoneAfterTheFirstPage();
    }

    @Test
    void aShardThatExpiresBeforeAnIteratorIsReacquiredEndsThere() throws Exception {
        PollingShardReader r = readerAfterTheFirstPage();
        kinesis.faults.add(FakeKinesis::expired);
        assertThat(r.fetchOnce()).isPositive();
        kinesis.expire("shardId-0");
        assertThat(r.fetchOnce()).as("GetShardIterator(AT_SEQUENCE_NUMBER) answers ResourceNotFound").isEqualTo(-1L);
        assertGoneAfterTheFirstPage();
    }

    @Test
    void anErrorThatCannotBeRetriedIsReportedAndEndsTheLoop() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.put("shardId-0", "k", json(0));
        kinesis.faults.add(FakeKinesis::accessDenied);
        reader("shardId-0").start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (reported.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(reported).singleElement().satisfies(e -> assertThat(AwsErrors.errorCode(e)).isEqualTo("AccessDeniedException"));
        int calls = kinesis.getRecordsCalls.get();
        Thread.sleep(500);
        assertThat(kinesis.getRecordsCalls.get()).as("no call after giving up").isEqualTo(calls);
        assertThat(feed.ended()).isFalse();
        assertThat(queue.size()).isZero();
    }

    @Test
    void startReadsInTheBackgroundAndStopEndsTheLoopQuietly() throws Exception {
        kinesis.shard("shardId-0", null);
        putJson("shardId-0", 0, 5);
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.POLL_INTERVAL_MS, "200");
        PollingShardReader r = reader(p, new ShardSpec(STREAM, "shardId-0", List.of(), false), null);
        r.start();
        assertThat(queue.drain(10, 10_000)).extracting(KinesisSourceTaskTest::id).containsExactly(0L, 1L, 2L, 3L, 4L);
        r.stop();
        Thread.sleep(300);
        int calls = kinesis.getRecordsCalls.get();
        Thread.sleep(1000);
        assertThat(kinesis.getRecordsCalls.get()).as("no call after stop").isEqualTo(calls);
        assertThat(reported).isEmpty();
    }

    @Test
    void firstCallsOfATasksShardsAreSpreadOverTheMinimumCallInterval() {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            delays.add(PollingShardReader.staggerMillis(i));
        }
        assertThat(delays).containsExactly(0L, 20L, 40L, 60L, 80L, 100L, 120L, 140L, 160L, 180L, 0L, 20L);
    }
}
