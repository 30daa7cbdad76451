package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The config reference in the module README is generated from the ConfigDef (convention 3). Fails when it
 * is stale; {@code -Dmskbridge.docs.update=true} rewrites it.
 */
class ConfigDocTest {

    static final String BEGIN = "<!-- BEGIN GENERATED CONFIG -->";
    static final String END = "<!-- END GENERATED CONFIG -->";

    @Test
    void readmeConfigReferenceIsUpToDate() throws Exception {
        Path readme = Path.of("README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        assertThat(b).as("README has the BEGIN marker").isGreaterThanOrEqualTo(0);
        assertThat(e).as("README has the END marker").isGreaterThan(b);
        String generated = "\n" + KinesisSourceConfig.configDef().toHtml(4, k -> "kinesis-source-" + k) + "\n";
        String current = text.substring(b + BEGIN.length(), e);
        if (Boolean.getBoolean("mskbridge.docs.update")) {
            Files.writeString(readme, text.substring(0, b + BEGIN.length()) + generated + text.substring(e),
                    StandardCharsets.UTF_8);
            return;
        }
        assertThat(current).as("README config reference is stale: run the test with -Dmskbridge.docs.update=true")
                .isEqualTo(generated);
    }
}
