package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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

class KinesisSourceConnectorTest {

    static final String STREAM = "orders-dev";
    final FakeKinesis kinesis = new FakeKinesis(STREAM);
    final Map<Map<String, Object>, Map<String, Object>> committed = new HashMap<>();
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
        connector = new KinesisSourceConnector(c -> kinesis);
        connector.initialize(new SourceConnectorContext() {
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
                return new OffsetStorageReader() {
                    @Override
                    public <T> Map<String, Object> offset(Map<String, T> partition) {
                        synchronized (committed) {
                            return committed.get(new HashMap<String, Object>(partition));
                        }
                    }

                    @Override
                    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                        throw new UnsupportedOperationException();
                    }
                };
            }
        });
        connector.start(props());
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
    void childrenListTheirUnfinishedParentsAndFinishedParentsDropOut() throws Exception {
        kinesis.shard("shardId-0", null);
        kinesis.put("shardId-0", "k", new byte[] {1});
        kinesis.shards.get("shardId-0").closed = true;
        kinesis.shard("shardId-1", "shardId-0");
        start();
        List<ShardSpec> a = connector.assignment();
        assertThat(a).extracting(ShardSpec::shardId).containsExactly("shardId-0", "shardId-1");
        assertThat(a.get(1).parents()).containsExactly("shardId-0");
        assertThat(a.get(1).fromTrimHorizon()).isTrue();

        // The parent's last record is committed: the next discovery drops it and asks for new task configs.
        synchronized (committed) {
            committed.put(Offsets.partition(STREAM, "shardId-0"),
                    Offsets.offset(kinesis.shards.get("shardId-0").records.get(0).sequenceNumber(), 0, false));
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (reconfigurations.get() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(reconfigurations.get()).isEqualTo(1);
        assertThat(connector.assignment()).singleElement().satisfies(s -> {
            assertThat(s.shardId()).isEqualTo("shardId-1");
            assertThat(s.parents()).isEmpty();
        });
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
        assertThat(connector.assignment().get(1).fromTrimHorizon()).as("born while running").isTrue();
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
}
