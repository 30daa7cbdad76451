package io.mskbridge.smt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigDocsTest {

    @Test
    void readmeConfigReferenceIsCurrent() throws Exception {
        Path readme = ConfigDocs.readme();
        String current = Files.readString(readme, StandardCharsets.UTF_8);
        String expected = ConfigDocs.splice(current, ConfigDocs.render());
        if (Boolean.getBoolean("smt.docs.update") && !expected.equals(current)) {
            Files.writeString(readme, expected, StandardCharsets.UTF_8);
            current = expected;
        }
        assertThat(current)
                .as("smt/README.md config reference is stale: run the smt tests with -Dsmt.docs.update=true "
                        + "(or ConfigDocs.main) and commit the result")
                .isEqualTo(expected);
    }

    @Test
    void everyKeyAppears() {
        String rendered = ConfigDocs.render();
        for (Object[] t : ConfigDocs.transforms().values()) {
            for (String key : ((org.apache.kafka.common.config.ConfigDef) t[1]).names()) {
                assertThat(rendered).contains("| `" + key + "` |");
            }
        }
    }
}
