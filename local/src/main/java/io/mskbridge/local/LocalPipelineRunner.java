package io.mskbridge.local;

import java.nio.file.Path;
import java.time.Duration;

/** Runs the local pipeline in process (for tests): starts everything, reconciles, stops everything. */
public final class LocalPipelineRunner {

    private LocalPipelineRunner() {
    }

    /** The rendered report and whether the books balanced. */
    public record Result(boolean balanced, String report) {
    }

    public static Result run(int events, boolean crashTest, Path pluginDir, Path connectorsDir, long timeoutSeconds) throws Exception {
        LocalPipeline p = new LocalPipeline(new LocalPipeline.Options(events, false, crashTest, Duration.ofSeconds(timeoutSeconds),
                pluginDir, connectorsDir, null));
        try {
            Report r = p.run();
            String text = r.render();
            System.out.println(text);
            return new Result(r.balanced(), text);
        } finally {
            p.stopAll();
        }
    }
}
