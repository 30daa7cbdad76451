package io.mskbridge.harness;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real server that a test class starts once. Register it as a static JUnit 5 extension
 * ({@code @RegisterExtension static final KinesisEmulator KINESIS = new KinesisEmulator();}) to get it started
 * before the first test and stopped after the last, or use it directly with try-with-resources.
 */
public abstract class ManagedServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private boolean started;

    /** Starts the server and blocks until it answers real requests. Idempotent. */
    public final synchronized void start() {
        if (started) {
            return;
        }
        try {
            doStart();
            started = true;
        } catch (RuntimeException | Error e) {
            safeStop();
            throw e;
        } catch (Exception e) {
            safeStop();
            throw new IllegalStateException("Could not start " + getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Stops the server and frees its resources. Idempotent. */
    @Override
    public final synchronized void close() {
        if (!started) {
            return;
        }
        started = false;
        safeStop();
    }

    public final synchronized boolean isStarted() {
        return started;
    }

    protected abstract void doStart() throws Exception;

    protected abstract void doStop() throws Exception;

    private void safeStop() {
        try {
            doStop();
        } catch (Exception e) {
            // Stopping is best effort: a failed stop must not hide the test's own failure.
            System.err.println("Failed to stop " + getClass().getSimpleName() + ": " + e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    protected final void requireStarted() {
        if (!isStarted()) {
            throw new IllegalStateException(getClass().getSimpleName() + " is not started");
        }
    }
}
