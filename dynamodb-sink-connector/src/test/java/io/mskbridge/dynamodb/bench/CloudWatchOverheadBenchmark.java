package io.mskbridge.dynamodb.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.sink.SinkRecord;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.mskbridge.dynamodb.BenchSupport;
import io.mskbridge.dynamodb.DynamoDbSinkTask;
import io.mskbridge.harness.CloudWatchServer;

/**
 * JMH: what the CloudWatch publisher costs the data path of a sink task, measured in pairs so that the noise of a
 * shared machine cannot decide it. Each fork holds two tasks, a reference (the publisher disabled) and a subject
 * (the publisher as {@code publisher} says), and every invocation hands the same {@value #POLL} records (Connect's
 * {@code max.poll.records}) to both, in alternating order, timing each {@code put()} on its own: the two are
 * measured milliseconds apart, on the same JIT-compiled code, through the same quiet or busy spell. Every iteration
 * so gives one paired figure per measure ({@link Pair}); {@link CloudWatchOverheadReport} pools them over iterations
 * and forks into ratios with JMH's score error.
 *
 * <p>What runs per record and per batch is the task's whole put path: the record-field metrics
 * ({@code count.by.field=event_type}: {@code RecordsProcessed} by {@code EventType};
 * {@code average.fields=quality_score}: {@code DataQualityScore}), the item mapping, de-duplication, the
 * {@code BatchWriter} with its writer threads and its {@code TaskMetrics} updates (items written, batch latency).
 * Only the network store is replaced by an in-memory DynamoDB: DynamoDB Local's latency (9,000 items/s here)
 * would hide a cost of a few per cent in the task's own CPU, which is what the publisher could take. Both tasks
 * have the same field metrics, so a ratio is what the publisher adds.
 *
 * <p>{@code publisher}: the subject's publisher runs every second (the smallest interval it takes) against a
 * {@link CloudWatchServer} in this JVM that accepts ({@code ok}), throttles every request ({@code throttle}),
 * answers 500 ({@code 5xx}), or against a port nothing listens on ({@code dead}); {@code off} disables it, so the
 * subject equals the reference: an A/A check of the method, whose ratio must come out 1 within its error.
 *
 * <p>Measures: CPU time of the threads that run {@code put()} (the caller's during that call, and the task's own
 * DynamoDB writer threads), with and without the CPU time of the publisher's threads (its own and the SDK
 * client's), and wall-clock time of the {@code put()} calls. Records per CPU-second is what a CPU-bound worker's
 * throughput follows, and unlike wall-clock time it does not count the time other processes hold the cores.
 * JMH's own score (records per second of both tasks together) is not the figure of interest.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(2 * CloudWatchOverheadBenchmark.POLL)
public class CloudWatchOverheadBenchmark {

    static final int POLL = 500;
    static final int DISTINCT_RECORDS = 20_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Param({"off", "ok", "throttle", "5xx", "dead"})
    public String publisher;

    private CloudWatchServer server;
    private DynamoDbSinkTask reference;
    private DynamoDbSinkTask subject;
    private String referenceWriters;
    private String subjectWriters;
    private List<List<SinkRecord>> polls;
    private int next;
    private long calls;

    /** One iteration's paired figures (JMH secondary results, reported as they are). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Pair {
        public long referenceRecords;
        public long referenceCpuNanos;
        public long referenceWallNanos;
        public long subjectRecords;
        public long subjectCpuNanos;
        public long subjectWallNanos;
        /** CPU time of the publisher's thread and of the SDK threads its client adds. */
        public long publisherCpuNanos;
        /** Bytes the publisher's threads allocated (what they add to the GC's work). */
        public long publisherAllocatedBytes;
        /** PutMetricData requests the stand-in received. */
        public long putMetricDataRequests;

        private CloudWatchOverheadBenchmark bench;
        private long referenceWriters0;
        private long subjectWriters0;
        private long publisher0;
        private long allocated0;
        private long requests0;

        @Setup(Level.Iteration)
        public void begin(CloudWatchOverheadBenchmark b) {
            bench = b;
            referenceRecords = 0;
            referenceCpuNanos = 0;
            referenceWallNanos = 0;
            subjectRecords = 0;
            subjectCpuNanos = 0;
            subjectWallNanos = 0;
            referenceWriters0 = cpuNanos(b.referenceWriters);
            subjectWriters0 = cpuNanos(b.subjectWriters);
            publisher0 = cpuNanos(PUBLISHER_THREADS);
            allocated0 = allocatedBytes(PUBLISHER_THREADS);
            requests0 = b.requests();
        }

        @TearDown(Level.Iteration)
        public void end() {
            referenceCpuNanos += cpuNanos(bench.referenceWriters) - referenceWriters0;
            subjectCpuNanos += cpuNanos(bench.subjectWriters) - subjectWriters0;
            publisherCpuNanos = cpuNanos(PUBLISHER_THREADS) - publisher0;
            publisherAllocatedBytes = allocatedBytes(PUBLISHER_THREADS) - allocated0;
            putMetricDataRequests = bench.requests() - requests0;
        }
    }

    @Setup(Level.Trial)
    public void start() throws IOException {
        List<SinkRecord> records = SinkThroughputBenchmark.records("bench", DISTINCT_RECORDS);
        polls = new ArrayList<>();
        for (int i = 0; i < records.size(); i += POLL) {
            polls.add(records.subList(i, Math.min(records.size(), i + POLL)));
        }
        String endpoint = null;
        switch (publisher) {
            case "off":
                break;
            case "dead":
                try (ServerSocket s = new ServerSocket(0)) {
                    endpoint = "http://127.0.0.1:" + s.getLocalPort();
                }
                break;
            default:
                server = CloudWatchServer.start();
                server.mode(switch (publisher) {
                    case "ok" -> CloudWatchServer.Mode.OK;
                    case "throttle" -> CloudWatchServer.Mode.THROTTLE;
                    case "5xx" -> CloudWatchServer.Mode.SERVER_ERROR;
                    default -> throw new IllegalArgumentException("publisher=" + publisher);
                });
                endpoint = server.endpoint().toString();
        }
        reference = BenchSupport.taskWithInMemoryDynamoDb();
        reference.start(props("bench-reference", null));
        referenceWriters = writerPrefix(reference, "");
        subject = BenchSupport.taskWithInMemoryDynamoDb();
        subject.start(props("bench", endpoint));
        subjectWriters = writerPrefix(subject, referenceWriters);
    }

    /** The name prefix of the writer threads of {@code task} (started by its first put()), other than {@code not}. */
    private String writerPrefix(DynamoDbSinkTask task, String not) {
        task.put(polls.get(0));
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            String name = t == null ? "" : t.getThreadName();
            if (name.startsWith("mskbridge-dynamodb-writer-") && (not.isEmpty() || !name.startsWith(not))) {
                return name.substring(0, name.lastIndexOf('-') + 1);
            }
        }
        throw new IllegalStateException("no DynamoDB writer threads found");
    }

    @Benchmark
    public void put(Pair pair) {
        List<SinkRecord> poll = polls.get(next);
        next = next + 1 == polls.size() ? 0 : next + 1;
        if ((calls++ & 1) == 0) {
            timed(reference, poll, pair, false);
            timed(subject, poll, pair, true);
        } else {
            timed(subject, poll, pair, true);
            timed(reference, poll, pair, false);
        }
    }

    private static void timed(DynamoDbSinkTask task, List<SinkRecord> poll, Pair pair, boolean isSubject) {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        task.put(poll);
        long wall = System.nanoTime() - wall0;
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        if (isSubject) {
            pair.subjectRecords += poll.size();
            pair.subjectCpuNanos += cpu;
            pair.subjectWallNanos += wall;
        } else {
            pair.referenceRecords += poll.size();
            pair.referenceCpuNanos += cpu;
            pair.referenceWallNanos += wall;
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        reference.stop();
        subject.stop();
        if (server != null) {
            server.close();
        }
    }

    private long requests() {
        return server == null ? 0 : server.requests();
    }

    static Map<String, String> props(String name, String endpoint) {
        Map<String, String> p = new HashMap<>(BenchSupport.seedConfig("aws.access.key.id", "AKIDBENCH",
                "aws.secret.access.key", "secret", "aws.credentials.provider", "static"));
        p.put("name", name);
        p.put("metrics.cloudwatch.count.by.field", "event_type");
        p.put("metrics.cloudwatch.average.fields", "quality_score");
        if (endpoint != null) {
            p.put("metrics.cloudwatch.enabled", "true");
            p.put("metrics.cloudwatch.endpoint.url", endpoint);
            p.put("metrics.cloudwatch.interval.ms", "1000");
        }
        return p;
    }

    /** The publisher's thread and the SDK client's (connection reaper, timers). */
    private static final String PUBLISHER_THREADS = "<publisher>";

    private static boolean matches(String name, String prefix) {
        return PUBLISHER_THREADS.equals(prefix)
                ? name.startsWith("mskbridge-cloudwatch") || name.startsWith("idle-connection-reaper")
                        || name.startsWith("sdk-")
                : name.startsWith(prefix);
    }

    private static long cpuNanos(String prefix) {
        long sum = 0;
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t != null && matches(t.getThreadName(), prefix)) {
                sum += Math.max(0, THREADS.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    private static long allocatedBytes(String prefix) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) THREADS;
        long sum = 0;
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t != null && matches(t.getThreadName(), prefix)) {
                sum += Math.max(0, threads.getThreadAllocatedBytes(t.getThreadId()));
            }
        }
        return sum;
    }
}
