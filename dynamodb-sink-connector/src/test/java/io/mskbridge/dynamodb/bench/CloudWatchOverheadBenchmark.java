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
 * interleaved, several rounds each; compared are the best wall-clock run and the median records per second of
 * the CPU time of the threads that run {@code put()} (the build machine is shared: other processes slow runs down at
 * random). The reference is the publisher off with the same record-field metrics, so the ratio is what the
 * publisher adds; "publisher off" without them shows what the field metrics themselves cost. Not a unit test; run with
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
            variants.put("off, field metrics on", fieldsOnly(props(null)));
            variants.put("on, healthy CloudWatch", props(healthy.endpoint().toString()));
            variants.put("on, CloudWatch hangs", props(hanging.endpoint().toString()));
            variants.put("on, dead endpoint", props("http://127.0.0.1:" + dead));
            Map<String, List<Double>> rates = new java.util.LinkedHashMap<>();
            Map<String, List<Double>> perCpu = new java.util.LinkedHashMap<>();
            Map<String, List<Double>> share = new java.util.LinkedHashMap<>();
            variants.keySet().forEach(k -> share.put(k, new ArrayList<>()));
            variants.keySet().forEach(k -> rates.put(k, new ArrayList<>()));
            variants.keySet().forEach(k -> perCpu.put(k, new ArrayList<>()));
            // Warm-up: JIT of every path.
            for (Map<String, String> p : variants.values()) {
                run(p, records, n / 4);
            }
            // Each round starts with another variant, so no variant always runs first or after the same one.
            List<String> order = new ArrayList<>(variants.keySet());
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < order.size(); i++) {
                    String v = order.get((r + i) % order.size());
                    double[] r2 = run(variants.get(v), records, n);
                    rates.get(v).add(r2[0]);
                    perCpu.get(v).add(r2[1]);
                    share.get(v).add(r2[2]);
                }
            }
            double offBest = best(rates.get("off, field metrics on"));
            double offCpu = median(perCpu.get("off, field metrics on"));
            StringBuilder report = new StringBuilder(String.format("%n=== DynamoDB sink put() throughput with the "
                    + "CloudWatch publisher (%d records per run, %d runs each; in-memory DynamoDB; interval 1 s, "
                    + "count.by.field and average.fields on) ===%n"
                    + "  ratios to 'off, field metrics on' (the same data-path work without the publisher); wall clock: "
                    + "best run (other processes only ever slow a run down); data-path CPU: records per second of CPU "
                    + "time of the threads that run put() (the caller and the DynamoDB writers), median%n", n, rounds));
            for (String v : variants.keySet()) {
                double b = best(rates.get(v));
                double c = median(perCpu.get(v));
                report.append(String.format("  %-24s: %9.0f records/s, ratio %.3f | %9.0f records/CPU-s, ratio %.3f "
                        + "(target >= 0.98) | publisher thread CPU %.2f %% of the data path's   runs %s%n", v, b,
                        b / offBest, c, c / offCpu, 100 * median(share.get(v)),
                        rates.get(v).stream().map(x -> String.format("%.0f", x)).toList()));
            }
            report.append(String.format("  points received by the healthy stand-in: %d%n", healthy.data().size()));
            System.out.println(report);
        }
    }

    private static Map<String, String> fieldsOnly(Map<String, String> p) {
        p.put("metrics.cloudwatch.count.by.field", "event_type");
        p.put("metrics.cloudwatch.average.fields", "quality_score");
        return p;
    }

    /** CPU time of the threads that run put(): this one and the task's DynamoDB writer threads. */
    private static long dataPathCpuNanos() {
        return cpuNanos(name -> name.equals(Thread.currentThread().getName())
                || name.startsWith("mskbridge-dynamodb-writer"));
    }

    /** CPU time of the publisher's thread and of the SDK client threads it adds (connection reaper, timers). */
    private static long publisherCpuNanos() {
        return cpuNanos(name -> name.startsWith("mskbridge-cloudwatch") || name.startsWith("idle-connection-reaper")
                || name.startsWith("sdk-"));
    }

    private static long cpuNanos(java.util.function.Predicate<String> which) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && which.test(t.getThreadName())) {
                sum += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    private static Map<String, String> props(String endpoint) {
        Map<String, String> p = new HashMap<>(BenchSupport.seedConfig("aws.access.key.id", "AKIDBENCH",
                "aws.secret.access.key", "secret", "aws.credentials.provider", "static"));
        p.put("name", "bench");
        if (endpoint != null) {
            p.put("metrics.cloudwatch.enabled", "true");
            p.put("metrics.cloudwatch.endpoint.url", endpoint);
            p.put("metrics.cloudwatch.interval.ms", "1000");
            fieldsOnly(p);
        }
        return p;
    }

    /** {records per second, records per second of data-path CPU time, publisher CPU / data-path CPU}. */
    private static double[] run(Map<String, String> props, List<SinkRecord> records, int n) {
        DynamoDbSinkTask task = BenchSupport.taskWithInMemoryDynamoDb();
        task.start(props);
        long cpu0 = dataPathCpuNanos();
        long pub0 = publisherCpuNanos();
        long t0 = System.nanoTime();
        int done = 0;
        while (done < n) {
            for (int i = 0; i < records.size() && done < n; i += POLL) {
                task.put(records.subList(i, Math.min(records.size(), i + POLL)));
                done += POLL;
            }
        }
        double rate = done / ((System.nanoTime() - t0) / 1e9);
        long dataCpu = dataPathCpuNanos() - cpu0;
        double perCpuSecond = done / (dataCpu / 1e9);
        double publisherShare = (double) (publisherCpuNanos() - pub0) / dataCpu;
        task.stop();
        return new double[] {rate, perCpuSecond, publisherShare};
    }

    private static double best(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
