package io.mskbridge.kinesis.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.mskbridge.kinesis.BenchSupport;
import io.mskbridge.kinesis.KinesisSourceTask;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Records/s of one task fed with recorded GetRecords responses held in memory (no network): 200-byte JSON
 * records, default fetch/queue settings, the per-shard pacing (5 calls/s, 2 MB/s) included. Not part of the test run; args
 * [shards] [recordsPerShard], run by the module's benchmarks profile (see the README):
 * {@code mvn -B -o -pl kinesis-source-connector -am -Pbenchmarks verify -DskipTests -DskipITs}.
 */
public final class InMemoryTaskBenchmark {

    public static void main(String[] args) throws Exception {
        int shards = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int perShard = args.length > 1 ? Integer.parseInt(args[1]) : 40_000;
        KinesisClient kinesis = BenchSupport.inMemoryKinesis("bench", 10_000);
        List<String> ids = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            String id = String.format("shardId-%012d", s);
            ids.add(id);
            BenchSupport.addShard(kinesis, id);
            for (int i = 0; i < perShard; i++) {
                BenchSupport.put(kinesis, id, "user" + (i % 1000), BenchSupport.json(i, 200));
            }
        }
        int total = shards * perShard;
        for (String format : new String[] {"bytes", "string", "json"}) {
            for (int round = 0; round < 3; round++) {
                KinesisSourceTask task = BenchSupport.start(kinesis, BenchSupport.props("bench", ids, format));
                long nanos = BenchSupport.drain(task, total);
                task.stop();
                System.out.printf(Locale.ROOT, "format=%-6s round=%d records=%d shards=%d: %,.0f records/s per task%n",
                        format, round, total, shards, total / (nanos / 1e9));
            }
        }
    }
}
