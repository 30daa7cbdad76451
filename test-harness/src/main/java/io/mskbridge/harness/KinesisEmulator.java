package io.mskbridge.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.CreateStreamRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The {@code kinesis-local} Kinesis emulator (kinesis-mock, the engine LocalStack uses) as a child Node.js
 * process, on plain HTTP. It implements resharding (ChildShards), all iterator types and SubscribeToShard, but
 * is slow (hundreds of puts/s, slower as a shard fills): keep test streams small and fresh.
 */
public class KinesisEmulator extends ChildProcessServer<KinesisClient> {

    private final Map<String, String> env = new HashMap<>();

    /** Sets one of the emulator's environment settings (e.g. {@code SHARD_LIMIT}), before start. */
    public KinesisEmulator withSetting(String key, String value) {
        env.put(key, value);
        return this;
    }

    @Override
    protected void doStart() {
        Path home = HarnessEnv.kinesisLocalHome();
        Path main = home.resolve("node_modules/kinesis-local/main.js");
        if (!Files.isRegularFile(main)) {
            throw new IllegalStateException("kinesis-local is not installed at " + main
                    + ": the test-harness build runs `npm ci` in " + home + " (needs Node.js and npm)");
        }
        Map<String, String> e = new HashMap<>();
        e.put("KINESIS_MOCK_PLAIN_PORT", String.valueOf(port));
        e.put("KINESIS_MOCK_TLS_PORT", String.valueOf(Ports.free()));
        // Must be absolute: the emulator resolves it against its own working directory otherwise.
        e.put("KINESIS_MOCK_CERT_PATH", main.getParent().resolve("server.json").toAbsolutePath().toString());
        e.put("AWS_REGION", TestAws.REGION.id());
        e.put("CREATE_STREAM_DURATION", "100ms");
        e.put("DELETE_STREAM_DURATION", "100ms");
        e.put("SPLIT_SHARD_DURATION", "200ms");
        e.put("MERGE_SHARDS_DURATION", "200ms");
        e.put("UPDATE_SHARD_COUNT_DURATION", "200ms");
        e.put("REGISTER_STREAM_CONSUMER_DURATION", "100ms");
        e.put("DEREGISTER_STREAM_CONSUMER_DURATION", "100ms");
        e.put("LOG_LEVEL", "WARN");
        e.putAll(env);
        ChildProcess process = ChildProcess.start("kinesis-local", List.of("node", main.toString()),
                HarnessEnv.newWorkDir("kinesis-local"), e);
        awaitReady("kinesis-local", process, TestAws.kinesis(endpoint()), KinesisClient::listStreams);
    }

    /** Creates a stream and waits until it is ACTIVE. */
    public void createStream(String name, int shards) {
        client().createStream(CreateStreamRequest.builder().streamName(name).shardCount(shards).build());
        awaitActive(name);
    }

    /** Waits until the stream is ACTIVE (after create, split, merge). */
    public void awaitActive(String name) {
        Waits.until("stream " + name + " ACTIVE", Duration.ofSeconds(60), () -> client().describeStreamSummary(
                DescribeStreamSummaryRequest.builder().streamName(name).build())
                .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }
}
