package io.mskbridge.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.mskbridge.harness.KinesisEmulator;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Against the Kinesis emulator, in one run on the same stream: a bare SDK GetRecords loop (TRIM_HORIZON to the
 * end, no pauses) next to the task (GetRecords → de-aggregation → SourceRecords out of poll()), 200-byte JSON
 * records. Kafka is not involved: this isolates what the connector adds to reading Kinesis. Not part of the
 * test run; run like {@link InMemoryTaskBenchmark} with args [records].
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
            java.util.Map<String, String> props = BenchSupport.props("bench", List.of(shard), "json");
            props.put("aws.endpoint.url", emu.endpoint().toString());
            props.put("aws.credentials.provider", "static");
            props.put("aws.access.key.id", io.mskbridge.harness.TestAws.ACCESS_KEY);
            props.put("aws.secret.access.key", io.mskbridge.harness.TestAws.SECRET_KEY);
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                String it = k.getShardIterator(b -> b.streamName("bench").shardId(shard)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                int got = 0;
                while (got < n) {
                    String cur = it;
                    GetRecordsResponse r = k.getRecords(b -> b.shardIterator(cur).limit(10_000));
                    got += r.records().size();
                    it = r.nextShardIterator();
                }
                double bare = n / ((System.nanoTime() - t0) / 1e9);

                // The real client path: AwsClientFactory from the task's AWS settings.
                KinesisSourceTask task = BenchSupport.start(new KinesisSourceTask(), props);
                long nanos = BenchSupport.drain(task, n);
                task.stop();
                double viaTask = n / (nanos / 1e9);
                System.out.printf(Locale.ROOT, "round=%d records=%d bare SDK loop: %,.0f records/s; task: %,.0f records/s;"
                        + " ratio %.2f%n", round, n, bare, viaTask, viaTask / bare);
            }
        }
    }
}
