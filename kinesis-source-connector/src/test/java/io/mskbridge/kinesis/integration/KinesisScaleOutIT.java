package io.mskbridge.kinesis.integration;

import static io.mskbridge.kinesis.integration.KinesisFixtures.assertExactlyOnceInKeyOrder;
import static io.mskbridge.kinesis.integration.KinesisFixtures.connector;
import static io.mskbridge.kinesis.integration.KinesisFixtures.put;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.KinesisEmulator;
import io.mskbridge.harness.SharedServers;
import io.mskbridge.harness.Waits;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Scale-out: a 3-worker cluster reads a 4-shard stream with 4 tasks; one worker is stopped mid-stream, its
 * tasks move to the survivors, and the topic holds every record exactly once (EOS, read_committed).
 */
class KinesisScaleOutIT {

    @RegisterExtension
    static final SharedServers SERVERS = KinesisItServers.withWorkers(3);
    static final KinesisEmulator KINESIS = KinesisItServers.KINESIS;
    static final ConnectCluster CONNECT = KinesisItServers.CONNECT;

    @Test
    void tasksMoveWhenAWorkerStopsAndEveryRecordLandsExactlyOnce() {
        assertThat(CONNECT.workers()).as("live workers of the shared cluster for this class").hasSize(3);
        String stream = "scale-out";
        KINESIS.createStream(stream, 4);
        KinesisClient k = KINESIS.client();
        CONNECT.kafka().createTopic(stream, 1);
        put(k, stream, 0, 400);
        Map<String, String> c = connector(stream, KINESIS.endpoint(), 4);
        c.put("exactly.once.support", "required");
        CONNECT.rest().putConnector("scale-out", c);
        CONNECT.rest().awaitRunning("scale-out", 4, Duration.ofSeconds(120));
        JsonNode tasks = CONNECT.rest().status("scale-out").path("tasks");
        Set<String> workersWithTasks = new HashSet<>();
        tasks.forEach(t -> workersWithTasks.add(t.path("worker_id").asText()));
        assertThat(workersWithTasks).as("tasks spread over workers").hasSizeGreaterThan(1);
        assertThat(CONNECT.kafka().readAll(List.of(stream), 100, Duration.ofSeconds(60), "read_committed").size())
                .isGreaterThanOrEqualTo(100);

        // Stop the worker that runs task 0, mid-stream.
        String victimId = tasks.get(0).path("worker_id").asText();
        ConnectCluster.Worker victim = CONNECT.workers().stream().filter(w -> victimId.endsWith(":" + w.port()))
                .findFirst().orElseThrow();
        put(k, stream, 400, 500);
        CONNECT.stopWorker(victim);
        put(k, stream, 500, 700);
        Waits.until("all tasks running on the survivors", Duration.ofSeconds(120), () -> {
            JsonNode ts = CONNECT.rest().status("scale-out").path("tasks");
            if (ts.size() != 4) {
                return false;
            }
            for (JsonNode t : ts) {
                if (!"RUNNING".equals(t.path("state").asText()) || t.path("worker_id").asText().endsWith(":" + victim.port())) {
                    return false;
                }
            }
            return true;
        });
        CONNECT.kafka().readAll(List.of(stream), 700, Duration.ofSeconds(180), "read_committed");
        try {
            Thread.sleep(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ConsumerRecord<byte[], byte[]>> got = CONNECT.kafka().readToEnd(List.of(stream), "read_committed");
        assertExactlyOnceInKeyOrder(got, 700);
        assertThat(KinesisFixtures.countsByHeader(got, "kinesis.shard.id")).hasSize(4);
        CONNECT.rest().deleteConnector("scale-out");
    }
}
