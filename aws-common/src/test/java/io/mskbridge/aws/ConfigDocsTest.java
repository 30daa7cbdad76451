package io.mskbridge.aws;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.mskbridge.aws.metrics.CloudWatchMetricsConfig;
import io.mskbridge.common.config.ConfigReference;

/**
 * The README's config reference is generated from the ConfigDef and lists every key; {@code -Dmskbridge.docs.update=true}
 * rewrites it.
 */
class ConfigDocsTest {

    @Test
    void readmeConfigReferenceIsCurrent() {
        ConfigReference.create().add(AwsConfig.configDef(), 3).add(CloudWatchMetricsConfig.configDef(), 3)
                .assertCurrent(Path.of("README.md"));
    }
}
