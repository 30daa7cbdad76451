package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mskbridge.aws.AwsClientFactory;
import com.fasterxml.jackson.databind.JsonNode;

class KinesisSourceTaskTest {

    static final String STREAM = "orders-dev";

    final FakeKinesis kinesis = new FakeKinesis(STREAM);
    final Map<Map<String, Object>, Map<String, Object>> committed = new ConcurrentHashMap<>();
    KinesisSourceTask task;

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
    }

    static Map<String, String> props(String shards) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "unit");
        p.put(KinesisSourceConfig.STREAM_NAMES, STREAM);
        p.put(KinesisSourceConfig.POLL_INTERVAL_MS, "200");
        p.put(KinesisSourceConfig.DISCOVERY_INTERVAL_MS, "1000");
        p.put(KinesisSourceConfig.PAYLOAD_FORMAT, "json");
        p.put(KinesisSourceConfig.TASK_SHARDS, shards);
        p.put("aws.region", "us-east-1");
        return p;
    }

    void start(Map<String, String> props) {
        task = new KinesisSourceTask(c -> kinesis);
        task.initialize(new MapTaskContext(props, committed));
        task.start(props);
    }

    List<SourceRecord> pollUntil(int n, long timeoutMs) throws InterruptedException {
        List<SourceRecord> got = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (got.size() < n && System.currentTimeMillis() < deadline) {
            List<SourceRecord> r = task.poll();
            if (r != null) {
                got.addAll(r);
            }
        }
        return got;
    }

    void commit(SourceRecord r) {
        committed.put(new HashMap<>(r.sourcePartition()), new HashMap<>(r.sourceOffset()));
    }

    static List<Object> ids(long from, long to) {
        return java.util.stream.LongStream.range(from, to).boxed().collect(Collectors.toList());
    }

    static byte[] json(int i) {
        return ("{\"id\":" + i + ",\"event_type\":\"purchase\"}").getBytes(StandardCharsets.UTF_8);
    }

    static Object id(SourceRecord r) {
        return ((Map<?, ?>) r.value()).get("id");
    }

    static Object off(SourceRecord r, String k) {
        return r.sourceOffset().get(k);
    }

    static String header(SourceRecord r, String key) {
        return String.valueOf(r.headers().lastWithName(key).value());
    }

    @Test
    void recordsCarryKeyValueArrivalTimeAndHeadersInShardOrder() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.shard("shardId-1", null);
        kinesis.pageSize = 13;
        for (int i = 0; i < 60; i++) {
            kinesis.put("shardId-" + (i % 2), "user" + (i % 5), json(i));
        }
        start(props(STREAM + "/shardId-0//," + STREAM + "/shardId-1//"));
        List<SourceRecord> got = pollUntil(60, 20_000);
        assertThat(got).hasSize(60);
        for (String shard : List.of("shardId-0", "shardId-1")) {
            List<SourceRecord> mine = got.stream().filter(r -> shard.equals(String.valueOf(r.sourcePartition().get("shard"))))
                    .collect(Collectors.toList());
            assertThat(mine).extracting(r -> off(r, "sequence"))
                    .containsExactlyElementsOf(kinesis.shards.get(shard).records.stream()
                            .map(x -> (Object) x.sequenceNumber()).collect(Collectors.toList()));
        }
        SourceRecord first = got.stream().filter(r -> "shardId-0".equals(r.sourcePartition().get("shard"))).findFirst().orElseThrow();
        var k0 = kinesis.shards.get("shardId-0").records.get(0);
        assertThat(first.key()).isEqualTo("user0");
        assertThat(first.keySchema().type().getName()).isEqualTo("string");
        assertThat(((Map<?, ?>) first.value()).get("id")).isEqualTo(0L);
        assertThat(((Map<?, ?>) first.value()).get("event_type")).isEqualTo("purchase");
        assertThat(first.timestamp()).isEqualTo(k0.approximateArrivalTimestamp().toEpochMilli());
        assertThat(first.topic()).isEqualTo(STREAM);
        assertThat(header(first, RecordConverter.H_STREAM)).isEqualTo(STREAM);
        assertThat(header(first, RecordConverter.H_SHARD)).isEqualTo("shardId-0");
        assertThat(header(first, RecordConverter.H_SEQUENCE)).isEqualTo(k0.sequenceNumber());
        assertThat(header(first, RecordConverter.H_ARRIVAL)).isEqualTo(String.valueOf(first.timestamp()));
        assertThat(first.headers().lastWithName(RecordConverter.H_SUB_SEQUENCE)).isNull();
        assertThat(first.sourcePartition()).isInstanceOf(HashMap.class);
        assertThat(first.sourcePartition().get("stream")).isEqualTo(STREAM);
        assertThat(first.sourceOffset()).isInstanceOf(HashMap.class);
        assertThat(off(first, "sub_sequence")).isEqualTo(0L);
        assertThat(off(first, "finished")).isEqualTo(false);
        assertThat(task.metrics().recordsRead()).isEqualTo(60);
    }

    @Test
    void invalidJsonIsPassedOnAsItsBytesWithAHeader() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.put("shardId-0", "k", "not json {".getBytes(StandardCharsets.UTF_8));
        start(props(STREAM + "/shardId-0//"));
        List<SourceRecord> got = pollUntil(1, 10_000);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).valueSchema()).isEqualTo(org.apache.kafka.connect.data.Schema.BYTES_SCHEMA);
        assertThat((byte[]) got.get(0).value()).isEqualTo("not json {".getBytes(StandardCharsets.UTF_8));
        assertThat(header(got.get(0), RecordConverter.H_PAYLOAD_ERROR)).startsWith("invalid JSON");
    }

    @Test
    void restartResumesRightAfterTheStoredOffset() throws Exception {
        kinesis.shard("shardId-0", null);
        for (int i = 0; i < 50; i++) {
            kinesis.put("shardId-0", "k", json(i));
        }
        String stored = kinesis.shards.get("shardId-0").records.get(19).sequenceNumber();
        committed.put(Offsets.partition(STREAM, "shardId-0"), Offsets.offset(stored, 0, false));
        start(props(STREAM + "/shardId-0//"));
        List<SourceRecord> got = pollUntil(30, 10_000);
        Thread.sleep(500);
        List<SourceRecord> more = task.poll();
        assertThat(more).isNull();
        assertThat(got).extracting(KinesisSourceTaskTest::id)
                .containsExactlyElementsOf(ids(20, 50));
    }

    @Test
    void throttlingExpiredIteratorsAndServerErrorsNeitherLoseNorDuplicate() throws Exception {
        kinesis.shard("shardId-0", null);
        // 20 pages: the 18 faults, each followed by a page, all fall within the stream.
        kinesis.pageSize = 5;
        for (int i = 0; i < 100; i++) {
            kinesis.put("shardId-0", "k", json(i));
        }
        kinesis.faults.addAll(FakeKinesis.retriableFaultsBetweenPages(6));
        Map<String, String> p = props(STREAM + "/shardId-0//");
        start(p);
        List<SourceRecord> got = pollUntil(100, 60_000);
        assertThat(kinesis.faults).isEmpty();
        assertThat(got).extracting(KinesisSourceTaskTest::id)
                .containsExactlyElementsOf(ids(0, 100));
    }

    @Test
    void lastRecordOfAClosedShardCarriesTheFinishedMarker() throws Exception {
        kinesis.shard("shardId-0", null).closed = true;
        for (int i = 0; i < 5; i++) {
            kinesis.put("shardId-0", "k", json(i));
        }
        start(props(STREAM + "/shardId-0//"));
        List<SourceRecord> got = pollUntil(5, 10_000);
        assertThat(got).extracting(r -> off(r, "finished")).containsExactly(false, false, false, false, true);
    }

    @Test
    void childShardIsReadOnlyAfterItsParentIsCommitted() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.shard("shardId-1", "shardId-0");
        for (int i = 0; i < 10; i++) {
            kinesis.put("shardId-0", "k", json(i));
        }
        for (int i = 10; i < 20; i++) {
            kinesis.put("shardId-1", "k", json(i));
        }
        kinesis.shards.get("shardId-0").closed = true;
        start(props(STREAM + "/shardId-0//h," + STREAM + "/shardId-1/shardId-0/h"));
        List<SourceRecord> parent = pollUntil(10, 10_000);
        Thread.sleep(1500);
        assertThat(task.poll()).as("child waits while the parent's offsets are not committed").isNull();
        assertThat(task.waitingFor("shardId-1")).containsExactly("shardId-0");
        // Commit all but the last parent record: still not finished.
        parent.subList(0, 9).forEach(this::commit);
        Thread.sleep(1500);
        assertThat(task.poll()).isNull();
        commit(parent.get(9));
        List<SourceRecord> child = pollUntil(10, 15_000);
        assertThat(child).extracting(KinesisSourceTaskTest::id)
                .containsExactlyElementsOf(ids(10, 20));
    }

    @Test
    void parentFinishedWithAnEmptyLastCallIsDetectedFromTheCommittedOffset() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.shard("shardId-1", "shardId-0");
        for (int i = 0; i < 3; i++) {
            kinesis.put("shardId-0", "k", json(i));
        }
        kinesis.put("shardId-1", "k", json(3));
        // The parent's offsets were committed (no finished flag) before it was closed.
        var last = kinesis.shards.get("shardId-0").records.get(2);
        committed.put(Offsets.partition(STREAM, "shardId-0"), Offsets.offset(last.sequenceNumber(), 0, false));
        kinesis.shards.get("shardId-0").closed = true;
        start(props(STREAM + "/shardId-1/shardId-0/h"));
        List<SourceRecord> got = pollUntil(1, 10_000);
        assertThat(got).extracting(KinesisSourceTaskTest::id).containsExactly(3L);
    }

    @Test
    void trimmedOffsetFailsTheTaskWhenAskedTo() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.put("shardId-0", "k", json(0));
        committed.put(Offsets.partition(STREAM, "shardId-0"), Offsets.offset("1", 0, false));
        Map<String, String> p = props(STREAM + "/shardId-0//");
        p.put(KinesisSourceConfig.ON_TRIMMED_OFFSET, "fail");
        start(p);
        Thread.sleep(1000);
        assertThatThrownBy(() -> task.poll()).isInstanceOf(ConnectException.class).hasMessageContaining("retention");
    }

    @Test
    void trimmedOffsetRestartsAtTrimHorizonByDefault() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.put("shardId-0", "k", json(0));
        kinesis.put("shardId-0", "k", json(1));
        committed.put(Offsets.partition(STREAM, "shardId-0"), Offsets.offset("1", 0, false));
        start(props(STREAM + "/shardId-0//"));
        assertThat(pollUntil(2, 10_000)).hasSize(2);
    }

    @Test
    void queueStaysBoundedWhenPollIsNotCalled() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.pageSize = 5;
        for (int i = 0; i < 200; i++) {
            kinesis.put("shardId-0", "k", json(i));
        }
        Map<String, String> p = props(STREAM + "/shardId-0//");
        p.put(KinesisSourceConfig.QUEUE_MAX_RECORDS, "10");
        start(p);
        Thread.sleep(2000);
        long queued = (Long) task.metrics().getAttribute("QueueRecords");
        assertThat(queued).isBetween(10L, 15L);
        assertThat(pollUntil(200, 30_000)).hasSize(200);
    }

    @Test
    void aggregatedRecordsAreSplitAndAResumeSkipsTheDeliveredSubRecords() throws Exception {
        kinesis.shard("shardId-0", null);
        byte[] agg = java.util.Base64.getDecoder().decode(DeaggregatorTest.fixtures().get(0).path("data").asText());
        var aggregate = kinesis.put("shardId-0", "user0", agg);
        kinesis.put("shardId-0", "k", json(50));
        // Sub-records 0..2 were delivered and committed before a restart.
        committed.put(Offsets.partition(STREAM, "shardId-0"), Offsets.offset(aggregate.sequenceNumber(), 2, false));
        start(props(STREAM + "/shardId-0//"));
        List<SourceRecord> got = pollUntil(3, 10_000);
        assertThat(got).extracting(KinesisSourceTaskTest::id).containsExactly(3L, 4L, 50L);
        assertThat(got).extracting(r -> (Object) r.key()).containsExactly("user0", "user1", "k");
        assertThat(header(got.get(0), RecordConverter.H_SUB_SEQUENCE)).isEqualTo("3");
        assertThat(header(got.get(0), RecordConverter.H_SEQUENCE)).isEqualTo(aggregate.sequenceNumber());
        assertThat(off(got.get(1), "sub_sequence")).isEqualTo(4L);
        assertThat(got.get(2).headers().lastWithName(RecordConverter.H_SUB_SEQUENCE)).isNull();
    }

    @Test
    void taskMetricsAreAJmxMBeanWithPerShardLagAndCounts() throws Exception {
        kinesis.shard("shardId-0", null);
        for (int i = 0; i < 10; i++) {
            kinesis.put("shardId-0", "k", json(i));
        }
        Map<String, String> p = props(STREAM + "/shardId-0//");
        p.put(KinesisSourceConfig.TASK_ID, "3");
        start(p);
        assertThat(pollUntil(10, 10_000)).hasSize(10);
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = new javax.management.ObjectName(
                "kafka.connect.mskbridge:type=kinesis-source-task-metrics,connector=unit,task=3");
        assertThat(server.isRegistered(name)).isTrue();
        assertThat(server.getAttribute(name, "RecordsRead")).isEqualTo(10L);
        assertThat(server.getAttribute(name, "RecordsRead." + STREAM + ".shardId-0")).isEqualTo(10L);
        assertThat(server.getAttribute(name, "MillisBehindLatest." + STREAM + ".shardId-0")).isEqualTo(0L);
        assertThat((Long) server.getAttribute(name, "BytesRead." + STREAM + ".shardId-0")).isPositive();
        assertThat(server.getAttribute(name, "MillisBehindLatestMax")).isEqualTo(0L);
        assertThat((Long) server.getAttribute(name, "MillisSinceLastSuccessfulFetch")).isBetween(0L, 5_000L);
        task.stop();
        task = null;
        assertThat(server.isRegistered(name)).isFalse();
    }

    /** A worker's task context whose offset store cannot be read. */
    @Test
    void recordsTheTransformsRouteToAnInvalidTopicAreProcessingErrors() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.put("shardId-0", "k", json(0));
        Map<String, String> p = props(STREAM + "/shardId-0//");
        p.put("transforms", "validate, stamp");
        p.put("transforms.validate.on.invalid", "ROUTE");
        p.put("transforms.stamp.on.invalid", "route");
        p.put("transforms.stamp.invalid.topic", "dead.${topic}");
        start(p);
        SourceRecord r = pollUntil(1, 10_000).get(0);
        task.commitRecord(r, metadata(r.topic()));
        task.commitRecord(r, metadata(r.topic() + ".invalid"));
        task.commitRecord(r, metadata("dead." + r.topic()));
        task.commitRecord(r, metadata("renamed"));
        task.commitRecord(r, null);
        assertThat(task.metrics().getAttribute("ProcessingErrors")).isEqualTo(2L);
    }

    static org.apache.kafka.clients.producer.RecordMetadata metadata(String topic) {
        return new org.apache.kafka.clients.producer.RecordMetadata(
                new org.apache.kafka.common.TopicPartition(topic, 0), 0, 0, 0, 1, 1);
    }

    static SourceTaskContext unreadableOffsets(Map<String, String> props) {
        return new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return props;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                throw new ConnectException("offset store unavailable");
            }
        };
    }

    static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @Test
    void aStartThatThrowsReleasesTheClientAndTheMBean() {
        kinesis.shard("shardId-0", null);
        Map<String, String> p = props(STREAM + "/shardId-0//");
        task = new KinesisSourceTask(c -> kinesis);
        task.initialize(unreadableOffsets(p));
        assertThatThrownBy(() -> task.start(p)).hasMessageContaining("offset store unavailable");
        assertThat(kinesis.closed).as("client closed").isTrue();
        assertThat(JMX.isRegistered(KinesisSourceTaskMetrics.objectName("unit", "0"))).as("MBean left").isFalse();
        // Connect calls stop() after a failed start: nothing left to do, nothing thrown.
        task.stop();
    }

    @Test
    void aStartThatThrowsClosesTheAwsClientFactoryAndCredentialsItBuilt() {
        Map<String, String> p = props(STREAM + "/shardId-0//");
        p.put("aws.endpoint.url", "http://127.0.0.1:9");
        p.put("aws.credentials.provider", "default");
        task = new KinesisSourceTask();
        task.initialize(unreadableOffsets(p));
        assertThatThrownBy(() -> task.start(p)).hasMessageContaining("offset store unavailable");
        AwsClientFactory factory = task.awsClientFactory();
        assertThat(factory).as("the task built its clients before it failed").isNotNull();
        // A closed factory has closed every client it built and the credentials provider it made.
        assertThatThrownBy(() -> factory.kinesis(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(JMX.isRegistered(KinesisSourceTaskMetrics.objectName("unit", "0"))).isFalse();
    }

    @Test
    void stopOfAnEarlierIncarnationLeavesTheMBeanOfItsSuccessor() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.shard("shardId-1", null);
        Map<String, String> one = props(STREAM + "/shardId-0//");
        KinesisSourceTask earlier = new KinesisSourceTask(c -> kinesis);
        earlier.initialize(new MapTaskContext(one, committed));
        earlier.start(one);
        ObjectName name = KinesisSourceTaskMetrics.objectName("unit", "0");
        assertThat(JMX.getAttribute(name, "Shards")).isEqualTo(1L);
        // A restart in the same worker: the successor registers under the same name before the old task stops.
        start(props(STREAM + "/shardId-0//," + STREAM + "/shardId-1//"));
        earlier.stop();
        assertThat(JMX.isRegistered(name)).isTrue();
        assertThat(JMX.getAttribute(name, "Shards")).as("the successor's").isEqualTo(2L);
        task.stop();
        task = null;
        assertThat(JMX.isRegistered(name)).isFalse();
    }

    @Test
    void jsonWithAnAvroSchemaGivesStructsAndMismatchesPassOnAsBytes() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.put("shardId-0", "k", "{\"id\":1,\"event_type\":\"purchase\",\"amount\":19.99,\"x\":0}"
                .getBytes(StandardCharsets.UTF_8));
        kinesis.put("shardId-0", "k", "{\"id\":\"two\",\"event_type\":\"purchase\",\"amount\":1}"
                .getBytes(StandardCharsets.UTF_8));
        kinesis.put("shardId-0", "k", json(3));
        Map<String, String> p = props(STREAM + "/shardId-0//");
        p.put(KinesisSourceConfig.PAYLOAD_SCHEMA, """
                {"type":"record","name":"Event","namespace":"io.example","fields":[
                  {"name":"id","type":"long"},{"name":"event_type","type":"string"},
                  {"name":"amount","type":["null",{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}],
                   "default":null}]}""");
        start(p);
        List<SourceRecord> got = pollUntil(3, 10_000);
        assertThat(got).hasSize(3);

        SourceRecord first = got.get(0);
        org.apache.kafka.connect.data.Schema schema = first.valueSchema();
        assertThat(schema.type()).isEqualTo(org.apache.kafka.connect.data.Schema.Type.STRUCT);
        assertThat(schema.name()).isEqualTo("io.example.Event");
        assertThat(schema.fields()).extracting(org.apache.kafka.connect.data.Field::name)
                .containsExactly("id", "event_type", "amount");
        org.apache.kafka.connect.data.Struct v = (org.apache.kafka.connect.data.Struct) first.value();
        assertThat(v.schema()).isSameAs(schema);
        assertThat(v.getInt64("id")).isEqualTo(1L);
        assertThat(v.get("amount")).isEqualTo(new java.math.BigDecimal("19.99"));
        assertThat(first.headers().lastWithName(RecordConverter.H_PAYLOAD_ERROR)).isNull();

        SourceRecord bad = got.get(1);
        assertThat(bad.valueSchema()).isEqualTo(org.apache.kafka.connect.data.Schema.BYTES_SCHEMA);
        assertThat(new String((byte[]) bad.value(), StandardCharsets.UTF_8)).contains("\"two\"");
        assertThat(header(bad, RecordConverter.H_PAYLOAD_ERROR))
                .isEqualTo("does not match kinesis.payload.schema at $.id: expected an integer (long), got string \"two\"");

        assertThat(((org.apache.kafka.connect.data.Struct) got.get(2).value()).get("amount")).isNull();
        assertThat(got.get(2).valueSchema()).isSameAs(schema);
    }

    /** Task props as a connector with kinesis.position=LATEST resolved at {@code latestMs} would give them. */
    static Map<String, String> latestProps(long latestMs, String shardId) {
        ShardSpec spec = new ShardSpec(STREAM, shardId, ShardSpec.Start.atTimestamp(java.time.Instant.ofEpochMilli(latestMs)),
                null, List.of());
        Map<String, String> p = props(spec.encode());
        p.put(KinesisSourceConfig.POSITION, "LATEST");
        p.put(KinesisSourceConfig.TASK_LATEST_MS, String.valueOf(latestMs));
        return p;
    }

    /** Shard 0 with record 0 in it, and a LATEST moment after that record. */
    long latestAfterARecord() throws InterruptedException {
        kinesis.shard("shardId-0", null);
        kinesis.put("shardId-0", "k", json(0));
        long latest = System.currentTimeMillis() + 1;
        Thread.sleep(5);
        return latest;
    }

    @Test
    void underLatestATaskRestartedBeforeTheShardsFirstRecordSkipsNothing() throws Exception {
        long latest = latestAfterARecord();
        Map<String, String> p = latestProps(latest, "shardId-0");
        start(p);
        Thread.sleep(700);
        assertThat(task.poll()).as("nothing written since LATEST").isNull();
        task.stop();

        // Written while no task runs (a restart, a rebalance), before the shard's first record was delivered.
        kinesis.put("shardId-0", "k", json(1));
        kinesis.put("shardId-0", "k", json(2));
        start(p);
        List<SourceRecord> got = pollUntil(2, 10_000);
        assertThat(got).extracting(KinesisSourceTaskTest::id).containsExactly(1L, 2L);
        assertThat(got).allSatisfy(r -> assertThat(off(r, Offsets.LATEST_MS)).as("stamped for a restarted connector")
                .isEqualTo(latest));
    }

    @Test
    void underLatestAFailedCallBeforeTheShardsFirstRecordSkipsNothing() throws Exception {
        long latest = latestAfterARecord();
        // The first GetRecords fails, and records arrive before the reader tries again.
        kinesis.faults.add(() -> {
            kinesis.put("shardId-0", "k", json(1));
            kinesis.put("shardId-0", "k", json(2));
            return FakeKinesis.throttle();
        });
        start(latestProps(latest, "shardId-0"));
        assertThat(pollUntil(2, 10_000)).extracting(KinesisSourceTaskTest::id).containsExactly(1L, 2L);
    }

    @Test
    void kplUserRecordsOutsideTheShardsHashKeyRangeAreSkippedWhileTheOffsetMovesOn() throws Exception {
        kinesis.shard("shardId-1", null);
        JsonNode stale = DeaggregatorTest.reshardAggregate("stale", "low");
        JsonNode after = DeaggregatorTest.reshardAggregate("after", "low");
        var staleRecord = kinesis.put("shardId-1", "k20", DeaggregatorTest.bytes(stale));
        kinesis.put("shardId-1", "k40", DeaggregatorTest.bytes(after));
        ShardSpec low = new ShardSpec(STREAM, "shardId-1", ShardSpec.Start.TRIM_HORIZON, DeaggregatorTest.LOW, List.of());
        Map<String, String> p = props(low.encode());
        p.put(KinesisSourceConfig.PAYLOAD_FORMAT, "string");
        start(p);

        List<Long> owned = new ArrayList<>();
        List<Long> ownedSubs = new ArrayList<>();
        for (JsonNode agg : List.of(stale, after)) {
            for (int i = 0; i < agg.path("users").size(); i++) {
                JsonNode u = agg.path("users").get(i);
                if (new java.math.BigInteger(u.path("hashKey").asText()).compareTo(DeaggregatorTest.HALF) < 0) {
                    owned.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(u.path("data").asText())
                            .path("id").asLong());
                    ownedSubs.add((long) i);
                }
            }
        }
        assertThat(owned).hasSizeLessThan(stale.path("users").size() + after.path("users").size());
        List<SourceRecord> got = pollUntil(owned.size(), 10_000);
        Thread.sleep(500);
        assertThat(task.poll()).isNull();
        assertThat(got).extracting(r -> new com.fasterxml.jackson.databind.ObjectMapper().readTree((String) r.value())
                .path("id").asLong()).containsExactlyElementsOf(owned);
        assertThat(got).extracting(r -> off(r, "sub_sequence")).containsExactlyElementsOf(ownedSubs);
        assertThat(off(got.get(0), "sequence")).isEqualTo(staleRecord.sequenceNumber());
    }

    @Test
    void aParentWhoseLastAggregateBelongsToAnotherShardStillFinishes() throws Exception {
        JsonNode stale = DeaggregatorTest.reshardAggregate("stale", "low");
        JsonNode foreign = DeaggregatorTest.reshardAggregate("resent", "high");
        kinesis.shard("shardId-1", null).range(DeaggregatorTest.LOW.first(), DeaggregatorTest.LOW.last());
        kinesis.shard("shardId-3", "shardId-1");
        var staleRecord = kinesis.put("shardId-1", "k20", DeaggregatorTest.bytes(stale));
        // The parent ends with an aggregate all of whose user records belong to the high child.
        kinesis.put("shardId-1", "k21", DeaggregatorTest.bytes(foreign));
        kinesis.shards.get("shardId-1").closed = true;
        kinesis.put("shardId-3", "k", json(99));
        int lastOwned = 0;
        for (int i = 0; i < stale.path("users").size(); i++) {
            if (new java.math.BigInteger(stale.path("users").get(i).path("hashKey").asText())
                    .compareTo(DeaggregatorTest.HALF) < 0) {
                lastOwned = i;
            }
        }
        // Everything the parent owns was delivered and committed.
        committed.put(Offsets.partition(STREAM, "shardId-1"), Offsets.offset(staleRecord.sequenceNumber(), lastOwned, false));
        ShardSpec parent = new ShardSpec(STREAM, "shardId-1", ShardSpec.Start.TRIM_HORIZON, DeaggregatorTest.LOW, List.of());
        ShardSpec child = new ShardSpec(STREAM, "shardId-3", ShardSpec.Start.TRIM_HORIZON, null, List.of(parent));
        start(props(child.encode()));
        assertThat(pollUntil(1, 10_000)).extracting(KinesisSourceTaskTest::id).containsExactly(99L);
    }
}
