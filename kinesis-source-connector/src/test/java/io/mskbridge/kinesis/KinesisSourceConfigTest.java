package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class KinesisSourceConfigTest {

    static Map<String, String> props(String share) {
        Map<String, String> p = KinesisSourceTaskTest.props("");
        p.put(KinesisSourceConfig.MAX_READ_SHARE, share);
        return p;
    }

    @Test
    void theMaxReadShareIsAFractionAboveZeroAndAtMostOne() {
        assertThat(new KinesisSourceConfig(KinesisSourceTaskTest.props("")).maxReadShare()).isEqualTo(1.0);
        assertThat(new KinesisSourceConfig(props("0.5")).maxReadShare()).isEqualTo(0.5);
        assertThat(new KinesisSourceConfig(props("1")).maxReadShare()).isEqualTo(1.0);
        for (String bad : new String[] {"0", "-0.1", "1.5", "NaN", "half"}) {
            assertThatThrownBy(() -> new KinesisSourceConfig(props(bad))).as(bad).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(KinesisSourceConfig.MAX_READ_SHARE);
        }
    }
}
