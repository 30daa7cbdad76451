package io.mskbridge.local.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.mskbridge.local.LocalPipelineRunner;

/**
 * The whole pipeline of bin/mskbridge-local (Kinesis → source + SMT chain → Kafka → DynamoDB and S3 sinks) with the
 * Connect worker JVM SIGKILLed twice mid-run and replaced: the books must still balance exactly. The events go in as
 * producers send them: plain JSON, gzipped, and in KPL aggregates (some gzipped inside).
 */
class LocalPipelineCrashIT {

    @Test
    void reconcilesExactlyAfterTwoWorkerCrashes() throws Exception {
        Path root = Path.of(System.getProperty("mskbridge.root"));
        LocalPipelineRunner.Result result = LocalPipelineRunner.run(2000, true,
                Path.of(System.getProperty("mskbridge.plugin.dir")), root.resolve("docker/connectors"), 600);
        assertThat(result.report()).contains("SIGKILLed 2 times");
        assertThat(result.report()).containsPattern("as producers send them: [1-9][0-9]* gzipped \\(the seed's recipe\\), "
                + "[1-9][0-9]* in KPL aggregates");
        assertThat(result.balanced()).as(result.report()).isTrue();
    }
}
