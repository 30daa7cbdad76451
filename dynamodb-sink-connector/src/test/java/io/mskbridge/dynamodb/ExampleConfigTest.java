package io.mskbridge.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * docker/connectors/dynamodb-sink-transactions.json parses, names this connector, and passes
 * {@code validate()} field by field. Offline: the table check is turned off here (it needs the LocalStack
 * endpoint of the compose file); {@code DynamoDbSinkIT} runs the same file with the check on against
 * DynamoDB Local.
 */
class ExampleConfigTest {

    static Path exampleFile() {
        String root = System.getProperty("mskbridge.root");
        Path p = Paths.get(root == null ? ".." : root, "docker", "connectors", "dynamodb-sink-transactions.json");
        return Files.exists(p) ? p : Paths.get("docker", "connectors", "dynamodb-sink-transactions.json");
    }

    /** The example's config map, with {@code overrides} applied. */
    static Map<String, String> example(Map<String, String> overrides) throws Exception {
        JsonNode root = new ObjectMapper().readTree(exampleFile().toFile());
        assertThat(root.path("name").asText()).isEqualTo("dynamodb-sink-transactions");
        Map<String, String> config = new HashMap<>();
        root.path("config").fields().forEachRemaining(e -> {
            assertThat(e.getValue().isTextual()).as("Connect configs are strings: " + e.getKey()).isTrue();
            config.put(e.getKey(), e.getValue().asText());
        });
        config.put("name", root.path("name").asText());
        config.putAll(overrides);
        return config;
    }

    @Test
    void exampleConfigValidates() throws Exception {
        Map<String, String> config = example(Map.of(DynamoDbSinkConfig.TABLE_CHECK, "false"));
        assertThat(config.get("connector.class")).isEqualTo(DynamoDbSinkConnector.class.getName());
        assertThat(config).containsEntry(DynamoDbSinkConfig.TABLE, "mskbridge-events-dev")
                .containsEntry(DynamoDbSinkConfig.PARTITION_TEMPLATE, "{event_type}#{user_id|anonymous}")
                .containsEntry(DynamoDbSinkConfig.SORT_TEMPLATE, "{timestamp}")
                .containsEntry(DynamoDbSinkConfig.TTL_SECONDS, String.valueOf(30 * 86400));
        Map<String, List<String>> errors = DynamoDbSinkConnectorTest.errors(new DynamoDbSinkConnector().validate(config));
        assertThat(errors).isEmpty();
        new DynamoDbSinkConfig(config);
    }
}
