package io.mskbridge.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ConfigDocsTest {

    @Test
    void readmeConfigReferenceIsCurrent() throws Exception {
        Path readme = ConfigDocs.readme();
        String current = Files.readString(readme, StandardCharsets.UTF_8);
        String expected = ConfigDocs.splice(current, ConfigDocs.render());
        if (Boolean.getBoolean("mskbridge.docs.update") && !expected.equals(current)) {
            Files.writeString(readme, expected, StandardCharsets.UTF_8);
            current = expected;
        }
        assertThat(current)
                .as("dynamodb-sink-connector/README.md config reference is stale: run the tests with "
                        + "-Dmskbridge.docs.update=true (or ConfigDocs.main) and commit the result")
                .isEqualTo(expected);
    }

    @Test
    void everyKeyAppears() {
        String rendered = ConfigDocs.render();
        for (String key : DynamoDbSinkConfig.configDef().names()) {
            assertThat(rendered).contains("| `" + key + "` |");
        }
    }
}
