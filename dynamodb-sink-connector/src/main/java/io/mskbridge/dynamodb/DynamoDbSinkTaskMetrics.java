package io.mskbridge.dynamodb;

import java.util.concurrent.atomic.LongAdder;

import javax.management.ObjectName;

import io.mskbridge.common.JmxRegistration;

/** The counters behind {@link DynamoDbSinkTaskMetricsMBean}; thread-safe (writer threads update them). */
public final class DynamoDbSinkTaskMetrics implements DynamoDbSinkTaskMetricsMBean, AutoCloseable {

    final LongAdder itemsWritten = new LongAdder();
    final LongAdder itemsDeleted = new LongAdder();
    final LongAdder batchRequests = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder throttled = new LongAdder();
    final LongAdder unprocessed = new LongAdder();
    final LongAdder dlq = new LongAdder();
    final LongAdder tombstonesSkipped = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder retriableFailures = new LongAdder();

    static final String JMX_TYPE = "dynamodb-sink-task-metrics";

    private JmxRegistration registration;

    /** The MBean name for a task. */
    public static ObjectName objectName(String connector, String task) {
        return JmxRegistration.objectName(JMX_TYPE, connector, task);
    }

    /** Registers (replacing a leftover of a previous incarnation of the same task in this JVM). */
    public synchronized DynamoDbSinkTaskMetrics register(String connector, String task) {
        registration = JmxRegistration.register(this, JMX_TYPE, connector, task);
        return this;
    }

    @Override
    public synchronized void close() {
        if (registration != null) {
            registration.close();
            registration = null;
        }
    }

    @Override
    public long getItemsWritten() {
        return itemsWritten.sum();
    }

    @Override
    public long getItemsDeleted() {
        return itemsDeleted.sum();
    }

    @Override
    public long getBatchRequests() {
        return batchRequests.sum();
    }

    @Override
    public long getRetries() {
        return retries.sum();
    }

    @Override
    public long getThrottledRequests() {
        return throttled.sum();
    }

    @Override
    public long getUnprocessedItems() {
        return unprocessed.sum();
    }

    @Override
    public long getRecordsSentToDlq() {
        return dlq.sum();
    }

    @Override
    public long getTombstonesSkipped() {
        return tombstonesSkipped.sum();
    }

    @Override
    public long getDuplicatesCollapsed() {
        return duplicates.sum();
    }

    @Override
    public long getRetriableFailures() {
        return retriableFailures.sum();
    }
}
