package io.mskbridge.harness;

import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;

import software.amazon.awssdk.core.SdkClient;

/**
 * An emulator run as a child process on a free loopback port, with one SDK client of its own. Ready means a real
 * call through that client succeeded: an open port alone is not enough (emulators answer before their state is
 * initialised).
 */
public abstract class ChildProcessServer<C extends SdkClient> extends ManagedServer {

    protected final int port = Ports.free();
    private ChildProcess process;
    private C client;

    /** Records the started process and its client, then waits until {@code probe} passes through the client. */
    protected final void awaitReady(String name, ChildProcess started, C sdkClient, Consumer<C> probe) {
        this.process = started;
        this.client = sdkClient;
        Waits.until(name + " at " + endpoint(), Duration.ofSeconds(60), () -> {
            started.requireAlive();
            probe.accept(sdkClient);
            return true;
        });
    }

    @Override
    protected void doStop() {
        if (client != null) {
            client.close();
        }
        if (process != null) {
            process.stop(10);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A client of this server (owned by the server; do not close). */
    public C client() {
        requireStarted();
        return client;
    }

    public ChildProcess process() {
        return process;
    }
}
