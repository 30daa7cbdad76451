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
import io.mskbridge.harness.KinesisEmulator;
import io.mskbridge.harness.SharedServers;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Enhanced fan-out on the real path: a Connect 3.7.2 worker JVM (exactly-once source) subscribing over HTTP/2
 * (h2c on the emulator's plain port) to the Kinesis emulator, which implements SubscribeToShard and ChildShards.
 * One scenario, so the servers start once: a connector switched from polling to efo mid-stream, a split, and a
 * SIGKILL of the worker while the children are read, with a new worker JVM taking over; every record exactly
 * once and in key order at the end. (The emulator never sends a closed shard's last event, with ChildShards:
 * here the parent's end is found by the connector's shard discovery; the unit tests cover that event.)
 */
class KinesisFanOutIT {

    @RegisterExtension
    static final SharedServers SERVERS = KinesisItServers.withWorkers(1);
    static final KinesisEmulator KINESIS = KinesisItServers.KINESIS;
    static final ConnectCluster CONNECT = KinesisItServers.CONNECT;

    private static List<ConsumerRecord<byte[], byte[]>> settled(String topic, int n) {
        CONNECT.kafka().readAll(List.of(topic), n, Duration.ofSeconds(60), "read_committed");
        sleep(2500);
        return CONNECT.kafka().readToEnd(List.of(topic), "read_committed");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void pollingToEfoThenASplitAndAWorkerKillExactlyOnce() {
        long t0 = System.currentTimeMillis();
        String stream = "efo-stream";
        String name = "efo-source";
        KINESIS.createStream(stream, 1);
        CONNECT.kafka().createTopic(stream, 1);
        KinesisClient k = KINESIS.client();

        Map<String, String> c = connector(stream, KINESIS.endpoint(), 2);
        c.put("exactly.once.support", "required");
        CONNECT.rest().putConnector(name, c);
        CONNECT.rest().awaitRunning(name, 1, Duration.ofSeconds(60));
        put(k, stream, 0, 30);
        CONNECT.kafka().readAll(List.of(stream), 30, Duration.ofSeconds(60), "read_committed");

        // Polling -> efo while records arrive: the tasks restart on the stored offsets.
        put(k, stream, 30, 45);
        c.put("kinesis.consumer.mode", "efo");
        CONNECT.rest().putConnector(name, c);
        put(k, stream, 45, 60);
        CONNECT.rest().awaitRunning(name, 1, Duration.ofSeconds(60));
        CONNECT.kafka().readAll(List.of(stream), 60, Duration.ofSeconds(60), "read_committed");
        assertThat(k.listStreamConsumers(b -> b.streamARN(streamArn(k, stream))).consumers())
                .extracting(x -> x.consumerName()).containsExactly(name);
        long switched = System.currentTimeMillis();

        // A split mid-stream, then a SIGKILL of the only worker while the children are read; a new worker JVM
        // resumes the subscriptions from the committed offsets.
        Shard parent = k.listShards(b -> b.streamName(stream)).shards().get(0);
        k.splitShard(b -> b.streamName(stream).shardToSplit(parent.shardId())
                .newStartingHashKey(BigInteger.ONE.shiftLeft(127).toString()));
        KINESIS.awaitActive(stream);
        put(k, stream, 60, 80);
        CONNECT.kafka().readAll(List.of(stream), 70, Duration.ofSeconds(60), "read_committed");
        CONNECT.killWorker(CONNECT.workers().get(0));
        put(k, stream, 80, 100);
        CONNECT.addWorker();
        CONNECT.rest().awaitRunning(name, 2, Duration.ofSeconds(90));
        put(k, stream, 100, 120);
        assertExactlyOnceInKeyOrder(settled(stream, 120), 0, 120);
        CONNECT.rest().deleteConnector(name);
        long end = System.currentTimeMillis();
        System.out.printf("KinesisFanOutIT: polling->efo %d ms, split and worker kill %d ms, total %d ms%n",
                switched - t0, end - switched, end - t0);
    }

    private static String streamArn(KinesisClient k, String stream) {
        return k.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
    }
}
