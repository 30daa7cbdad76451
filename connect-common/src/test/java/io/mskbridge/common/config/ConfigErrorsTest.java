package io.mskbridge.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class ConfigErrorsTest {

    @Test
    void attachesEachMessageOnceToItsFieldCreatingUnknownFields() {
        ConfigValue known = new ConfigValue("known", 5, new ArrayList<>(), new ArrayList<>());
        Config config = new Config(new ArrayList<>(List.of(known)));
        ConfigErrors errors = ConfigErrors.of(config);
        assertThat(errors.any()).isFalse();
        assertThat(errors.validValue("known")).isEqualTo(5);

        errors.attach("known", "bad").attach("known", "bad");
        errors.attachAll(Map.of("other", List.of("missing")));

        assertThat(known.errorMessages()).containsExactly("bad");
        assertThat(config.configValues()).extracting(ConfigValue::name).containsExactly("known", "other");
        assertThat(config.configValues().get(1).errorMessages()).containsExactly("missing");
        assertThat(errors.any()).isTrue();
        assertThat(errors.validValue("known")).as("a value with an error is not valid").isNull();
        assertThat(errors.validValue("absent")).isNull();
    }
}
