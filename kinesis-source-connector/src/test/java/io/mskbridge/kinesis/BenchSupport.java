package io.mskbridge.kinesis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.connect.source.SourceRecord;

import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * What the benchmarks in {@code io.mskbridge.kinesis.bench} need from this package: a task with an empty offset
 * store (through the task's client-injecting constructor and {@link MapTaskContext}), drained until n records, and
 * the in-memory {@link FakeKinesis}. Public for those benchmarks only; the classes it reaches stay package-private.
 */
public final class BenchSupport {

    private BenchSupport() {
    }

    /** A JSON object of exactly {@code size} bytes. */
    public static byte[] json(int i, int size) {
        String head = "{\"id\":" + i + ",\"event_type\":\"purchase\",\"user_id\":\"user" + (i % 1000)
                + "\",\"amount\":\"19.99\",\"pad\":\"";
        StringBuilder sb = new StringBuilder(head);
        while (sb.length() < size - 2) {
            sb.append('x');
        }
        sb.append("\"}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An in-memory Kinesis ({@link FakeKinesis}) of one stream whose GetRecords return up to pageSize records. */
    public static KinesisClient inMemoryKinesis(String stream, int pageSize) {
        FakeKinesis kinesis = new FakeKinesis(stream);
        kinesis.pageSize = pageSize;
        return kinesis;
    }

    /** Adds an open shard without parent to a Kinesis made by {@link #inMemoryKinesis}. */
    public static void addShard(KinesisClient inMemoryKinesis, String shardId) {
        ((FakeKinesis) inMemoryKinesis).shard(shardId, null);
    }

    /** Appends a record to a shard of a Kinesis made by {@link #inMemoryKinesis}. */
    public static void put(KinesisClient inMemoryKinesis, String shardId, String partitionKey, byte[] data) {
        ((FakeKinesis) inMemoryKinesis).put(shardId, partitionKey, data);
    }

    public static KinesisSourceTask start(KinesisClient client, Map<String, String> props) {
        return start(new KinesisSourceTask((Function<KinesisSourceConfig, KinesisClient>) c -> client), props);
    }

    public static KinesisSourceTask start(KinesisSourceTask task, Map<String, String> props) {
        task.initialize(new MapTaskContext(props, new HashMap<>()));
        task.start(props);
        return task;
    }

    /** Polls until n records came out; returns the elapsed nanoseconds. */
    public static long drain(KinesisSourceTask task, int n) throws InterruptedException {
        return drain(task, n, new long[1]);
    }

    /** Polls until n records came out; returns the nanos it took and sets firstAt[0] to when the first did. */
    public static long drain(KinesisSourceTask task, int n, long[] firstAt) throws InterruptedException {
        long t0 = System.nanoTime();
        int got = 0;
        while (got < n) {
            List<SourceRecord> r = task.poll();
            if (r != null) {
                if (got == 0) {
                    firstAt[0] = System.nanoTime();
                }
                got += r.size();
            }
        }
        return System.nanoTime() - t0;
    }

    public static Map<String, String> props(String stream, List<String> shards, String format) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "bench");
        p.put(KinesisSourceConfig.STREAM_NAMES, stream);
        p.put(KinesisSourceConfig.PAYLOAD_FORMAT, format);
        p.put("aws.region", "us-east-1");
        List<ShardSpec> specs = new ArrayList<>();
        shards.forEach(s -> specs.add(new ShardSpec(stream, s, List.of(), false)));
        p.put(KinesisSourceConfig.TASK_SHARDS, ShardSpec.encodeAll(specs));
        return p;
    }
}
