package io.mskbridge.harness.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.SharedServers;
import io.mskbridge.harness.HarnessEnv;

/**
 * A KRaft broker and two Connect 3.7 workers in their own JVMs form one distributed cluster with exactly-once
 * source support: a source connector's records land exactly once for a read_committed consumer, and its task
 * survives a SIGKILL of one worker.
 */
@Order(1)
class ConnectClusterIT {

    @RegisterExtension
    static final SharedServers SERVERS = HarnessItServers.kafka();

    @RegisterExtension
    static final ConnectCluster CONNECT = new ConnectCluster(HarnessItServers.KAFKA, 2).withExactlyOnceSource();

    @Test
    void distributedWorkersRunAnExactlyOnceSourceConnector() throws Exception {
        assertThat(CONNECT.workers()).hasSize(2);
        assertThat(CONNECT.rest().plugins()).anySatisfy(p -> assertThat(p.get("class"))
                .isEqualTo("org.apache.kafka.connect.file.FileStreamSourceConnector"));

        Path input = HarnessEnv.newWorkDir("file-source").resolve("input.txt");
        List<String> lines = IntStream.range(0, 200).mapToObj(i -> "line-" + i).collect(Collectors.toList());
        Files.write(input, lines, StandardCharsets.UTF_8);
        CONNECT.kafka().createTopic("harness-lines", 1);
        CONNECT.rest().putConnector("file-source", Map.of(
                "connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector",
                "tasks.max", "1",
                "file", input.toString(),
                "topic", "harness-lines",
                "exactly.once.support", "required",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter"));
        CONNECT.rest().awaitRunning("file-source", 1, Duration.ofSeconds(90));

        List<ConsumerRecord<byte[], byte[]>> got = CONNECT.kafka().readAll(List.of("harness-lines"), 200, Duration.ofSeconds(60), "read_committed");
        assertThat(got).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactlyElementsOf(lines);

        // Crash the worker that runs the task; the survivor takes it over.
        String taskWorker = CONNECT.rest().status("file-source").path("tasks").get(0).path("worker_id").asText();
        ConnectCluster.Worker victim = CONNECT.workers().stream().filter(w -> taskWorker.endsWith(":" + w.port())).findFirst().orElseThrow();
        CONNECT.killWorker(victim);
        assertThat(victim.process().isAlive()).isFalse();
        String survivorPort = ":" + CONNECT.workers().get(0).port();
        io.mskbridge.harness.Waits.until("task moved to the surviving worker", Duration.ofSeconds(120), () -> {
            var t = CONNECT.rest().status("file-source").path("tasks").get(0);
            return t.path("worker_id").asText().endsWith(survivorPort) && "RUNNING".equals(t.path("state").asText());
        });
        Files.write(input, List.of("after-crash"), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        List<ConsumerRecord<byte[], byte[]>> after = CONNECT.kafka().readAll(List.of("harness-lines"), 201, Duration.ofSeconds(60), "read_committed");
        assertThat(after).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).endsWith("after-crash");
    }
}
