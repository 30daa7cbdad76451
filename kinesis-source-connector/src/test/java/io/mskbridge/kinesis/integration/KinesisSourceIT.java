package io.mskbridge.kinesis.integration;

import static io.mskbridge.kinesis.integration.KinesisFixtures.assertExactlyOnceInKeyOrder;
import static io.mskbridge.kinesis.integration.KinesisFixtures.connector;
import static io.mskbridge.kinesis.integration.KinesisFixtures.put;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.ConnectRest;
import io.mskbridge.harness.FaultProxy;
import io.mskbridge.harness.KinesisEmulator;
import io.mskbridge.harness.SharedServers;
import io.mskbridge.harness.Waits;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The connector in real Connect 3.7.2 worker JVMs (exactly-once source enabled, plugin loaded from
 * plugin.path) against the Kinesis emulator: exactly-once across a worker SIGKILL and a new worker JVM,
 * split + merge mid-stream, 30% faults (throttling, 5xx, resets) plus ExpiredIteratorException on 5% of
 * GetRecords through the fault proxy, and validate().
 */
class KinesisSourceIT {

    @RegisterExtension
    static final SharedServers SERVERS = KinesisItServers.withWorkers(1);
    static final KinesisEmulator KINESIS = KinesisItServers.KINESIS;
    static final ConnectCluster CONNECT = KinesisItServers.CONNECT;

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int n, Duration timeout) {
        return CONNECT.kafka().readAll(List.of(topic), n, timeout, "read_committed");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void ensureWorker() {
        if (CONNECT.workers().isEmpty()) {
            CONNECT.addWorker();
        }
    }

    @Test
    void exactlyOnceAcrossAWorkerKillAndANewWorkerJvm() {
        ensureWorker();
        String stream = "eos-restart";
        KINESIS.createStream(stream, 2);
        KinesisClient k = KINESIS.client();
        CONNECT.kafka().createTopic(stream, 1);
        put(k, stream, 0, 300);
        Map<String, String> c = connector(stream, KINESIS.endpoint(), 2);
        c.put("exactly.once.support", "required");
        CONNECT.rest().putConnector("eos-restart", c);
        CONNECT.rest().awaitRunning("eos-restart", 2, Duration.ofSeconds(90));
        assertThat(readAll(stream, 100, Duration.ofSeconds(60)).size()).isGreaterThanOrEqualTo(100);

        // Mid-stream: more records arrive while the only worker is SIGKILLed, then a new JVM takes over.
        put(k, stream, 300, 400);
        CONNECT.killWorker(CONNECT.workers().get(0));
        put(k, stream, 400, 500);
        CONNECT.addWorker();
        CONNECT.rest().awaitRunning("eos-restart", 2, Duration.ofSeconds(120));
        put(k, stream, 500, 600);

        List<ConsumerRecord<byte[], byte[]>> got = readAll(stream, 600, Duration.ofSeconds(120));
        // Give duplicates, if any, a chance to show up.
        sleep(3000);
        got = CONNECT.kafka().readToEnd(List.of(stream), "read_committed");
        assertExactlyOnceInKeyOrder(got, 600);
        assertThat(CONNECT.rest().offsets("eos-restart").toString()).contains("sub_sequence").contains("sequence");
        CONNECT.rest().deleteConnector("eos-restart");
    }

    @Test
    void splitAndMergeMidStreamLoseNothingAndKeepKeyOrder() {
        ensureWorker();
        String stream = "reshard";
        KINESIS.createStream(stream, 1);
        KinesisClient k = KINESIS.client();
        CONNECT.kafka().createTopic(stream, 1);
        put(k, stream, 0, 100);
        Map<String, String> c = connector(stream, KINESIS.endpoint(), 3);
        c.put("exactly.once.support", "required");
        CONNECT.rest().putConnector("reshard", c);
        CONNECT.rest().awaitRunning("reshard", 1, Duration.ofSeconds(90));
        assertThat(readAll(stream, 50, Duration.ofSeconds(60)).size()).isGreaterThanOrEqualTo(50);

        Shard parent = k.listShards(b -> b.streamName(stream)).shards().get(0);
        BigInteger mid = new BigInteger(parent.hashKeyRange().endingHashKey()).shiftRight(1);
        k.splitShard(b -> b.streamName(stream).shardToSplit(parent.shardId()).newStartingHashKey(mid.toString()));
        KINESIS.awaitActive(stream);
        put(k, stream, 100, 200);

        List<Shard> children = k.listShards(b -> b.streamName(stream)).shards().stream()
                .filter(s -> parent.shardId().equals(s.parentShardId())).toList();
        assertThat(children).hasSize(2);
        Waits.until("the connector picked up the children", Duration.ofSeconds(90),
                () -> CONNECT.rest().status("reshard").path("tasks").size() >= 2);
        k.mergeShards(b -> b.streamName(stream).shardToMerge(children.get(0).shardId())
                .adjacentShardToMerge(children.get(1).shardId()));
        KINESIS.awaitActive(stream);
        put(k, stream, 200, 300);

        readAll(stream, 300, Duration.ofSeconds(180));
        sleep(3000);
        List<ConsumerRecord<byte[], byte[]>> got = CONNECT.kafka().readToEnd(List.of(stream), "read_committed");
        assertExactlyOnceInKeyOrder(got, 300);
        assertThat(KinesisFixtures.countsByHeader(got, "kinesis.shard.id")).hasSize(4);
        CONNECT.rest().deleteConnector("reshard");
    }

    @Test
    void thirtyPercentFaultsNeitherLoseNorDuplicate() {
        ensureWorker();
        String stream = "faults";
        KINESIS.createStream(stream, 2);
        KinesisClient k = KINESIS.client();
        CONNECT.kafka().createTopic(stream, 1);
        put(k, stream, 0, 300);
        try (FaultProxy proxy = new FaultProxy(KINESIS.endpoint(), FaultProxy.Service.KINESIS).mixedFaults(0.3)
                .expiredIteratorRate(0.05)) {
            proxy.start();
            Map<String, String> c = connector(stream, proxy.endpoint(), 2);
            // SDK retries off: every fault reaches the connector's own backoff and iterator re-acquisition.
            c.put("aws.max.retries", "0");
            c.put("exactly.once.support", "required");
            CONNECT.rest().putConnector("faults", c);
            CONNECT.rest().awaitRunning("faults", 2, Duration.ofSeconds(120));
            put(k, stream, 300, 400);
            readAll(stream, 400, Duration.ofSeconds(180));
            sleep(3000);
            List<ConsumerRecord<byte[], byte[]>> got = CONNECT.kafka().readToEnd(List.of(stream), "read_committed");
            assertThat(proxy.faults()).as("faults injected").isGreaterThan(10);
            assertThat(proxy.expiredIterators()).as("ExpiredIteratorException injected").isPositive();
            assertExactlyOnceInKeyOrder(got, 400);
            assertThat(CONNECT.rest().status("faults").path("tasks").toString()).doesNotContain("FAILED");
            CONNECT.rest().deleteConnector("faults");
        }
    }

    @Test
    void validateReportsAMissingStreamAndAnUnreachableEndpointOnTheirFields() {
        ensureWorker();
        Map<String, String> c = connector("no-such-stream", KINESIS.endpoint(), 1);
        c.put("name", "v");
        Map<String, List<String>> errors = ConnectRest.errors(
                CONNECT.rest().validate("io.mskbridge.kinesis.KinesisSourceConnector", c));
        assertThat(errors).containsOnlyKeys("kinesis.stream.names");
        assertThat(errors.get("kinesis.stream.names").get(0)).contains("no-such-stream");

        c.put("aws.endpoint.url", "http://127.0.0.1:9");
        c.put("kinesis.validate.timeout.ms", "3000");
        errors = ConnectRest.errors(CONNECT.rest().validate("io.mskbridge.kinesis.KinesisSourceConnector", c));
        assertThat(errors).containsOnlyKeys("aws.endpoint.url");
    }

    /**
     * A worker's validate() in efo mode, with the emulator behind a proxy that denies RegisterStreamConsumer as AWS
     * would (static keys, so permission problems go to aws.access.key.id): reported naming the permission when the
     * consumer is not registered yet (validate() registers it, kinesis.efo.validate.register=true) and also when it
     * is (validate() then asks under the taken name, which an allowed identity is refused with
     * ResourceInUseException); with registering in validate() off, nothing is asked.
     */
    @Test
    void validateReportsADeniedRegisterStreamConsumerWhetherOrNotTheConsumerIsRegistered() {
        ensureWorker();
        String stream = "efo-denied";
        KINESIS.createStream(stream, 1);
        String plugin = "io.mskbridge.kinesis.KinesisSourceConnector";
        try (FaultProxy proxy = new FaultProxy(KINESIS.endpoint(), FaultProxy.Service.KINESIS)
                .deny(r -> r.target().endsWith(".RegisterStreamConsumer"))) {
            proxy.start();
            Map<String, String> c = connector(stream, proxy.endpoint(), 1);
            c.put("name", "efo-denied-source");
            c.put("kinesis.consumer.mode", "efo");

            c.put("kinesis.efo.validate.register", "false");
            assertThat(ConnectRest.errors(CONNECT.rest().validate(plugin, c))).isEmpty();
            assertThat(proxy.denials()).as("nothing registered, nothing asked").isZero();

            c.remove("kinesis.efo.validate.register");
            Map<String, List<String>> errors = ConnectRest.errors(CONNECT.rest().validate(plugin, c));
            assertThat(errors).containsOnlyKeys("aws.access.key.id");
            assertThat(errors.get("aws.access.key.id").get(0))
                    .contains("may not call RegisterStreamConsumer (consumer efo-denied-source of stream efo-denied)")
                    .contains("not authorized to perform: kinesis:RegisterStreamConsumer")
                    .contains("Grant it kinesis:RegisterStreamConsumer");
            assertThat(proxy.denials()).isEqualTo(1);

            KinesisClient k = KINESIS.client();
            String streamArn = k.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
            k.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("efo-denied-source"));
            Waits.until("consumer ACTIVE", Duration.ofSeconds(30), () -> k.describeStreamConsumer(b -> b
                    .streamARN(streamArn).consumerName("efo-denied-source")).consumerDescription().consumerStatusAsString()
                    .equals("ACTIVE"));
            errors = ConnectRest.errors(CONNECT.rest().validate(plugin, c));
            assertThat(errors).containsOnlyKeys("aws.access.key.id");
            assertThat(errors.get("aws.access.key.id").get(0)).contains("may not call RegisterStreamConsumer");
            assertThat(proxy.denials()).as("asked although the consumer is registered").isEqualTo(2);
        }
    }
}
