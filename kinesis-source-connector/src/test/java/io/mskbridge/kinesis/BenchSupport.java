package io.mskbridge.kinesis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.connect.source.SourceRecord;

import software.amazon.awssdk.services.kinesis.KinesisClient;

/** Shared by the benchmark mains: a task with an empty offset store, drained until n records. */
final class BenchSupport {

    private BenchSupport() {
    }

    /** A JSON object of exactly {@code size} bytes. */
    static byte[] json(int i, int size) {
        String head = "{\"id\":" + i + ",\"event_type\":\"purchase\",\"user_id\":\"user" + (i % 1000)
                + "\",\"amount\":\"19.99\",\"pad\":\"";
        StringBuilder sb = new StringBuilder(head);
        while (sb.length() < size - 2) {
            sb.append('x');
        }
        sb.append("\"}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static KinesisSourceTask start(KinesisClient client, Map<String, String> props) {
        return start(new KinesisSourceTask((Function<KinesisSourceConfig, KinesisClient>) c -> client), props);
    }

    static KinesisSourceTask start(KinesisSourceTask task, Map<String, String> props) {
        task.initialize(new MapTaskContext(props, new HashMap<>()));
        task.start(props);
        return task;
    }

    /** Polls until n records came out; returns the elapsed nanoseconds. */
    static long drain(KinesisSourceTask task, int n) throws InterruptedException {
        return drain(task, n, new long[1]);
    }

    /** Polls until n records came out; returns the nanos it took and sets firstAt[0] to when the first did. */
    static long drain(KinesisSourceTask task, int n, long[] firstAt) throws InterruptedException {
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

    static Map<String, String> props(String stream, List<String> shards, String format) {
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
