package io.mskbridge.kinesis.integration;

import static io.mskbridge.kinesis.integration.KinesisFixtures.assertExactlyOnceInKeyOrder;
import static io.mskbridge.kinesis.integration.KinesisFixtures.connector;
import static io.mskbridge.kinesis.integration.KinesisFixtures.put;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.FaultProxy;
import io.mskbridge.harness.KinesisEmulator;
import io.mskbridge.harness.SharedServers;
import io.mskbridge.harness.Waits;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Where shards start and how a lineage is read, in a Connect 3.7.2 worker JVM (exactly-once source) against the
 * Kinesis emulator: LATEST with a closed parent that still holds records, restarts under LATEST before a shard's
 * first record, AT_TIMESTAMP across splits, and KPL aggregates (made by the reference aggregator) across a split,
 * with the parent's reader naming the children when it meets its end (GetRecords' ChildShards) and asking its
 * connector to list the shards at once.
 */
class KinesisShardLineageIT {

    @RegisterExtension
    static final SharedServers SERVERS = KinesisItServers.withWorkers(1);
    static final KinesisEmulator KINESIS = KinesisItServers.KINESIS;
    static final ConnectCluster CONNECT = KinesisItServers.CONNECT;

    static final BigInteger HALF = BigInteger.ONE.shiftLeft(127);
    static final String LOW_KEY = "0";
    static final String HIGH_KEY = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE).toString();

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int n, Duration timeout) {
        return CONNECT.kafka().readAll(List.of(topic), n, timeout, "read_committed");
    }

    /** Everything in the topic once {@code n} records are there and a few more seconds passed (for extras). */
    private static List<ConsumerRecord<byte[], byte[]>> settled(String topic, int n) {
        readAll(topic, n, Duration.ofSeconds(120));
        sleep(3000);
        return CONNECT.kafka().readToEnd(List.of(topic), "read_committed");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> exactlyOnce(Map<String, String> c) {
        c.put("exactly.once.support", "required");
        return c;
    }

    /** A new stream and its topic; a client of the emulator. */
    private static KinesisClient newStream(String stream, int shards) {
        KINESIS.createStream(stream, shards);
        CONNECT.kafka().createTopic(stream, 1);
        return KINESIS.client();
    }

    /** Splits the stream's only open shard in two halves of the key space at 2^127. */
    private static void split(KinesisClient k, String stream) {
        Shard parent = k.listShards(b -> b.streamName(stream)).shards().stream()
                .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null).findFirst().orElseThrow();
        k.splitShard(b -> b.streamName(stream).shardToSplit(parent.shardId()).newStartingHashKey(HALF.toString()));
        KINESIS.awaitActive(stream);
    }

    @Test
    void latestStartsAtOnceAlthoughAClosedParentStillHoldsRecords() {
        String stream = "latest-closed-parent";
        KinesisClient k = newStream(stream, 1);
        // History the connector must skip: in the parent, split before the connector starts, and in the children.
        put(k, stream, 0, 40);
        split(k, stream);
        put(k, stream, 40, 60);

        Map<String, String> c = exactlyOnce(connector(stream, KINESIS.endpoint(), 2));
        c.put("kinesis.position", "LATEST");
        CONNECT.rest().putConnector("latest-closed-parent", c);
        CONNECT.rest().awaitRunning("latest-closed-parent", 2, Duration.ofSeconds(90));
        put(k, stream, 100, 160);

        // The children are read at once (no waiting for the parent's retention), from the moment of the start.
        assertExactlyOnceInKeyOrder(settled(stream, 60), 100, 160);
        CONNECT.rest().deleteConnector("latest-closed-parent");
    }

    @Test
    void underLatestRestartsBeforeAShardsFirstRecordLoseNothing() {
        String stream = "latest-restart";
        KinesisClient k = newStream(stream, 2);
        String name = "latest-restart";
        try (FaultProxy proxy = new FaultProxy(KINESIS.endpoint(), FaultProxy.Service.KINESIS)
                .onlyFor(r -> r.target() != null && r.target().endsWith("GetRecords"))) {
            proxy.start();
            // No task can read a record yet: every GetRecords is throttled.
            proxy.throttleRate(1.0);
            Map<String, String> c = exactlyOnce(connector(stream, proxy.endpoint(), 2));
            c.put("kinesis.position", "LATEST");
            c.put("aws.max.retries", "0");
            CONNECT.rest().putConnector(name, c);
            CONNECT.rest().awaitRunning(name, 2, Duration.ofSeconds(90));

            // Written after the start, then the tasks restart before delivering anything.
            put(k, stream, 0, 20, LOW_KEY);
            for (int task = 0; task < 2; task++) {
                CONNECT.rest().call("POST", "/connectors/" + name + "/tasks/" + task + "/restart", null)
                        .requireSuccess("restart task " + task);
            }
            CONNECT.rest().awaitRunning(name, 2, Duration.ofSeconds(90));
            proxy.heal();
            assertExactlyOnceInKeyOrder(settled(stream, 20), 0, 20);

            // The low shard has offsets now, the high one none. Records for the high shard arrive while nothing
            // can be read, then the connector itself restarts (as when its worker leaves): it must take the moment
            // LATEST stands for back from the low shard's offsets.
            String latest = taskLatestMs(name);
            proxy.throttleRate(1.0);
            put(k, stream, 20, 40, HIGH_KEY);
            int assignments = taskConfigsComputed(name);
            CONNECT.rest().call("POST", "/connectors/" + name + "/restart?includeTasks=true&onlyFailed=false", null)
                    .requireSuccess("restart connector and tasks");
            // Connect restarts the tasks with their stored configs first; a connector that resolved LATEST anew
            // would then publish new ones as soon as it has computed them, and Connect would restart the tasks again.
            Waits.until("the restarted connector computed its task configs", Duration.ofSeconds(60),
                    () -> taskConfigsComputed(name) > assignments);
            sleep(2_000);
            CONNECT.rest().awaitRunning(name, 2, Duration.ofSeconds(90));
            assertThat(taskLatestMs(name)).as("the moment LATEST stands for, after a connector restart").isEqualTo(latest);
            proxy.heal();
            assertExactlyOnceInKeyOrder(settled(stream, 40), 0, 40);
            CONNECT.rest().deleteConnector(name);
        }
    }

    /** How many times the connector has computed its task configs (its INFO line in the worker logs). */
    private static int taskConfigsComputed(String connector) {
        String line = "Kinesis source " + connector + ": ";
        int n = 0;
        for (ConnectCluster.Worker w : CONNECT.workers()) {
            try {
                for (String l : java.nio.file.Files.readAllLines(w.process().log())) {
                    if (l.contains(line) && l.contains(" task(s) (tasks.max=")) {
                        n++;
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return n;
    }

    /** The resolved LATEST moment in the connector's task configs, as Connect holds them. */
    private static String taskLatestMs(String connector) {
        JsonNode tasks = CONNECT.rest().get("/connectors/" + connector + "/tasks");
        assertThat(tasks.size()).isPositive();
        String latest = tasks.get(0).path("config").path("kinesis.task.latest.ms").asText(null);
        assertThat(latest).as("kinesis.task.latest.ms of " + tasks).isNotNull();
        tasks.forEach(t -> assertThat(t.path("config").path("kinesis.task.latest.ms").asText()).isEqualTo(latest));
        return latest;
    }

    @Test
    void atTimestampAcrossSplitsBeforeAndAfterTheTimestamp() {
        KinesisClient k = KINESIS.client();
        String splitAfter = "at-ts-split-after";
        String splitBefore = "at-ts-split-before";
        for (String s : List.of(splitAfter, splitBefore)) {
            put(newStream(s, 1), s, 0, 20);
        }
        split(k, splitBefore);
        put(k, splitBefore, 20, 40);
        sleep(1500);
        Instant ts = Instant.now();
        sleep(1500);
        put(k, splitAfter, 20, 40);
        split(k, splitAfter);
        put(k, splitAfter, 40, 60);
        put(k, splitBefore, 40, 60);

        Map<String, String> c = exactlyOnce(connector(splitAfter + "," + splitBefore, KINESIS.endpoint(), 3));
        c.put("kinesis.position", "AT_TIMESTAMP");
        c.put("kinesis.position.timestamp", ts.toString());
        CONNECT.rest().putConnector("at-timestamp", c);
        CONNECT.rest().awaitRunning("at-timestamp", 1, Duration.ofSeconds(90));

        // Split after the timestamp: the parent from the timestamp on, then its children whole.
        assertExactlyOnceInKeyOrder(settled(splitAfter, 40), 20, 60);
        // Split before it: the parent holds nothing after it and is skipped; the children start at the timestamp.
        assertExactlyOnceInKeyOrder(settled(splitBefore, 20), 40, 60);
        CONNECT.rest().deleteConnector("at-timestamp");
    }

    @Test
    void kplAggregatesAcrossASplitAreDeliveredOnceAndTheChildrenArePickedUpAtTheParentsEnd() throws Exception {
        String stream = "kpl-split";
        KinesisClient k = newStream(stream, 1);
        JsonNode aggregates;
        try (InputStream in = KinesisShardLineageIT.class.getResourceAsStream("/kpl/reshard-aggregates.json")) {
            aggregates = KinesisFixtures.JSON.readTree(in);
        }
        putAggregates(k, stream, aggregates, "before");

        Map<String, String> c = exactlyOnce(connector(stream, KINESIS.endpoint(), 3));
        // No shard discovery within the test: the children are assigned either because the parent's reader met its
        // end (GetRecords' ChildShards; asserted below from the log) or by the connector's 5 s new-shard check.
        c.put("kinesis.shard.discovery.interval.ms", "600000");
        CONNECT.rest().putConnector("kpl-split", c);
        CONNECT.rest().awaitRunning("kpl-split", 1, Duration.ofSeconds(90));
        assertThat(readAll(stream, 20, Duration.ofSeconds(60))).hasSizeGreaterThanOrEqualTo(20);

        split(k, stream);
        // Aggregates built with a stale shard map carry records of both children into one; the records sent
        // again to their owner, then aggregates built per child.
        putAggregates(k, stream, aggregates, "stale");
        putAggregates(k, stream, aggregates, "resent");
        putAggregates(k, stream, aggregates, "after");

        List<ConsumerRecord<byte[], byte[]>> got = settled(stream, 60);
        assertExactlyOnceInKeyOrder(got, 0, 60);
        assertThat(KinesisFixtures.countsByHeader(got, "kinesis.shard.id")).hasSize(3);
        // The parent's reader took the ChildShards path: it named the children and asked for a listing at once.
        assertThat(KinesisFixtures.workerLogs(CONNECT)).as("ShardFeed.closed of the parent")
                .containsPattern(stream + "/shardId-0+ is closed and fully read \\(children \\[shardId-0+1, "
                        + "shardId-0+2\\]\\).*the connector lists the shards now");
        CONNECT.rest().deleteConnector("kpl-split");
    }

    /** Puts the aggregates of a phase, each routed (by explicit hash key) to the half it was built for. */
    private static void putAggregates(KinesisClient k, String stream, JsonNode aggregates, String phase) {
        for (JsonNode a : aggregates) {
            if (!phase.equals(a.path("phase").asText())) {
                continue;
            }
            byte[] data = Base64.getDecoder().decode(a.path("data").asText());
            String route = "low".equals(a.path("route").asText()) ? LOW_KEY : HIGH_KEY;
            k.putRecord(b -> b.streamName(stream).partitionKey(a.path("users").get(0).path("partitionKey").asText())
                    .explicitHashKey(route).data(SdkBytes.fromByteArray(data)));
        }
    }
}
