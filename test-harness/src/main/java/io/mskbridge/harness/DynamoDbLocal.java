package io.mskbridge.harness;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local ({@code com.amazonaws:DynamoDBLocal}, in-memory) as a child JVM. It cannot run inside the test
 * JVM: it needs Jetty 12 and AWS SDK 2.25 service clients, which clash with Kafka Connect 3.7's Jetty 9 and our
 * SDK version, so it runs on its own resolved classpath.
 */
public class DynamoDbLocal extends ChildProcessServer<DynamoDbClient> {

    @Override
    protected void doStart() {
        Path dir = HarnessEnv.newWorkDir("dynamodb-local");
        ChildProcess process = ChildProcess.start("dynamodb-local", ChildProcess.javaCommand(HarnessEnv.dynamoDbLocalClasspath(),
                List.of("-Xmx768m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"),
                "com.amazonaws.services.dynamodbv2.local.main.ServerRunner",
                "-inMemory", "-port", String.valueOf(port), "-disableTelemetry"), dir, Map.of());
        awaitReady("DynamoDB Local", process, TestAws.dynamoDb(endpoint()), DynamoDbClient::listTables);
    }

}
