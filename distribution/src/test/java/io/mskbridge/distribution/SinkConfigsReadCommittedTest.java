package io.mskbridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every sink config users copy reads committed records only: the Kinesis source runs exactly-once, and a worker
 * that dies mid-transaction leaves aborted records in the topics that a read_uncommitted sink would write again
 * (LocalPipelineCrashIT saw them as duplicates in the S3 archive). The at-least-once variant
 * (deploy/msk-connect/at-least-once, no transactions to abort) is left out on purpose, see ConnectorConfigsTest.
 */
class SinkConfigsReadCommittedTest {

    private static final Path ROOT = Path.of(System.getProperty("mskbridge.root", ".."));

    @Test
    void everyShippedSinkConfigSetsReadCommitted() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("docker/connectors", "deploy/msk-connect")) {
            try (Stream<Path> s = Files.list(ROOT.resolve(dir))) {
                s.filter(p -> p.toString().endsWith(".json")).forEach(files::add);
            }
        }
        int sinks = 0;
        for (Path f : files) {
            JsonNode root = new ObjectMapper().readTree(f.toFile());
            JsonNode cfg = root.has("config") ? root.path("config") : root.path("connectorConfiguration");
            if (cfg.path("connector.class").asText().endsWith("SinkConnector")) {
                sinks++;
                assertThat(cfg.path("consumer.override.isolation.level").asText()).as(f.toString())
                        .isEqualTo("read_committed");
            }
        }
        assertThat(sinks).as("sink configs in docker/connectors and deploy/msk-connect").isEqualTo(8);
    }
}
