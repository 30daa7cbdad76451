package io.mskbridge.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class SinkConsumerChecksTest {

    @Test
    void readCommittedNeedsNoWarning() {
        assertThat(SinkConsumerChecks.isolationWarning("s3", Map.of("consumer.override.isolation.level", "read_committed")))
                .isNull();
        assertThat(SinkConsumerChecks.isolationWarning("s3", Map.of("consumer.override.isolation.level", " READ_COMMITTED ")))
                .isNull();
    }

    @Test
    void anythingElseIsNamedWithTheFix() {
        assertThat(SinkConsumerChecks.isolationWarning("s3-archive-raw", Map.of()))
                .contains("s3-archive-raw", "not set", "aborted transactions", "consumer.override.isolation.level=read_committed");
        assertThat(SinkConsumerChecks.isolationWarning("ddb", Map.of("consumer.override.isolation.level", "read_uncommitted")))
                .contains("'read_uncommitted'");
    }
}
