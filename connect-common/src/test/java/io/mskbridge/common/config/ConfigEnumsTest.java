package io.mskbridge.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ConfigEnumsTest {

    enum Plain { TRIM_HORIZON, LATEST }

    enum Spelled implements ConfigChoice {
        WALL_CLOCK("wall-clock"), KMS("aws:kms");

        private final String v;

        Spelled(String v) {
            this.v = v;
        }

        @Override
        public String configValue() {
            return v;
        }
    }

    @Test
    void parsesCaseInsensitivelyByTheConfigSpelling() {
        assertThat(ConfigEnums.parse(Plain.class, "k", " Trim_Horizon ")).isEqualTo(Plain.TRIM_HORIZON);
        assertThat(ConfigEnums.parse(Spelled.class, "k", "AWS:KMS")).isEqualTo(Spelled.KMS);
        assertThat(ConfigEnums.parse(Spelled.class, "k", "wall-clock")).isEqualTo(Spelled.WALL_CLOCK);
        assertThatThrownBy(() -> ConfigEnums.parse(Spelled.class, "k", "WALL_CLOCK"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("k")
                .hasMessageContaining("[wall-clock, aws:kms]");
    }

    @Test
    void validatorAcceptsWhatParseAcceptsAndDocumentsTheChoicesOneWay() {
        ConfigDef.Validator v = ConfigEnums.validator(Plain.class);
        v.ensureValid("k", "latest");
        v.ensureValid("k", "LATEST");
        assertThatThrownBy(() -> v.ensureValid("k", "earliest")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("[trim_horizon, latest]");
        assertThatThrownBy(() -> v.ensureValid("k", null)).isInstanceOf(ConfigException.class);
        assertThat(v).hasToString("one of [trim_horizon, latest] (case-insensitive)");
        assertThat(ConfigEnums.validator(Spelled.class)).hasToString("one of [wall-clock, aws:kms] (case-insensitive)");
    }
}
