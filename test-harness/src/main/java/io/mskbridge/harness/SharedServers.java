package io.mskbridge.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Servers that several test classes of one JVM share: started by the first class that registers them, stopped once
 * after the last class of the run (through JUnit's root store), so each class pays no start-up of its own. Hold the
 * servers in static fields of one holder class and register this in every class that uses them:
 * <pre>{@code
 * @RegisterExtension
 * static final SharedServers SERVERS = MyServers.shared(1);
 * }</pre>
 * Classes must leave the servers as they found them in what the next class could notice: they delete their
 * connectors and use stream and topic names of their own. With a {@link ConnectCluster}, each class gets the number
 * of live workers it asks for ({@link ConnectCluster#scaleTo(int)}), whatever the previous class killed or added.
 */
public final class SharedServers implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedServers.class);

    private final String key;
    private final List<ManagedServer> servers;
    private ConnectCluster cluster;
    private int liveWorkers;

    private SharedServers(String key, List<ManagedServer> servers) {
        this.key = key;
        this.servers = servers;
    }

    /** The servers named {@code key} in this JVM, started in the given order and stopped in the reverse one. */
    public static SharedServers of(String key, ManagedServer... servers) {
        return new SharedServers(key, List.of(servers));
    }

    /** Before each class: {@code n} live workers in {@code cluster} (one of the shared servers). */
    public SharedServers withLiveWorkers(ConnectCluster cluster, int n) {
        if (!servers.contains(cluster)) {
            throw new IllegalArgumentException("the cluster is not one of the shared servers");
        }
        this.cluster = cluster;
        this.liveWorkers = n;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (SharedServers.class) {
            context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(key, k -> {
                List<ManagedServer> started = new ArrayList<>();
                try {
                    for (ManagedServer s : servers) {
                        s.start();
                        started.add(s);
                    }
                } catch (RuntimeException | Error e) {
                    stopAll(started);
                    throw e;
                }
                return (ExtensionContext.Store.CloseableResource) () -> stopAll(started);
            });
        }
        if (cluster != null) {
            cluster.scaleTo(liveWorkers);
        }
    }

    private static void stopAll(List<ManagedServer> started) {
        List<ManagedServer> reverse = new ArrayList<>(started);
        Collections.reverse(reverse);
        reverse.forEach(ManagedServer::close);
    }
}
