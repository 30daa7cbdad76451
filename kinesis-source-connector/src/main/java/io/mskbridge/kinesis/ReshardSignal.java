package io.mskbridge.kinesis;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Lets a task that read a shard to its end (GetRecords answered with ChildShards and no next iterator) ask its
 * connector to list the shards now rather than at the next {@code kinesis.shard.discovery.interval.ms}, so the
 * children get assigned at once. Connect 3.7 gives a task no channel to its connector ({@code
 * requestTaskReconfiguration()} is the connector's), so this reaches the connector only when it runs in the
 * task's worker JVM (one worker, or the task placed beside it); the connector and its tasks share the plugin's
 * class loader there, hence this static registry. For tasks in other workers, the connector's new-shard check
 * (every few seconds, see {@code KinesisSourceConnector#checkForNewShards}) finds the children.
 */
final class ReshardSignal {

    private static final ConcurrentMap<String, Runnable> CONNECTORS = new ConcurrentHashMap<>();

    private ReshardSignal() {
    }

    /** A running connector: {@code listShardsNow} must return at once (it schedules the listing). */
    static void register(String connector, Runnable listShardsNow) {
        if (connector != null) {
            CONNECTORS.put(connector, listShardsNow);
        }
    }

    /** Removes the registration, unless a newer instance of the connector replaced it. */
    static void unregister(String connector, Runnable listShardsNow) {
        if (connector != null) {
            CONNECTORS.remove(connector, listShardsNow);
        }
    }

    /** A shard of {@code connector} ended with children; true when the connector is in this JVM and was asked. */
    static boolean shardEnded(String connector) {
        Runnable r = connector == null ? null : CONNECTORS.get(connector);
        if (r == null) {
            return false;
        }
        r.run();
        return true;
    }
}
