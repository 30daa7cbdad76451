package io.mskbridge.dynamodb.bench;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.sink.SinkRecord;

import io.mskbridge.dynamodb.BenchSupport;
import io.mskbridge.dynamodb.DynamoDbSinkTask;
import io.mskbridge.harness.CloudWatchServer;

/**
 * What the CloudWatch publisher costs the data path: {@code DynamoDbSinkTask.put()} throughput against an
 * in-memory DynamoDB (so only the task's own CPU counts, not a server's), with the publisher off, and on (every
 * second, with {@code count.by.field=event_type} and {@code average.fields=quality_score}) pointed at a healthy
 * CloudWatch stand-in, at one that hangs every request, and at a port nothing listens on. Variants run
 * interleaved, several rounds each, and the median is compared (the machine is shared). Not a unit test; run with
 * {@code mvn -B -o -pl dynamodb-sink-connector -am -Pbenchmarks verify -DskipTests -DskipITs}.
 */
public final class CloudWatchOverheadBenchmark {

    private static final int POLL = 500;

    private CloudWatchOverheadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<SinkRecord> records = SinkThroughputBenchmark.records("bench", 20_000);
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        try (CloudWatchServer healthy = CloudWatchServer.start(); CloudWatchServer hanging = CloudWatchServer.start()) {
            hanging.mode(CloudWatchServer.Mode.HANG);
            Map<String, Map<String, String>> variants = new java.util.LinkedHashMap<>();
            variants.put("publisher off", props(null));
            variants.put("on, healthy CloudWatch", props(healthy.endpoint().toString()));
            variants.put("on, CloudWatch hangs", props(hanging.endpoint().toString()));
            variants.put("on, dead endpoint", props("http://127.0.0.1:" + dead));
            Map<String, List<Double>> rates = new java.util.LinkedHashMap<>();
            variants.keySet().forEach(k -> rates.put(k, new ArrayList<>()));
            // Warm-up: JIT of every path.
            for (Map<String, String> p : variants.values()) {
                run(p, records, n / 4);
            }
            // Each round starts with another variant, so no variant always runs first or after the same one.
            List<String> order = new ArrayList<>(variants.keySet());
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < order.size(); i++) {
                    String v = order.get((r + i) % order.size());
                    rates.get(v).add(run(variants.get(v), records, n));
                }
            }
            double off = median(rates.get("publisher off"));
            StringBuilder report = new StringBuilder(String.format("%n=== DynamoDB sink put() throughput with the "
                    + "CloudWatch publisher (%d records per run, %d runs each, median; in-memory DynamoDB) ===%n", n,
                    rounds));
            for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
                double m = median(e.getValue());
                report.append(String.format("  %-24s: %10.0f records/s   ratio to off %.3f (target >= 0.98)   runs %s%n",
                        e.getKey(), m, m / off, e.getValue().stream().map(x -> String.format("%.0f", x)).toList()));
            }
            report.append(String.format("  points received by the healthy stand-in: %d%n", healthy.data().size()));
            System.out.println(report);
        }
    }

    private static Map<String, String> props(String endpoint) {
        Map<String, String> p = new HashMap<>(BenchSupport.seedConfig("aws.access.key.id", "AKIDBENCH",
                "aws.secret.access.key", "secret", "aws.credentials.provider", "static"));
        p.put("name", "bench");
        if (endpoint != null) {
            p.put("metrics.cloudwatch.enabled", "true");
            p.put("metrics.cloudwatch.endpoint.url", endpoint);
            p.put("metrics.cloudwatch.interval.ms", "1000");
            p.put("metrics.cloudwatch.count.by.field", "event_type");
            p.put("metrics.cloudwatch.average.fields", "quality_score");
        }
        return p;
    }

    private static double run(Map<String, String> props, List<SinkRecord> records, int n) {
        DynamoDbSinkTask task = BenchSupport.taskWithInMemoryDynamoDb();
        task.start(props);
        long t0 = System.nanoTime();
        int done = 0;
        while (done < n) {
            for (int i = 0; i < records.size() && done < n; i += POLL) {
                task.put(records.subList(i, Math.min(records.size(), i + POLL)));
                done += POLL;
            }
        }
        double rate = done / ((System.nanoTime() - t0) / 1e9);
        task.stop();
        return rate;
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
