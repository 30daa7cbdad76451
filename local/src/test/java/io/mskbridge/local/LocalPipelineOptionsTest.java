package io.mskbridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class LocalPipelineOptionsTest {

    private static LocalPipeline.Options options(boolean crashTest, String mode) {
        return new LocalPipeline.Options(100, false, crashTest, Duration.ofMinutes(1), Path.of("."), Path.of("."), mode);
    }

    /**
     * LocalPipelineCrashIT builds its options directly (not from the command line): a default applied only when
     * parsing arguments left it in efo mode, where kinesis-local stalled a crash run 5 minutes.
     */
    @Test
    void theCrashTestReadsInPollingModeUnlessEfoIsAskedFor() {
        assertThat(options(true, null).consumerMode()).isEqualTo("polling");
        assertThat(options(true, "efo").consumerMode()).isEqualTo("efo");
        assertThat(options(false, null).consumerMode()).as("the shipped configs' own mode").isNull();
    }
}
