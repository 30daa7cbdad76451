package io.mskbridge.dynamodb.integration;

import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.DynamoDbLocal;
import io.mskbridge.harness.PluginDirs;
import io.mskbridge.harness.SharedServers;

/**
 * The servers of the DynamoDB sink ITs, started once for all of them: DynamoDB Local and a one-worker Connect
 * cluster with the sink on its plugin path. Each class uses tables, topics and connectors of its own and deletes
 * its connectors.
 */
final class DynamoDbItServers {

    static final DynamoDbLocal DYNAMO = new DynamoDbLocal();

    static final ConnectCluster CONNECT = new ConnectCluster(1).withPluginPath(PluginDirs.ofModule("mskbridge-dynamodb"));

    private DynamoDbItServers() {
    }

    static SharedServers shared() {
        return SharedServers.of("dynamodb-its", DYNAMO, CONNECT).withLiveWorkers(CONNECT, 1);
    }
}
