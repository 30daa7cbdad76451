package io.mskbridge.kinesis.integration;

import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.KinesisEmulator;
import io.mskbridge.harness.PluginDirs;
import io.mskbridge.harness.SharedServers;
import io.mskbridge.smt.ValidateFields;

/**
 * The servers of the Kinesis ITs, started once for all of them: a Kinesis emulator and a Connect cluster with
 * exactly-once source support, whose plugin path holds the source and the SMTs (KinesisPayloadIT runs the shipped
 * chain) and whose workers open remote JMX (KinesisReadLimitsIT reads task metrics). Each class uses streams,
 * topics and connectors of its own and deletes its connectors.
 */
final class KinesisItServers {

    static final KinesisEmulator KINESIS = new KinesisEmulator();

    static final ConnectCluster CONNECT = new ConnectCluster(1).withExactlyOnceSource().withRemoteJmx()
            .withPluginPath(PluginDirs.ofModule("mskbridge-kinesis", PluginDirs.jarOf(ValidateFields.class)));

    private KinesisItServers() {
    }

    /** The shared servers, with {@code workers} live Connect workers when the class starts. */
    static SharedServers withWorkers(int workers) {
        return SharedServers.of("kinesis-its", KINESIS, CONNECT).withLiveWorkers(CONNECT, workers);
    }
}
