package io.mskbridge.harness;

import java.time.Duration;
import java.util.function.Supplier;

/** Polling waits with a deadline and a message that says what was awaited and what was last seen. */
public final class Waits {
    private Waits() {
    }

    /** A check that may throw; a throw counts as "not yet", except that a child process has exited. */
    @FunctionalInterface
    public interface Check {
        boolean ok() throws Exception;
    }

    public static void until(String what, Duration timeout, Check check) {
        until(what, timeout, check, () -> "");
    }

    public static void until(String what, Duration timeout, Check check, Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        long sleep = 50;
        while (true) {
            try {
                if (check.ok()) {
                    return;
                }
                last = null;
            } catch (ChildProcess.ExitedException e) {
                throw new AssertionError("Gave up waiting for " + what + ": " + e.getMessage(), e);
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                String seen = lastSeen.get();
                AssertionError err = new AssertionError("Timed out after " + timeout + " waiting for " + what
                        + (seen.isEmpty() ? "" : "; last seen: " + seen)
                        + (last == null ? "" : "; last error: " + last));
                if (last != null) {
                    err.initCause(last);
                }
                throw err;
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted waiting for " + what, e);
            }
            sleep = Math.min(500, sleep * 2);
        }
    }
}
