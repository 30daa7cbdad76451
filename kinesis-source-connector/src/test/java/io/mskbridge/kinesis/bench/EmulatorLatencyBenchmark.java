package io.mskbridge.kinesis.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.connect.source.SourceRecord;

import io.mskbridge.harness.KinesisEmulator;
import io.mskbridge.harness.TestAws;
import io.mskbridge.kinesis.BenchSupport;
import io.mskbridge.kinesis.KinesisSourceConfig;
import io.mskbridge.kinesis.KinesisSourceTask;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Latency from PutRecord to the record being available, against the Kinesis emulator, in one run: the task in
 * polling mode (its defaults: a caught-up shard is read every kinesis.poll.interval.ms = 1 s), the task in efo
 * mode (SubscribeToShard), and a bare SDK SubscribeToShard subscriber (no connector) as the baseline that shows
 * what the emulator itself allows. Each on its own 1-shard stream, records put one at a time at a steady rate,
 * each carrying the System.nanoTime() taken just before its PutRecord; "available" is the moment poll() returned
 * it (task) or its event arrived (bare subscriber). Kafka is not involved. Not part of the test run: args
 * [records] [records per second], run by the module's benchmarks profile.
 */
public final class EmulatorLatencyBenchmark {

    private static final Pattern T = Pattern.compile("\"t\":(\\d+)");

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        try (KinesisEmulator emu = new KinesisEmulator()) {
            emu.start();
            KinesisClient k = emu.client();
            // Warm-up: the first subscription and the first task of a JVM pay for class loading.
            taskRun(emu, k, "warmup", "efo", 10, rate);
            List<String> lines = new ArrayList<>();
            lines.add(report("polling task (defaults)", taskRun(emu, k, "lat-polling", "polling", n, rate)));
            lines.add(report("efo task", taskRun(emu, k, "lat-efo", "efo", n, rate)));
            lines.add(report("bare SDK SubscribeToShard", bareRun(emu, k, "lat-bare", n, rate)));
            System.out.printf(Locale.ROOT, "PutRecord -> available, %d records at %d/s, kinesis-local emulator:%n",
                    n, rate);
            lines.forEach(System.out::println);
        }
    }

    private static String report(String what, List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return String.format(Locale.ROOT, "  %-28s n=%d p50=%.0f ms p95=%.0f ms p99=%.0f ms max=%.0f ms", what,
                s.size(), pct(s, 50), pct(s, 95), pct(s, 99), s.get(s.size() - 1) / 1e6);
    }

    private static double pct(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, i)) / 1e6;
    }

    /** Puts n records one at a time, {@code rate} per second, on a thread of its own. */
    private static Thread producer(KinesisClient k, String stream, int n, int rate) {
        Thread t = new Thread(() -> {
            long gap = 1_000_000_000L / rate;
            long next = System.nanoTime();
            for (int i = 0; i < n; i++) {
                while (System.nanoTime() < next) {
                    Thread.onSpinWait();
                }
                String data = "{\"id\":" + i + ",\"t\":" + System.nanoTime() + "}";
                k.putRecord(b -> b.streamName(stream).partitionKey("k" + data.length())
                        .data(SdkBytes.fromUtf8String(data)));
                next += gap;
            }
        }, "bench-producer");
        t.start();
        return t;
    }

    private static long sent(String value) {
        Matcher m = T.matcher(value);
        if (!m.find()) {
            throw new IllegalStateException("no timestamp in " + value);
        }
        return Long.parseLong(m.group(1));
    }

    private static List<Long> taskRun(KinesisEmulator emu, KinesisClient k, String stream, String mode, int n, int rate)
            throws Exception {
        emu.createStream(stream, 1);
        String shard = k.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
        Map<String, String> props = BenchSupport.props(stream, List.of(shard), "string");
        props.put("name", "bench-" + stream);
        props.put("aws.endpoint.url", emu.endpoint().toString());
        props.put("aws.credentials.provider", "static");
        props.put("aws.access.key.id", TestAws.ACCESS_KEY);
        props.put("aws.secret.access.key", TestAws.SECRET_KEY);
        props.put(KinesisSourceConfig.CONSUMER_MODE, mode);
        KinesisSourceTask task = BenchSupport.start(new KinesisSourceTask(), props);
        // Let the reader reach the tip (efo: register the consumer, subscribe) before the first put.
        Thread.sleep(3000);
        Thread p = producer(k, stream, n, rate);
        List<Long> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000 + n * 1000L / rate;
        while (out.size() < n && System.currentTimeMillis() < deadline) {
            List<SourceRecord> r = task.poll();
            long now = System.nanoTime();
            if (r != null) {
                for (SourceRecord x : r) {
                    out.add(now - sent((String) x.value()));
                }
            }
        }
        p.join();
        task.stop();
        return out;
    }

    private static List<Long> bareRun(KinesisEmulator emu, KinesisClient k, String stream, int n, int rate)
            throws Exception {
        emu.createStream(stream, 1);
        String shard = k.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
        String streamArn = k.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
        k.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("bare"));
        String arn;
        while (true) {
            var d = k.describeStreamConsumer(b -> b.streamARN(streamArn).consumerName("bare")).consumerDescription();
            if (d.consumerStatus() == ConsumerStatus.ACTIVE) {
                arn = d.consumerARN();
                break;
            }
            Thread.sleep(200);
        }
        ConcurrentLinkedQueue<Long> out = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        URI endpoint = emu.endpoint();
        try (KinesisAsyncClient async = KinesisAsyncClient.builder().region(TestAws.REGION).endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(TestAws.ACCESS_KEY, TestAws.SECRET_KEY)))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()).build()) {
            String consumer = arn;
            // The SDK's plain subscriber: every event requested at once, nothing in between.
            var f = async.subscribeToShard(b -> b.consumerARN(consumer).shardId(shard)
                    .startingPosition(sp -> sp.type(ShardIteratorType.TRIM_HORIZON)),
                    SubscribeToShardResponseHandler.builder()
                            .onError(t -> {
                                t.printStackTrace();
                                done.set(true);
                            })
                            .subscriber(e -> {
                                long now = System.nanoTime();
                                if (e instanceof SubscribeToShardEvent) {
                                    for (Record r : ((SubscribeToShardEvent) e).records()) {
                                        out.add(now - sent(r.data().asUtf8String()));
                                    }
                                }
                            })
                            .build());
            Thread.sleep(3000);
            Thread p = producer(k, stream, n, rate);
            long deadline = System.currentTimeMillis() + 60_000 + n * 1000L / rate;
            while (out.size() < n && !done.get() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            p.join();
            f.cancel(true);
        }
        return new ArrayList<>(out);
    }
}
