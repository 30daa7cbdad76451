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
import io.mskbridge.harness.H2FaultProxy;
import io.mskbridge.harness.H2FaultProxy.Fault;
import io.mskbridge.harness.KinesisEmulator;
import io.mskbridge.harness.SharedServers;
import io.mskbridge.harness.Waits;
import io.mskbridge.kinesis.KinesisSourceConfig;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Enhanced fan-out on the real path: a Connect 3.7.2 worker JVM (exactly-once source) subscribing over HTTP/2
 * (h2c on the emulator's plain port) to the Kinesis emulator, which implements SubscribeToShard and resharding.
 * The servers start once for three scenarios, each on its own stream and connector, every record exactly once
 * and in key order at its end: a connector switched from polling to efo mid-stream, a split, a SIGKILL of the
 * worker while the children are read, with a new worker JVM taking over, and a merge of the two children while
 * records flow; faults through {@link H2FaultProxy}: subscribe errors, resets in the middle of a subscription and
 * the stream consumer deregistered behind the connector's back; and the ChildShards path, a split then a merge.
 *
 * <p>kinesis-local 0.6.2 never sends a closed shard's last event: its events come once a second for ever, with the
 * last record's sequence number as continuation and {@code ChildShards} null. Without a proxy (the first scenario)
 * a parent's end is found by the connector's shard discovery from the committed offsets. The ChildShards scenario
 * has {@link H2FaultProxy#endShardsLikeKinesis} play that end as Kinesis does (from AWS docs, ChildShards only at
 * the end of the shard, and the last event without a continuation; see the proxy's class comment): the event whose
 * continuation is the closed shard's last record becomes the final one, naming the children, and the subscription
 * completes. So what it verifies is the reader and the connector on such an event, not that Kinesis sends it so.
 */
class KinesisFanOutIT {

    @RegisterExtension
    static final SharedServers SERVERS = KinesisItServers.withWorkers(1);
    static final KinesisEmulator KINESIS = KinesisItServers.KINESIS;
    static final ConnectCluster CONNECT = KinesisItServers.CONNECT;
    private static final String DISCOVERY_INTERVAL = KinesisSourceConfig.DISCOVERY_INTERVAL_MS;

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
    void pollingToEfoThenASplitAWorkerKillAndAMergeExactlyOnce() {
        long t0 = System.currentTimeMillis();
        String stream = "efo-stream";
        String name = "efo-source";
        KinesisClient k = newStream(stream);

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
        List<Shard> children = splitInTwo(k, stream);
        put(k, stream, 60, 80);
        CONNECT.kafka().readAll(List.of(stream), 70, Duration.ofSeconds(60), "read_committed");
        CONNECT.killWorker(CONNECT.workers().get(0));
        put(k, stream, 80, 100);
        CONNECT.addWorker();
        CONNECT.rest().awaitRunning(name, 2, Duration.ofSeconds(90));
        put(k, stream, 100, 120);
        CONNECT.kafka().readAll(List.of(stream), 110, Duration.ofSeconds(60), "read_committed");
        long killed = System.currentTimeMillis();

        // A merge of the two children while records flow: the merged shard waits for both parents.
        merge(k, stream, children);
        put(k, stream, 120, 140);
        List<ConsumerRecord<byte[], byte[]>> got = settled(stream, 140);
        assertExactlyOnceInKeyOrder(got, 0, 140);
        assertThat(KinesisFixtures.countsByHeader(got, "kinesis.shard.id")).as("parent, two children, merged")
                .hasSize(4);
        CONNECT.rest().deleteConnector(name);
        long end = System.currentTimeMillis();
        System.out.printf("KinesisFanOutIT: polling->efo %d ms, split and worker kill %d ms, merge %d ms, total %d ms%n",
                switched - t0, killed - switched, end - killed, end - t0);
    }

    /**
     * Subscribe errors (ResourceInUse, LimitExceeded, 500) on the first calls, a RST_STREAM and a TCP reset while
     * records flow, then the consumer deregistered directly on the emulator: the next subscription is refused
     * (ResourceNotFoundException) and the task registers the consumer again. One shard, one task.
     */
    @Test
    void efoFaultsThroughTheProxyExactlyOnceAndTheTaskStaysRunning() {
        long t0 = System.currentTimeMillis();
        String stream = "efo-faults";
        String name = "efo-faults";
        KinesisClient k = newStream(stream);
        String streamArn = streamArn(k, stream);
        try (H2FaultProxy proxy = new H2FaultProxy(KINESIS.endpoint())) {
            proxy.start();
            proxy.inject(Fault.RESOURCE_IN_USE, 1).inject(Fault.LIMIT_EXCEEDED, 1).inject(Fault.SERVER_ERROR, 1);
            Map<String, String> c = connector(stream, proxy.endpoint(), 1);
            c.put("exactly.once.support", "required");
            c.put("kinesis.consumer.mode", "efo");
            // The scripted faults and the spacing check are the task's: validate() would otherwise register the
            // consumer and subscribe once itself (to a shard id no stream has), through the proxy.
            c.put("kinesis.efo.validate.register", "false");
            put(k, stream, 0, 15);
            CONNECT.rest().putConnector(name, c);
            CONNECT.rest().awaitRunning(name, 1, Duration.ofSeconds(60));
            CONNECT.kafka().readAll(List.of(stream), 15, Duration.ofSeconds(60), "read_committed");
            assertThat(proxy.pending()).as("subscribe errors left: %s", proxy).isZero();
            long errors = System.currentTimeMillis();

            // Cut the running subscription mid-stream, once per kind of reset, records flowing before and after.
            put(k, stream, 15, 30);
            CONNECT.kafka().readAll(List.of(stream), 30, Duration.ofSeconds(60), "read_committed");
            assertThat(proxy.cutSubscriptions(Fault.RESET_STREAM)).isPositive();
            put(k, stream, 30, 45);
            CONNECT.kafka().readAll(List.of(stream), 45, Duration.ofSeconds(60), "read_committed");
            assertThat(proxy.cutSubscriptions(Fault.RESET_CONNECTION)).isPositive();
            put(k, stream, 45, 60);
            CONNECT.kafka().readAll(List.of(stream), 60, Duration.ofSeconds(60), "read_committed");
            long resets = System.currentTimeMillis();

            // Deregistered behind the connector's back: the subscription still open goes on until it ends (cut
            // here); the next one finds no consumer, and the task registers it again under the same name.
            String arn = k.listStreamConsumers(b -> b.streamARN(streamArn)).consumers().get(0).consumerARN();
            k.deregisterStreamConsumer(b -> b.consumerARN(arn));
            Waits.until("consumer deregistered", Duration.ofSeconds(30),
                    () -> k.listStreamConsumers(b -> b.streamARN(streamArn)).consumers().isEmpty());
            put(k, stream, 60, 70);
            assertThat(proxy.cutSubscriptions(Fault.RESET_STREAM)).isPositive();
            put(k, stream, 70, 80);
            assertExactlyOnceInKeyOrder(settled(stream, 80), 0, 80);
            List<Consumer> now = k.listStreamConsumers(b -> b.streamARN(streamArn)).consumers();
            assertThat(now).extracting(Consumer::consumerName).containsExactly(name);
            assertThat(now.get(0).consumerARN()).isNotEqualTo(arn);
            assertThat(now.get(0).consumerStatus()).isEqualTo(ConsumerStatus.ACTIVE);

            // Each fault happened, the task never failed, and no two subscriptions came within Kinesis's
            // 1 call/s per shard and consumer (the call after LimitExceeded included).
            for (Fault f : Fault.values()) {
                assertThat(proxy.injected(f)).as("%s injected: %s", f, proxy).isPositive();
            }
            assertThat(proxy.injected(Fault.RESET_STREAM)).isEqualTo(2);
            assertThat(CONNECT.rest().status(name).path("tasks").get(0).path("state").asText()).isEqualTo("RUNNING");
            List<H2FaultProxy.Call> calls = proxy.calls();
            for (int i = 1; i < calls.size(); i++) {
                assertThat(calls.get(i).atMillis() - calls.get(i - 1).atMillis())
                        .as("subscription %d after %s", i, calls.get(i - 1)).isGreaterThanOrEqualTo(950);
            }
            System.out.printf("KinesisFanOutIT faults: subscribe errors %d ms, resets %d ms, consumer deregistered "
                    + "%d ms, total %d ms; %s%n", errors - t0, resets - errors, System.currentTimeMillis() - resets,
                    System.currentTimeMillis() - t0, proxy);
        }
        CONNECT.rest().deleteConnector(name);
    }

    /**
     * The ChildShards path: {@link H2FaultProxy#endShardsLikeKinesis} plays the end of each closed shard as Kinesis
     * does (the emulator never sends it), and the shard discovery interval is 10 minutes. A split, then a merge of
     * the two children, while records flow: each closed shard's reader stops at its final event and hands the
     * children it names to the connector at once ({@code ShardFeed.closed} logs them), every record exactly once
     * and in key order, the children's records within seconds of the split. One shard, one task.
     */
    @Test
    void efoChildShardsEventEndsEachParentAndStartsItsChildren() throws Exception {
        long t0 = System.currentTimeMillis();
        String stream = "efo-child-shards";
        String name = "efo-child-shards";
        KinesisClient k = newStream(stream);
        try (H2FaultProxy proxy = new H2FaultProxy(KINESIS.endpoint()).endShardsLikeKinesis()) {
            proxy.start();
            Map<String, String> c = connector(stream, proxy.endpoint(), 1);
            c.put("exactly.once.support", "required");
            c.put("kinesis.consumer.mode", "efo");
            c.put(DISCOVERY_INTERVAL, String.valueOf(Duration.ofMinutes(10).toMillis()));
            put(k, stream, 0, 20);
            CONNECT.rest().putConnector(name, c);
            CONNECT.rest().awaitRunning(name, 1, Duration.ofSeconds(60));
            CONNECT.kafka().readAll(List.of(stream), 20, Duration.ofSeconds(60), "read_committed");
            long started = System.currentTimeMillis();

            String parent = k.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
            List<Shard> children = splitInTwo(k, stream);
            List<String> childIds = children.stream().map(Shard::shardId).toList();
            long split = System.currentTimeMillis();
            put(k, stream, 20, 40);
            CONNECT.kafka().readAll(List.of(stream), 40, Duration.ofSeconds(60), "read_committed");
            long childrenRead = System.currentTimeMillis();
            assertThat(childrenRead - split).as("the children read within the discovery interval")
                    .isLessThan(Duration.ofSeconds(60).toMillis());

            String merged = merge(k, stream, children);
            put(k, stream, 40, 60);
            List<ConsumerRecord<byte[], byte[]>> got = settled(stream, 60);
            assertExactlyOnceInKeyOrder(got, 0, 60);
            assertThat(KinesisFixtures.countsByHeader(got, "kinesis.shard.id")).as("parent, two children, merged")
                    .hasSize(4);

            // The end of each closed shard was played, and its reader took the ChildShards path.
            assertThat(proxy.shardEnds()).as("%s", proxy).isGreaterThanOrEqualTo(3);
            assertThat(proxy.endShardsErrors()).as("%s", proxy).isZero();
            String log = KinesisFixtures.workerLogs(CONNECT);
            // ("children unknown" if the reader ignored ChildShards; the connector's new-shard check, every 5 s,
            // would then still assign the children within seconds, so the log is what tells the two paths apart.)
            assertThat(log).as("ShardFeed.closed of the parent names the children from its final event")
                    .contains(stream + "/" + parent + " is closed and fully read (children " + childIds + ")");
            for (String child : childIds) {
                assertThat(log).as("ShardFeed.closed of %s names the merged shard", child)
                        .contains(stream + "/" + child + " is closed and fully read (children [" + merged + "])");
            }
            assertThat(log).containsPattern(stream + "/" + parent + " is closed and fully read .*the connector lists "
                    + "the shards now");
            assertThat(CONNECT.rest().status(name).path("tasks").get(0).path("state").asText()).isEqualTo("RUNNING");
            CONNECT.rest().deleteConnector(name);
            long end = System.currentTimeMillis();
            System.out.printf("KinesisFanOutIT ChildShards: start %d ms, split to children read %d ms, merge %d ms, "
                    + "total %d ms; %s%n", started - t0, childrenRead - split, end - childrenRead, end - t0, proxy);
        }
    }

    /** A fresh 1-shard stream and its topic. */
    private static KinesisClient newStream(String stream) {
        KINESIS.createStream(stream, 1);
        CONNECT.kafka().createTopic(stream, 1);
        return KINESIS.client();
    }

    /** Splits the stream's only open shard in two halves of the hash key space; returns the two children. */
    private static List<Shard> splitInTwo(KinesisClient k, String stream) {
        String parent = k.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
        k.splitShard(b -> b.streamName(stream).shardToSplit(parent)
                .newStartingHashKey(BigInteger.ONE.shiftLeft(127).toString()));
        KINESIS.awaitActive(stream);
        List<Shard> children = k.listShards(b -> b.streamName(stream)).shards().stream()
                .filter(s -> parent.equals(s.parentShardId())).toList();
        assertThat(children).hasSize(2);
        return children;
    }

    /** Merges the two children of a split; returns the merged shard's id. */
    private static String merge(KinesisClient k, String stream, List<Shard> children) {
        k.mergeShards(b -> b.streamName(stream).shardToMerge(children.get(0).shardId())
                .adjacentShardToMerge(children.get(1).shardId()));
        KINESIS.awaitActive(stream);
        return k.listShards(b -> b.streamName(stream)).shards().stream()
                .filter(s -> children.get(0).shardId().equals(s.parentShardId())).map(Shard::shardId).findFirst()
                .orElseThrow();
    }

    private static String streamArn(KinesisClient k, String stream) {
        return k.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
    }
}
