package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.KmsAccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.KmsDisabledException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

class KinesisSourceConnectorTest {

    static final String STREAM = "orders-dev";
    final FakeKinesis kinesis = new FakeKinesis(STREAM);
    final Map<Map<String, Object>, Map<String, Object>> committed = new ConcurrentHashMap<>();
    final AtomicInteger reconfigurations = new AtomicInteger();
    KinesisSourceConnector connector;

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
    }

    Map<String, String> props() {
        Map<String, String> p = new HashMap<>();
        p.put("name", "unit");
        p.put(KinesisSourceConfig.STREAM_NAMES, STREAM);
        p.put(KinesisSourceConfig.DISCOVERY_INTERVAL_MS, "1000");
        p.put("aws.region", "us-east-1");
        return p;
    }

    void start() {
        start(props());
    }

    void start(Map<String, String> props) {
        start(props, KinesisSourceConnector.NEW_SHARD_CHECK_MS);
    }

    void start(Map<String, String> props, long newShardCheckMs) {
        connector = new KinesisSourceConnector(c -> kinesis);
        connector.newShardCheckMs = newShardCheckMs;
        connector.initialize(context(committed, reconfigurations));
        connector.start(props);
    }

    /** A connector context over committed offsets that counts reconfiguration requests. */
    static SourceConnectorContext context(Map<Map<String, Object>, Map<String, Object>> committed,
                                          AtomicInteger reconfigurations) {
        return new SourceConnectorContext() {
            @Override
            public void requestTaskReconfiguration() {
                reconfigurations.incrementAndGet();
            }

            @Override
            public void raiseError(Exception e) {
                throw new AssertionError(e);
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return MapTaskContext.reader(committed);
            }
        };
    }

    void commit(String shardId, Record last, Long latestMs) {
        committed.put(Offsets.partition(STREAM, shardId), Offsets.offset(last.sequenceNumber(), 0, false, latestMs));
    }

    void awaitDiscoveries(int n) throws InterruptedException {
        // Discovery runs every second (props()); give it n rounds.
        Thread.sleep(n * 1000L + 500);
    }

    static Map<String, ShardSpec> byId(List<ShardSpec> specs) {
        Map<String, ShardSpec> m = new HashMap<>();
        specs.forEach(s -> m.put(s.shardId(), s));
        return m;
    }

    static List<String> shardsOf(List<Map<String, String>> configs) {
        List<String> all = new ArrayList<>();
        for (Map<String, String> c : configs) {
            ShardSpec.decodeAll(c.get(KinesisSourceConfig.TASK_SHARDS)).forEach(s -> all.add(s.shardId()));
        }
        return all;
    }

    @Test
    void shardsAreSpreadOverAtMostOneTaskPerShard() {
        for (int i = 0; i < 5; i++) {
            kinesis.shard("shardId-" + i, null);
        }
        start();
        List<Map<String, String>> two = connector.taskConfigs(2);
        assertThat(two).hasSize(2);
        assertThat(shardsOf(two)).containsExactlyInAnyOrder("shardId-0", "shardId-1", "shardId-2", "shardId-3", "shardId-4");
        List<Map<String, String>> ten = connector.taskConfigs(10);
        assertThat(ten).hasSize(5);
        assertThat(ten).extracting(c -> c.get(KinesisSourceConfig.TASK_ID)).containsExactly("0", "1", "2", "3", "4");
        assertThat(connector.exactlyOnceSupport(props())).isEqualTo(ExactlyOnceSupport.SUPPORTED);
    }

    @Test
    void aFinishedParentLeavesTheTaskConfigsAloneUntilNewShardsAppear() throws Exception {
        kinesis.shard("shardId-0", null);
        Record parentLast = kinesis.put("shardId-0", "k", new byte[] {1});
        kinesis.shards.get("shardId-0").closed = true;
        kinesis.shard("shardId-1", "shardId-0");
        kinesis.put("shardId-1", "k", new byte[] {2});
        start();
        List<ShardSpec> a = connector.assignment();
        assertThat(a).extracting(ShardSpec::shardId).containsExactly("shardId-0", "shardId-1");
        assertThat(a.get(1).parentIds()).containsExactly("shardId-0");
        assertThat(a.get(1).start()).isEqualTo(ShardSpec.Start.TRIM_HORIZON);
        List<Map<String, String>> before = connector.taskConfigs(2);

        // The parent's last record is committed. The child's task sees that itself; new task configs would only
        // make Connect stop and restart every task of the connector.
        commit("shardId-0", parentLast, null);
        awaitDiscoveries(2);
        assertThat(reconfigurations.get()).as("requestTaskReconfiguration() calls").isZero();
        assertThat(connector.taskConfigs(2)).isEqualTo(before);

        // A split of the child must be assigned: now the finished parent drops out as well.
        kinesis.shards.get("shardId-1").closed = true;
        kinesis.shard("shardId-2", "shardId-1");
        kinesis.shard("shardId-3", "shardId-1");
        long deadline = System.currentTimeMillis() + 10_000;
        while (reconfigurations.get() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(reconfigurations.get()).isEqualTo(1);
        assertThat(connector.assignment()).extracting(ShardSpec::shardId)
                .containsExactly("shardId-1", "shardId-2", "shardId-3");
        assertThat(connector.assignment().get(1).parentIds()).containsExactly("shardId-1");
    }

    @Test
    void aTaskThatReadsAShardToItsEndHasTheChildrenAssignedWithoutWaitingForTheDiscoveryInterval()
            throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.put("shardId-0", "k", new byte[] {1});
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.DISCOVERY_INTERVAL_MS, "600000");
        start(p);
        Map<String, String> taskConfig = connector.taskConfigs(1).get(0);
        // A split: the parent closes, the children appear; the connector lists shards only every ten minutes.
        kinesis.shards.get("shardId-0").closed = true;
        kinesis.shard("shardId-1", "shardId-0");
        kinesis.shard("shardId-2", "shardId-0");

        KinesisSourceTask task = new KinesisSourceTask(c -> kinesis);
        task.initialize(new MapTaskContext(taskConfig, new ConcurrentHashMap<>()));
        task.start(taskConfig);
        try {
            long deadline = System.currentTimeMillis() + 10_000;
            while (reconfigurations.get() == 0 && System.currentTimeMillis() < deadline) {
                task.poll();
            }
        } finally {
            task.stop();
        }
        assertThat(reconfigurations.get()).as("reconfigured once the task met the shard's end").isEqualTo(1);
        assertThat(connector.assignment()).extracting(ShardSpec::shardId)
                .containsExactly("shardId-0", "shardId-1", "shardId-2");
    }

    @Test
    void underLatestAClosedShardWithNothingAfterTheStartIsSkippedAndItsChildrenStartThere() {
        kinesis.shard("shardId-0", null);
        kinesis.put("shardId-0", "k", new byte[] {1});
        kinesis.shards.get("shardId-0").closed = true;
        kinesis.shard("shardId-1", "shardId-0");
        kinesis.shard("shardId-2", "shardId-0");
        kinesis.put("shardId-1", "k", new byte[] {2});
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.POSITION, "LATEST");
        long before = System.currentTimeMillis();
        start(p);
        long after = System.currentTimeMillis();

        List<ShardSpec> a = connector.assignment();
        assertThat(a).extracting(ShardSpec::shardId).containsExactly("shardId-1", "shardId-2");
        assertThat(a).allSatisfy(s -> {
            assertThat(s.parents()).as("the parent closed before the start: nothing to wait for").isEmpty();
            assertThat(s.start().type()).isEqualTo(ShardIteratorType.AT_TIMESTAMP);
            assertThat(s.start().timestamp().toEpochMilli()).isBetween(before, after);
        });
        List<Map<String, String>> configs = connector.taskConfigs(2);
        assertThat(configs).allSatisfy(c -> assertThat(c.get(KinesisSourceConfig.TASK_LATEST_MS))
                .isEqualTo(String.valueOf(a.get(0).start().timestamp().toEpochMilli())));
    }

    @Test
    void underLatestAShardThatClosedAfterTheStartIsReadAndItsChildrenWaitAndStartAtTrimHorizon() throws Exception {
        kinesis.shard("shardId-0", null);
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.POSITION, "LATEST");
        start(p);
        Thread.sleep(5);
        kinesis.put("shardId-0", "k", new byte[] {1});
        kinesis.shards.get("shardId-0").closed = true;
        kinesis.shard("shardId-1", "shardId-0");
        long deadline = System.currentTimeMillis() + 10_000;
        while (reconfigurations.get() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        Map<String, ShardSpec> a = byId(connector.assignment());
        assertThat(a).containsOnlyKeys("shardId-0", "shardId-1");
        assertThat(a.get("shardId-0").start().type()).isEqualTo(ShardIteratorType.AT_TIMESTAMP);
        assertThat(a.get("shardId-1").parents()).singleElement()
                .isEqualTo(new ShardSpec(STREAM, "shardId-0", a.get("shardId-0").start(), a.get("shardId-0").range(),
                        List.of()));
        assertThat(a.get("shardId-1").start()).as("born after the start point").isEqualTo(ShardSpec.Start.TRIM_HORIZON);
    }

    @Test
    void latestIsResolvedOnceAndARestartedConnectorTakesItBackFromTheOffsets() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.shard("shardId-1", null);
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.POSITION, "LATEST");
        start(p);
        String resolved = connector.taskConfigs(2).get(0).get(KinesisSourceConfig.TASK_LATEST_MS);
        assertThat(resolved).isNotNull();
        connector.stop();

        // Shard 0 delivered a record (its offset carries the moment); shard 1 has no offset yet.
        Thread.sleep(20);
        commit("shardId-0", kinesis.put("shardId-0", "k", new byte[] {1}), Long.valueOf(resolved));
        start(p);
        List<Map<String, String>> configs = connector.taskConfigs(2);
        assertThat(configs).allSatisfy(c -> assertThat(c.get(KinesisSourceConfig.TASK_LATEST_MS)).isEqualTo(resolved));
        assertThat(byId(connector.assignment()).get("shardId-1").start().timestamp().toEpochMilli())
                .isEqualTo(Long.parseLong(resolved));
        connector.stop();

        // A brand-new connector (no offsets) starts at its own "now".
        committed.clear();
        start(p);
        assertThat(Long.parseLong(connector.taskConfigs(2).get(0).get(KinesisSourceConfig.TASK_LATEST_MS)))
                .isGreaterThan(Long.parseLong(resolved));
    }

    @Test
    void atTimestampWithoutItsTimestampFailsNamingTheKey() {
        kinesis.shard("shardId-0", null);
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.POSITION, "AT_TIMESTAMP");
        assertThatThrownBy(() -> start(p)).hasMessageContaining(KinesisSourceConfig.POSITION_TIMESTAMP);
    }

    @Test
    void underAtTimestampShardsClosedBeforeItAreSkippedAndChildrenInheritIt() {
        long t0 = 1_750_000_000_000L;
        AtomicLong clock = new AtomicLong(t0);
        kinesis.clock = clock::get;
        kinesis.shard("shardId-0", null);
        kinesis.put("shardId-0", "k", new byte[] {1});
        clock.set(t0 + 1000);
        kinesis.put("shardId-0", "k", new byte[] {2});
        kinesis.shards.get("shardId-0").closed = true;
        kinesis.shard("shardId-1", "shardId-0");
        clock.set(t0 + 2000);
        kinesis.put("shardId-1", "k", new byte[] {3});

        // The timestamp falls between the parent's records: the parent is read from it, the child after it.
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.POSITION, "AT_TIMESTAMP");
        p.put(KinesisSourceConfig.POSITION_TIMESTAMP, java.time.Instant.ofEpochMilli(t0 + 500).toString());
        start(p);
        Map<String, ShardSpec> a = byId(connector.assignment());
        assertThat(a).containsOnlyKeys("shardId-0", "shardId-1");
        assertThat(a.get("shardId-0").start()).isEqualTo(ShardSpec.Start.atTimestamp(java.time.Instant.ofEpochMilli(t0 + 500)));
        assertThat(a.get("shardId-1").parentIds()).containsExactly("shardId-0");
        connector.stop();

        // The timestamp is after the parent's last record: the parent is skipped, the child starts at the timestamp.
        p.put(KinesisSourceConfig.POSITION_TIMESTAMP, java.time.Instant.ofEpochMilli(t0 + 1500).toString());
        start(p);
        a = byId(connector.assignment());
        assertThat(a).containsOnlyKeys("shardId-1");
        assertThat(a.get("shardId-1").parents()).isEmpty();
        assertThat(a.get("shardId-1").start()).isEqualTo(ShardSpec.Start.atTimestamp(java.time.Instant.ofEpochMilli(t0 + 1500)));
    }

    @Test
    void childrenOfASplitAreAssignedWithinSecondsWhereverTheTaskThatMetTheEndRuns() throws Exception {
        kinesis.shard("shardId-000000000000", null);
        kinesis.put("shardId-000000000000", "k", new byte[] {1});
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.DISCOVERY_INTERVAL_MS, "600000");
        start(p, 200);
        int calls = kinesis.listShardsCalls.get();
        Thread.sleep(700);
        assertThat(reconfigurations.get()).as("nothing new, no reconfiguration").isZero();
        assertThat(kinesis.listShardsCalls.get() - calls).as("one cheap call per check").isBetween(2, 5);

        // A split; no task of this JVM reads the parent (it may run on another worker), no discovery for 10 min.
        kinesis.shards.get("shardId-000000000000").closed = true;
        kinesis.shard("shardId-000000000001", "shardId-000000000000");
        kinesis.shard("shardId-000000000002", "shardId-000000000000");
        long deadline = System.currentTimeMillis() + 5_000;
        while (reconfigurations.get() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(reconfigurations.get()).isEqualTo(1);
        assertThat(connector.assignment()).extracting(ShardSpec::shardId)
                .containsExactly("shardId-000000000000", "shardId-000000000001", "shardId-000000000002");
        assertThat(connector.assignment().get(1).parentIds()).as("the children still wait for their parent")
                .containsExactly("shardId-000000000000");
    }

    @Test
    void newShardsTriggerReconfiguration() throws Exception {
        kinesis.shard("shardId-0", null);
        start();
        kinesis.shard("shardId-1", null);
        long deadline = System.currentTimeMillis() + 10_000;
        while (reconfigurations.get() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(connector.assignment()).extracting(ShardSpec::shardId).containsExactly("shardId-0", "shardId-1");
        assertThat(connector.assignment().get(1).start()).as("born while running").isEqualTo(ShardSpec.Start.TRIM_HORIZON);
    }

    @Test
    void shardsAreListedAcrossEveryPageOfListShards() {
        for (int i = 0; i < 5; i++) {
            kinesis.shard("shardId-" + i, null);
        }
        kinesis.listShardsPageSize = 2;
        start();
        assertThat(connector.assignment()).extracting(ShardSpec::shardId)
                .containsExactly("shardId-0", "shardId-1", "shardId-2", "shardId-3", "shardId-4");
        assertThat(kinesis.listShardsCalls.get()).as("three pages, the later ones by NextToken alone").isEqualTo(3);
    }

    /** Runs for {@code millis} whatever interrupts it, as an SDK call blocked on a socket read does. */
    static void busyFor(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                // not answered, on purpose
            }
        }
    }

    @Test
    void stopWaitsForTheDiscoveryUnderWayBeforeItReturns() throws Exception {
        kinesis.shard("shardId-0", null);
        start();
        CountDownLatch inCall = new CountDownLatch(1);
        AtomicBoolean callEnded = new AtomicBoolean();
        kinesis.beforeListShards = () -> {
            inCall.countDown();
            busyFor(700);
            callEnded.set(true);
        };
        assertThat(inCall.await(10, TimeUnit.SECONDS)).as("a discovery started").isTrue();
        connector.stop();
        connector = null;
        // Only then may the connector close the client the discovery thread uses.
        assertThat(callEnded).as("the ListShards call under way ended before stop() returned").isTrue();
    }

    @Test
    void stopWaitsForTheDiscoveryOnlySoLong() throws Exception {
        kinesis.shard("shardId-0", null);
        start();
        CountDownLatch inCall = new CountDownLatch(1);
        kinesis.beforeListShards = () -> {
            inCall.countDown();
            busyFor(KinesisSourceConnector.DISCOVERY_STOP_WAIT_MS + 5_000);
        };
        assertThat(inCall.await(10, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        connector.stop();
        connector = null;
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
                .isBetween(KinesisSourceConnector.DISCOVERY_STOP_WAIT_MS - 100, KinesisSourceConnector.DISCOVERY_STOP_WAIT_MS + 2_000);
    }

    static Map<String, List<String>> errors(Config c) {
        Map<String, List<String>> m = new HashMap<>();
        for (ConfigValue v : c.configValues()) {
            if (!v.errorMessages().isEmpty()) {
                m.put(v.name(), v.errorMessages());
            }
        }
        return m;
    }

    @Test
    void validateReportsAMissingStreamOnTheStreamNames() {
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.STREAM_NAMES, STREAM + ",missing-stream");
        Map<String, List<String>> e = errors(new KinesisSourceConnector(c -> kinesis).validate(p));
        assertThat(e).containsOnlyKeys(KinesisSourceConfig.STREAM_NAMES);
        assertThat(e.get(KinesisSourceConfig.STREAM_NAMES).get(0)).contains("missing-stream");
    }

    @Test
    void validateReportsRejectedCredentialsOnTheKeyField() {
        kinesis.describeFailure = KinesisException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("UnrecognizedClientException")
                        .errorMessage("The security token included in the request is invalid.").build()).build();
        Map<String, String> p = props();
        p.put("aws.credentials.provider", "static");
        p.put("aws.access.key.id", "AKIAEXAMPLE");
        p.put("aws.secret.access.key", "wrong");
        Map<String, List<String>> e = errors(new KinesisSourceConnector(c -> kinesis).validate(p));
        assertThat(e).containsOnlyKeys("aws.access.key.id");
        assertThat(e.get("aws.access.key.id").get(0)).contains("UnrecognizedClientException");
    }

    @Test
    void validateChecksThePositionTimestampAgainstThePosition() {
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.POSITION, "AT_TIMESTAMP");
        assertThat(errors(new KinesisSourceConnector(c -> kinesis).validate(p)))
                .containsOnlyKeys(KinesisSourceConfig.POSITION_TIMESTAMP);
        p.put(KinesisSourceConfig.POSITION_TIMESTAMP, "2026-11-22T04:00:00Z");
        assertThat(errors(new KinesisSourceConnector(c -> kinesis).validate(p))).isEmpty();
        p.put(KinesisSourceConfig.POSITION_TIMESTAMP, "yesterday");
        assertThat(errors(new KinesisSourceConnector(c -> kinesis).validate(p)))
                .containsKey(KinesisSourceConfig.POSITION_TIMESTAMP);
        p.put(KinesisSourceConfig.POSITION, "LATEST");
        p.put(KinesisSourceConfig.POSITION_TIMESTAMP, "2026-11-22T04:00:00Z");
        assertThat(errors(new KinesisSourceConnector(c -> kinesis).validate(p)))
                .containsOnlyKeys(KinesisSourceConfig.POSITION_TIMESTAMP);
    }

    static final String SCHEMA = "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";

    @Test
    void validateReportsABadPayloadSchemaOnItsField() {
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.PAYLOAD_FORMAT, "json");
        p.put(KinesisSourceConfig.PAYLOAD_SCHEMA, SCHEMA);
        assertThat(errors(new KinesisSourceConnector(c -> kinesis).validate(p))).isEmpty();

        p.put(KinesisSourceConfig.PAYLOAD_SCHEMA, "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\"");
        Map<String, List<String>> e = errors(new KinesisSourceConnector(c -> kinesis).validate(p));
        assertThat(e).containsOnlyKeys(KinesisSourceConfig.PAYLOAD_SCHEMA);
        assertThat(e.get(KinesisSourceConfig.PAYLOAD_SCHEMA).get(0)).contains("Not a valid Avro schema");

        p.put(KinesisSourceConfig.PAYLOAD_SCHEMA, "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"lng\"}]}");
        e = errors(new KinesisSourceConnector(c -> kinesis).validate(p));
        assertThat(e).containsOnlyKeys(KinesisSourceConfig.PAYLOAD_SCHEMA);
        assertThat(e.get(KinesisSourceConfig.PAYLOAD_SCHEMA).get(0)).contains("Not a valid Avro schema", "lng");
    }

    @Test
    void payloadSchemaMustBeARecordAndNeedsJson() {
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.PAYLOAD_FORMAT, "json");
        p.put(KinesisSourceConfig.PAYLOAD_SCHEMA, "{\"type\":\"array\",\"items\":\"long\"}");
        Map<String, List<String>> e = errors(new KinesisSourceConnector(c -> kinesis).validate(p));
        assertThat(e).containsOnlyKeys(KinesisSourceConfig.PAYLOAD_SCHEMA);
        assertThat(e.get(KinesisSourceConfig.PAYLOAD_SCHEMA).get(0)).contains("Must be an Avro record schema", "array");
        assertThatThrownBy(() -> new KinesisSourceConfig(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(KinesisSourceConfig.PAYLOAD_SCHEMA);
        p.put(KinesisSourceConfig.PAYLOAD_SCHEMA, "\"string\"");
        assertThat(errors(new KinesisSourceConnector(c -> kinesis).validate(p)))
                .containsOnlyKeys(KinesisSourceConfig.PAYLOAD_SCHEMA);

        p.put(KinesisSourceConfig.PAYLOAD_SCHEMA, SCHEMA);
        p.put(KinesisSourceConfig.PAYLOAD_FORMAT, "string");
        e = errors(new KinesisSourceConnector(c -> kinesis).validate(p));
        assertThat(e).containsOnlyKeys(KinesisSourceConfig.PAYLOAD_SCHEMA);
        assertThat(e.get(KinesisSourceConfig.PAYLOAD_SCHEMA).get(0)).contains("only used with kinesis.payload.format=json");
        assertThatThrownBy(() -> new KinesisSourceConfig(p)).isInstanceOf(ConfigException.class);

        p.remove(KinesisSourceConfig.PAYLOAD_SCHEMA);
        assertThat(new KinesisSourceConfig(p).payloadSchema()).isNull();
    }

    static final String KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    static RuntimeException kmsError(String code, String message) {
        AwsErrorDetails d = AwsErrorDetails.builder().errorCode(code).errorMessage(message).build();
        return switch (code) {
            case "KMSAccessDeniedException" -> KmsAccessDeniedException.builder().statusCode(400).awsErrorDetails(d).build();
            case "KMSDisabledException" -> KmsDisabledException.builder().statusCode(400).awsErrorDetails(d).build();
            default -> throw new IllegalArgumentException(code);
        };
    }

    @Test
    void validateReportsAKmsKeyTheIdentityCannotUseOnTheStreamNames() {
        kinesis.shard("shardId-0", null);
        kinesis.kmsKeyId = KEY;
        kinesis.faults.add(() -> kmsError("KMSAccessDeniedException",
                "The ciphertext refers to a customer master key that does not exist, does not exist in this region, "
                        + "or you are not allowed to access."));
        Map<String, List<String>> e = errors(new KinesisSourceConnector(c -> kinesis).validate(props()));
        assertThat(e).containsOnlyKeys(KinesisSourceConfig.STREAM_NAMES);
        assertThat(e.get(KinesisSourceConfig.STREAM_NAMES)).singleElement().asString()
                .contains(STREAM, KEY, "kms:Decrypt", "KMSAccessDeniedException", "kms:ViaService",
                        "kinesis.us-east-1.amazonaws.com");

        kinesis.faults.add(() -> kmsError("KMSDisabledException", "key is disabled"));
        e = errors(new KinesisSourceConnector(c -> kinesis).validate(props()));
        assertThat(e.get(KinesisSourceConfig.STREAM_NAMES)).singleElement().asString()
                .contains(KEY, "disabled", "kms:Decrypt");
    }

    @Test
    void validatePassesAnEncryptedStreamThatCanBeReadAndDoesNotReadAnUnencryptedOne() {
        kinesis.shard("shardId-0", null);
        assertThat(errors(new KinesisSourceConnector(c -> kinesis).validate(props()))).isEmpty();
        assertThat(kinesis.getRecordsCalls.get()).as("no read for an unencrypted stream").isZero();

        kinesis.kmsKeyId = KEY;
        assertThat(errors(new KinesisSourceConnector(c -> kinesis).validate(props()))).isEmpty();
        assertThat(kinesis.getRecordsCalls.get()).isEqualTo(1);

        // Throttled by other consumers: says nothing about the key, so no error.
        kinesis.faults.add(FakeKinesis::throttle);
        assertThat(errors(new KinesisSourceConnector(c -> kinesis).validate(props()))).isEmpty();
    }
}
