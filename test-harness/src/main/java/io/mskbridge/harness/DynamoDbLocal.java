package io.mskbridge.harness;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local ({@code com.amazonaws:DynamoDBLocal}, in-memory) as a child JVM. It cannot run inside the test
 * JVM: it needs Jetty 12 and AWS SDK 2.25 service clients, which clash with Kafka Connect 3.7's Jetty 9 and our
 * SDK version, so it runs on its own resolved classpath.
 */
public class DynamoDbLocal extends ManagedServer {

    private int port;
    private ChildProcess process;
    private DynamoDbClient client;

    @Override
    protected void doStart() {
        port = Ports.free();
        Path dir = HarnessEnv.newWorkDir("dynamodb-local");
        process = ChildProcess.start("dynamodb-local", ChildProcess.javaCommand(HarnessEnv.dynamoDbLocalClasspath(),
                List.of("-Xmx768m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"),
                "com.amazonaws.services.dynamodbv2.local.main.ServerRunner",
                "-inMemory", "-port", String.valueOf(port), "-disableTelemetry"), dir, Map.of());
        client = TestAws.dynamoDb(endpoint());
        Waits.until("DynamoDB Local at " + endpoint(), Duration.ofSeconds(60), () -> {
            process.requireAlive();
            client.listTables();
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
    public DynamoDbClient client() {
        requireStarted();
        return client;
    }

    public ChildProcess process() {
        return process;
    }
}
