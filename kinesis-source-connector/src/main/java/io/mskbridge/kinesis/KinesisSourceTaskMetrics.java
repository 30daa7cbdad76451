package io.mskbridge.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.ObjectName;

import io.mskbridge.common.JmxRegistration;

/**
 * JMX metrics of one task, {@code kafka.connect.mskbridge:type=kinesis-source-task-metrics,connector=<name>,
 * task=<id>}: totals, iterator re-acquisitions, queue depth, lag, and per shard
 * {@code <stream>.<shard>.millis-behind-latest}, {@code .records-read}, {@code .bytes-read},
 * {@code .iterator-reacquisitions}. A DynamicMBean because the attribute set follows the shards.
 *
 * <p>Lag to alarm on is task-level, the worst of the shards still being read: {@code millis-behind-latest-max}
 * (what Kinesis says) and {@code millis-since-last-successful-fetch}. The second is needed because the first
 * only moves when a GetRecords call succeeds: a shard that is throttled, waits for a parent, or is held back
 * by a full queue keeps its last (possibly small) MillisBehindLatest while it falls behind.
 */
final class KinesisSourceTaskMetrics implements DynamicMBean, AutoCloseable {

    static final class ShardStats {
        volatile long millisBehindLatest = -1;
        final LongAdder records = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final LongAdder reacquisitions = new LongAdder();
        /** When the shard's last GetRecords call succeeded; until then, when the task took the shard on. */
        volatile long lastFetchMillis;
        /** Closed and fully read, or gone: no longer part of the task's lag. */
        volatile boolean ended;
    }

    private final Map<String, ShardStats> shards = new ConcurrentHashMap<>();
    private final LongAdder records = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder reacquisitions = new LongAdder();
    private final LongSupplier queueRecords;
    private final LongSupplier queueBytes;
    private final LongSupplier clock;
    /** 1 when the worker runs this task in transactions, 0 when not, -1 unknown ({@link ExactlyOnceDetection}). */
    private volatile long exactlyOnce = -1;
    static final String JMX_TYPE = "kinesis-source-task-metrics";

    private JmxRegistration registration;

    KinesisSourceTaskMetrics(LongSupplier queueRecords, LongSupplier queueBytes) {
        this(queueRecords, queueBytes, System::currentTimeMillis);
    }

    /** @param clock wall-clock milliseconds (tests move it by hand) */
    KinesisSourceTaskMetrics(LongSupplier queueRecords, LongSupplier queueBytes, LongSupplier clock) {
        this.queueRecords = queueRecords;
        this.queueBytes = queueBytes;
        this.clock = clock;
    }

    static ObjectName objectName(String connector, String task) {
        return JmxRegistration.objectName(JMX_TYPE, connector, task);
    }

    void register(String connector, String task) {
        registration = JmxRegistration.register(this, JMX_TYPE, connector, task);
    }

    ShardStats shard(String stream, String shardId) {
        return shards.computeIfAbsent(stream + "." + shardId, k -> {
            ShardStats s = new ShardStats();
            s.lastFetchMillis = clock.getAsLong();
            return s;
        });
    }

    /** A successful GetRecords call on the shard returned {@code n} user records to queue (maybe none). */
    void recordBatch(ShardStats s, int n, long b, Long millisBehind) {
        s.lastFetchMillis = clock.getAsLong();
        s.records.add(n);
        s.bytes.add(b);
        records.add(n);
        bytes.add(b);
        if (millisBehind != null) {
            s.millisBehindLatest = millisBehind;
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
    }

    void exactlyOnce(long value) {
        exactlyOnce = value;
    }

    long recordsRead() {
        return records.sum();
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        switch (attribute) {
            case "records-read-total":
                return records.sum();
            case "bytes-read-total":
                return bytes.sum();
            case "millis-behind-latest-max":
                return millisBehindLatestMax();
            case "millis-since-last-successful-fetch":
                return millisSinceLastSuccessfulFetch();
            case "iterator-reacquisitions-total":
                return reacquisitions.sum();
            case "queue-records":
                return queueRecords.getAsLong();
            case "queue-bytes":
                return queueBytes.getAsLong();
            case "shards":
                return (long) shards.size();
            case "exactly-once":
                return exactlyOnce;
            default:
                int dot = attribute.lastIndexOf('.');
                if (dot > 0) {
                    ShardStats s = shards.get(attribute.substring(0, dot));
                    if (s != null) {
                        switch (attribute.substring(dot + 1)) {
                            case "millis-behind-latest":
                                return s.millisBehindLatest;
                            case "records-read":
                                return s.records.sum();
                            case "bytes-read":
                                return s.bytes.sum();
                            case "iterator-reacquisitions":
                                return s.reacquisitions.sum();
                            default:
                        }
                    }
                }
                throw new AttributeNotFoundException(attribute);
        }
    }

    @Override
    public void setAttribute(Attribute attribute) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList l = new AttributeList();
        for (String a : attributes) {
            try {
                l.add(new Attribute(a, getAttribute(a)));
            } catch (AttributeNotFoundException ignored) {
                // JMX semantics: unknown attributes are left out
            }
        }
        return l;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException(actionName);
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        List<MBeanAttributeInfo> attrs = new ArrayList<>();
        attrs.add(attr("records-read-total", "Records read from Kinesis by this task"));
        attrs.add(attr("bytes-read-total", "Bytes of record data read by this task"));
        attrs.add(attr("millis-behind-latest-max",
                "Largest MillisBehindLatest over the shards this task still reads (-1 before any answer)"));
        attrs.add(attr("millis-since-last-successful-fetch", "Longest time since a shard this task still reads "
                + "had a successful GetRecords call (grows while throttled, waiting for a parent, or held back by "
                + "a full queue)"));
        attrs.add(attr("iterator-reacquisitions-total",
                "GetShardIterator calls made to replace an expired iterator (limited to 5/s per shard)"));
        attrs.add(attr("queue-records", "Records waiting for poll()"));
        attrs.add(attr("queue-bytes", "Bytes waiting for poll()"));
        attrs.add(attr("shards", "Shards this task has read from"));
        attrs.add(attr("exactly-once", "1 when the worker runs this task with exactly-once support (records and "
                + "offsets in Kafka transactions), 0 when at-least-once, -1 when it cannot tell"));
        for (String s : shards.keySet()) {
            attrs.add(attr(s + ".millis-behind-latest", "MillisBehindLatest of the last GetRecords on " + s));
            attrs.add(attr(s + ".records-read", "Records read from " + s));
            attrs.add(attr(s + ".bytes-read", "Bytes read from " + s));
            attrs.add(attr(s + ".iterator-reacquisitions", "Expired iterators of " + s + " replaced"));
        }
        return new MBeanInfo(getClass().getName(), "Kinesis source task metrics",
                attrs.toArray(new MBeanAttributeInfo[0]), null, null, null);
    }

    private static MBeanAttributeInfo attr(String name, String desc) {
        return new MBeanAttributeInfo(name, "long", desc, true, false, false);
    }

    @Override
    public void close() {
        if (registration != null) {
            registration.close();
            registration = null;
        }
    }
}
