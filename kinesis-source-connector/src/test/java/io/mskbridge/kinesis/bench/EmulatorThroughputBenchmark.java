package io.mskbridge.kinesis.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.mskbridge.aws.AwsClientFactory;
import io.mskbridge.aws.AwsSettings;
import io.mskbridge.harness.KinesisEmulator;
import io.mskbridge.kinesis.BenchSupport;
import io.mskbridge.kinesis.KinesisSourceConfig;
import io.mskbridge.kinesis.KinesisSourceTask;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Against the Kinesis emulator, in one run on the same stream: a bare SDK GetRecords loop (TRIM_HORIZON to the
 * end, no pauses) next to the task (GetRecords → de-aggregation → SourceRecords out of poll()), 200-byte JSON
 * records. Kafka is not involved: this isolates what the connector adds to reading Kinesis. Not part of the
 * test run; args [records], {@code -Dbench.format}, {@code -Dbench.rounds}; run by the module's benchmarks profile
 * like {@link InMemoryTaskBenchmark}.
 */
public final class EmulatorThroughputBenchmark {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        try (KinesisEmulator emu = new KinesisEmulator()) {
            emu.start();
            KinesisClient k = emu.client();
            emu.createStream("bench", 1);
            for (int i = 0; i < n; i += 500) {
                List<PutRecordsRequestEntry> batch = new ArrayList<>();
                for (int j = i; j < Math.min(n, i + 500); j++) {
                    batch.add(PutRecordsRequestEntry.builder().partitionKey("user" + (j % 100))
                            .data(SdkBytes.fromByteArray(BenchSupport.json(j, 200))).build());
                }
                k.putRecords(b -> b.streamName("bench").records(batch));
            }
            String shard = k.listShards(b -> b.streamName("bench")).shards().get(0).shardId();
            java.util.Map<String, String> props = BenchSupport.props("bench", List.of(shard),
                    System.getProperty("bench.format", "json"));
            props.put("aws.endpoint.url", emu.endpoint().toString());
            props.put("aws.credentials.provider", "static");
            props.put("aws.access.key.id", io.mskbridge.harness.TestAws.ACCESS_KEY);
            props.put("aws.secret.access.key", io.mskbridge.harness.TestAws.SECRET_KEY);
            KinesisSourceConfig settings = new KinesisSourceConfig(props);
            int rounds = Integer.getInteger("bench.rounds", 4);
            for (int round = 0; round < rounds; round++) {
                // Alternate which side reads first, so neither profits from the emulator having just served it.
                boolean taskFirst = round % 2 == 1;
                double[] task = taskFirst ? taskRun(props, n) : null;
                double[] bare = bareRun(settings, shard, n);
                if (!taskFirst) {
                    task = taskRun(props, n);
                }
                System.out.printf(Locale.ROOT, "round=%d records=%d format=%s %s first: bare SDK loop %,.0f records/s "
                                + "(%d GetRecords calls); task %,.0f records/s (first record %.0f ms after start(), the "
                                + "rest %.0f ms); ratio %.2f%n", round, n, props.get(KinesisSourceConfig.PAYLOAD_FORMAT),
                        taskFirst ? "task" : "bare loop", n / bare[0], (long) bare[1], n / task[0], task[1], task[2],
                        bare[0] / task[0]);
            }
        }
    }

    /**
     * A bare loop, timed from building its client the way the task does (AwsClientFactory, same settings): the
     * task pays for its client in start(), so must the loop. Returns {seconds, GetRecords calls}.
     */
    private static double[] bareRun(KinesisSourceConfig settings, String shard, int n) {
        long t0 = System.nanoTime();
        int calls = 0;
        try (AwsClientFactory factory = new AwsClientFactory(AwsSettings.from(settings));
             KinesisClient client = factory.kinesis(2)) {
            String it = client.getShardIterator(b -> b.streamName("bench").shardId(shard)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            int got = 0;
            while (got < n) {
                String cur = it;
                GetRecordsResponse r = client.getRecords(b -> b.shardIterator(cur).limit(10_000));
                calls++;
                got += r.records().size();
                it = r.nextShardIterator();
            }
        }
        return new double[] {(System.nanoTime() - t0) / 1e9, calls};
    }

    /** The task from start() until n records came out of poll(): {seconds, ms to the first record, ms after}. */
    private static double[] taskRun(java.util.Map<String, String> props, int n) throws InterruptedException {
        long t1 = System.nanoTime();
        KinesisSourceTask task = BenchSupport.start(new KinesisSourceTask(), props);
        long[] firstAt = new long[1];
        BenchSupport.drain(task, n, firstAt);
        long end = System.nanoTime();
        task.stop();
        return new double[] {(end - t1) / 1e9, (firstAt[0] - t1) / 1e6, (end - firstAt[0]) / 1e6};
    }
}
