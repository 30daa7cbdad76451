package io.mskbridge.kinesis;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import javax.management.AttributeNotFoundException;
import javax.management.MBeanInfo;
import javax.management.ObjectName;

import io.mskbridge.common.JmxRegistration;
import io.mskbridge.common.metrics.Counter;
import io.mskbridge.common.metrics.MetricScope;
import io.mskbridge.common.metrics.MetricUnit;
import io.mskbridge.common.metrics.Summary;
import io.mskbridge.common.metrics.TaskMetrics;

/**
 * Metrics of one task (docs/ARCHITECTURE.md, Logging and metrics), JMX
 * {@code kafka.connect.mskbridge:type=kinesis-source-task-metrics,connector=<name>,task=<id>}: task totals
 * {@code RecordsRead}, {@code BytesRead}, {@code IteratorReacquisitions}, {@code ThrottledRequests},
 * {@code ProcessingErrors}, {@code QueueRecords}, {@code QueueBytes}, {@code Shards}, the lag
 * {@code MillisBehindLatestMax} and {@code MillisSinceLastSuccessfulFetch}, and per shard
 * {@code MillisBehindLatest.<stream>.<shard>}, {@code RecordsRead.<stream>.<shard>},
 * {@code BytesRead.<stream>.<shard>}, {@code IteratorReacquisitions.<stream>.<shard>}. For CloudWatch, per stream
 * (never per shard): {@code RecordsRead}, {@code BytesRead}, {@code IteratorReacquisitions},
 * {@code ThrottledRequests} and the statistics of {@code MillisBehindLatest}; per task
 * {@code MillisSinceLastSuccessfulFetch} and {@code ProcessingErrors}.
 *
 * <p>Lag to alarm on is task-level, the worst of the shards still being read: {@code MillisBehindLatestMax}
 * (what Kinesis says) and {@code MillisSinceLastSuccessfulFetch}. The second is needed because the first
 * only moves when a GetRecords call succeeds: a shard that is throttled, waits for a parent, or is held back
 * by a full queue keeps its last (possibly small) MillisBehindLatest while it falls behind.
 */
final class KinesisSourceTaskMetrics implements AutoCloseable {

    static final class ShardStats {
        volatile long millisBehindLatest = -1;
        final LongAdder records = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final LongAdder reacquisitions = new LongAdder();
        /** When the shard's last GetRecords call succeeded; until then, when the task took the shard on. */
        volatile long lastFetchMillis;
        /** Closed and fully read, or gone: no longer part of the task's lag. */
        volatile boolean ended;
        /** The stream's CloudWatch metrics. */
        StreamStats stream;
    }

    /** What CloudWatch sees of a stream (bounded dimension: never a shard id). */
    private record StreamStats(Counter records, Counter bytes, Counter reacquisitions, Counter throttled,
                               Summary millisBehindLatest) {
    }

    static final String JMX_TYPE = "kinesis-source-task-metrics";
    /** Streams and shards one task can have metrics for; past the bound they share {@code Other}. */
    private static final int MAX_STREAMS = 100;
    private static final int MAX_SHARDS = 10_000;

    private final Map<String, ShardStats> shards = new ConcurrentHashMap<>();
    private final TaskMetrics metrics;
    private final Counter records;
    private final Counter bytes;
    private final Counter reacquisitions;
    private final Counter throttled;
    private final Counter processingErrors;
    // Enhanced fan-out only (kinesis.consumer.mode=efo).
    private final Counter subscriptions;
    private final Counter subscriptionFailures;
    /** 1 when the worker runs this task in transactions, 0 when not, -1 unknown ({@link ExactlyOnceDetection}). */
    private volatile long exactlyOnce = -1;
    private final TaskMetrics.Family<Counter> streamRecords;
    private final TaskMetrics.Family<Counter> streamBytes;
    private final TaskMetrics.Family<Counter> streamReacquisitions;
    private final TaskMetrics.Family<Counter> streamThrottled;
    private final TaskMetrics.Family<Summary> streamMillisBehind;
    private final List<TaskMetrics.Family<ShardStats>> shardFamilies;
    private final LongSupplier clock;

    KinesisSourceTaskMetrics(LongSupplier queueRecords, LongSupplier queueBytes) {
        this(queueRecords, queueBytes, System::currentTimeMillis);
    }

    /** @param clock wall-clock milliseconds (tests move it by hand) */
    KinesisSourceTaskMetrics(LongSupplier queueRecords, LongSupplier queueBytes, LongSupplier clock) {
        this.clock = clock;
        metrics = new TaskMetrics(JMX_TYPE, "Kinesis source task metrics", clock);
        records = metrics.counter("RecordsRead", MetricUnit.COUNT, MetricScope.JMX,
                "Records read from Kinesis by this task");
        bytes = metrics.counter("BytesRead", MetricUnit.BYTES, MetricScope.JMX,
                "Bytes of record data read by this task");
        metrics.gauge("MillisBehindLatestMax", MetricUnit.MILLISECONDS, MetricScope.JMX,
                "Largest MillisBehindLatest over the shards this task still reads (-1 before any answer)",
                this::millisBehindLatestMax);
        metrics.gauge("MillisSinceLastSuccessfulFetch", MetricUnit.MILLISECONDS, MetricScope.BOTH,
                "Longest time since a shard this task still reads had a successful GetRecords call (grows while "
                        + "throttled, waiting for a parent, or held back by a full queue)",
                this::millisSinceLastSuccessfulFetch);
        reacquisitions = metrics.counter("IteratorReacquisitions", MetricUnit.COUNT, MetricScope.JMX,
                "GetShardIterator calls made to replace an expired iterator (limited to 5/s per shard)");
        throttled = metrics.counter("ThrottledRequests", MetricUnit.COUNT, MetricScope.JMX,
                "GetRecords and GetShardIterator calls Kinesis throttled");
        processingErrors = metrics.counter("ProcessingErrors", MetricUnit.COUNT, MetricScope.BOTH,
                "Records the transforms routed to an invalid-records topic (ValidateFields on.invalid=route)");
        subscriptions = metrics.counter("Subscriptions", MetricUnit.COUNT, MetricScope.JMX,
                "Enhanced fan-out: SubscribeToShard calls (one per shard every 5 minutes, more after failures)");
        subscriptionFailures = metrics.counter("SubscriptionFailures", MetricUnit.COUNT, MetricScope.BOTH,
                "Enhanced fan-out: subscriptions that failed and were made again from the last delivered event");
        metrics.gauge("ExactlyOnce", MetricUnit.COUNT, MetricScope.BOTH, "1 when the worker runs this task with "
                + "exactly-once support (records and offsets in Kafka transactions), 0 when at-least-once, -1 when it "
                + "cannot tell", () -> exactlyOnce);
        metrics.gauge("QueueRecords", MetricUnit.COUNT, MetricScope.JMX, "Records waiting for poll()", queueRecords);
        metrics.gauge("QueueBytes", MetricUnit.BYTES, MetricScope.JMX, "Bytes waiting for poll()", queueBytes);
        metrics.gauge("Shards", MetricUnit.COUNT, MetricScope.JMX, "Shards this task has read from",
                () -> shards.size());
        streamRecords = metrics.counters("RecordsRead", MetricUnit.COUNT, MetricScope.CLOUDWATCH,
                "Records read from the stream", MAX_STREAMS, "Stream");
        streamBytes = metrics.counters("BytesRead", MetricUnit.BYTES, MetricScope.CLOUDWATCH,
                "Bytes read from the stream", MAX_STREAMS, "Stream");
        streamReacquisitions = metrics.counters("IteratorReacquisitions", MetricUnit.COUNT, MetricScope.CLOUDWATCH,
                "Expired iterators of the stream's shards replaced", MAX_STREAMS, "Stream");
        streamThrottled = metrics.counters("ThrottledRequests", MetricUnit.COUNT, MetricScope.CLOUDWATCH,
                "Throttled calls on the stream's shards", MAX_STREAMS, "Stream");
        streamMillisBehind = metrics.summaries("MillisBehindLatest", MetricUnit.MILLISECONDS, MetricScope.CLOUDWATCH,
                "MillisBehindLatest of each GetRecords answer on the stream", MAX_STREAMS, "Stream");
        shardFamilies = List.of(
                shardGauge("MillisBehindLatest", MetricUnit.MILLISECONDS, "MillisBehindLatest of the last GetRecords",
                        s -> s.millisBehindLatest),
                shardGauge("RecordsRead", MetricUnit.COUNT, "Records read", s -> s.records.sum()),
                shardGauge("BytesRead", MetricUnit.BYTES, "Bytes read", s -> s.bytes.sum()),
                shardGauge("IteratorReacquisitions", MetricUnit.COUNT, "Expired iterators replaced",
                        s -> s.reacquisitions.sum()));
    }

    private TaskMetrics.Family<ShardStats> shardGauge(String name, MetricUnit unit, String doc,
                                                      java.util.function.Function<ShardStats, Long> value) {
        return metrics.gauges(name, unit, MetricScope.JMX, doc, MAX_SHARDS,
                key -> shards.computeIfAbsent(key.get(0) + "/" + key.get(1), k -> newShard(key.get(0))), value,
                "Stream", "Shard");
    }

    private ShardStats newShard(String stream) {
        ShardStats s = new ShardStats();
        s.lastFetchMillis = clock.getAsLong();
        s.stream = new StreamStats(streamRecords.get(stream), streamBytes.get(stream),
                streamReacquisitions.get(stream), streamThrottled.get(stream), streamMillisBehind.get(stream));
        return s;
    }

    static ObjectName objectName(String connector, String task) {
        return JmxRegistration.objectName(JMX_TYPE, connector, task);
    }

    void register(String connector, String task) {
        metrics.register(connector, task);
    }

    /** The task's metrics, for the CloudWatch publisher. */
    TaskMetrics taskMetrics() {
        return metrics;
    }

    ShardStats shard(String stream, String shardId) {
        ShardStats s = null;
        for (TaskMetrics.Family<ShardStats> f : shardFamilies) {
            s = f.get(stream, shardId);
        }
        return s;
    }

    /** A successful GetRecords call on the shard returned {@code n} user records to queue (maybe none). */
    void recordBatch(ShardStats s, int n, long b, Long millisBehind) {
        s.lastFetchMillis = clock.getAsLong();
        s.records.add(n);
        s.bytes.add(b);
        records.add(n);
        bytes.add(b);
        s.stream.records().add(n);
        s.stream.bytes().add(b);
        if (millisBehind != null) {
            s.millisBehindLatest = millisBehind;
            s.stream.millisBehindLatest().record(millisBehind);
        }
    }

    /** The shard is closed and fully read, or gone: it no longer counts in the task's lag. */
    void ended(ShardStats s) {
        s.ended = true;
    }

    /** Largest MillisBehindLatest of the shards still read; -1 while none has answered a GetRecords call. */
    long millisBehindLatestMax() {
        long max = -1;
        for (ShardStats s : shards.values()) {
            if (!s.ended) {
                max = Math.max(max, s.millisBehindLatest);
            }
        }
        return max;
    }

    /** Longest time since a shard still read had a successful GetRecords call; 0 when no shard is read. */
    long millisSinceLastSuccessfulFetch() {
        long now = clock.getAsLong();
        long max = 0;
        for (ShardStats s : shards.values()) {
            if (!s.ended) {
                max = Math.max(max, now - s.lastFetchMillis);
            }
        }
        return max;
    }

    void iteratorReacquired(ShardStats s) {
        s.reacquisitions.increment();
        reacquisitions.increment();
        s.stream.reacquisitions().increment();
    }

    /** What {@link ExactlyOnceDetection} found at task start: 1, 0 or -1 (unknown). */
    void exactlyOnce(long value) {
        exactlyOnce = value;
    }

    /** Enhanced fan-out: a SubscribeToShard call was made (first, after 5 minutes, or after a failure). */
    void subscribed() {
        subscriptions.increment();
    }

    /** Enhanced fan-out: a subscription (or the step before it) failed; the reader subscribes again. */
    void subscriptionFailed() {
        subscriptionFailures.increment();
    }

    /** Kinesis throttled a call on the shard. */
    void throttled(ShardStats s) {
        throttled.increment();
        s.stream.throttled().increment();
    }

    /** A record went to an invalid-records topic. */
    void processingError() {
        processingErrors.increment();
    }

    long recordsRead() {
        return records.get();
    }

    /** A JMX attribute's value, as JMX reads it. */
    Object getAttribute(String attribute) throws AttributeNotFoundException {
        return metrics.getAttribute(attribute);
    }

    /** The JMX attributes. */
    MBeanInfo getMBeanInfo() {
        return metrics.getMBeanInfo();
    }

    @Override
    public void close() {
        metrics.close();
    }
}
