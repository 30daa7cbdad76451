package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.mskbridge.common.config.ConfigReference;

/** The README's config reference is generated from the ConfigDef; {@code -Dmskbridge.docs.update=true} rewrites it. */
class ConfigDocsTest {

    private static ConfigReference reference() {
        return ConfigReference.create().add(KinesisSourceConfig.configDef(), 4);
    }

    @Test
    void readmeConfigReferenceIsCurrent() {
        reference().assertCurrent(Path.of("README.md"));
    }

    @Test
    void everyKeyAppears() {
        String rendered = reference().render();
        for (String key : KinesisSourceConfig.configDef().names()) {
            assertThat(rendered).contains("| `" + key + "` |");
        }
    }
}
