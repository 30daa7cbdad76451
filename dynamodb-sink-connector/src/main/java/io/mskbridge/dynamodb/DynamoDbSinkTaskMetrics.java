package io.mskbridge.dynamodb;

import javax.management.ObjectName;

import io.mskbridge.common.JmxRegistration;
import io.mskbridge.common.metrics.Counter;
import io.mskbridge.common.metrics.MetricScope;
import io.mskbridge.common.metrics.MetricUnit;
import io.mskbridge.common.metrics.Summary;
import io.mskbridge.common.metrics.TaskMetrics;

/**
 * Metrics of one task (docs/ARCHITECTURE.md, Logging and metrics), JMX
 * {@code kafka.connect.mskbridge:type=dynamodb-sink-task-metrics,connector=<name>,task=<id>}; counters are
 * cumulative since the task started and thread-safe (writer threads update them). Published to CloudWatch when
 * enabled: {@code ItemsWritten}, {@code ItemsDeleted}, {@code Retries}, {@code ThrottledRequests},
 * {@code RecordsSentToDlq}, {@code ProcessingErrors} (the same records: the sink counts what it dead-letters),
 * {@code RetriableFailures} and the statistics of {@code BatchLatency}.
 */
public final class DynamoDbSinkTaskMetrics implements AutoCloseable {

    static final String JMX_TYPE = "dynamodb-sink-task-metrics";

    private final TaskMetrics metrics = new TaskMetrics(JMX_TYPE, "DynamoDB sink task metrics");
    /** Items durably written by PutRequests. */
    final Counter itemsWritten = metrics.counter("ItemsWritten", MetricUnit.COUNT, MetricScope.BOTH,
            "Items durably written by PutRequests");
    final Counter itemsDeleted = metrics.counter("ItemsDeleted", MetricUnit.COUNT, MetricScope.BOTH,
            "Items deleted for tombstones");
    final Counter batchRequests = metrics.counter("BatchRequests", MetricUnit.COUNT, MetricScope.JMX,
            "Successful BatchWriteItem requests (including retries that made progress)");
    final Counter retries = metrics.counter("Retries", MetricUnit.COUNT, MetricScope.BOTH,
            "Retried BatchWriteItem requests (throttling, 5xx, UnprocessedItems)");
    final Counter throttled = metrics.counter("ThrottledRequests", MetricUnit.COUNT, MetricScope.BOTH,
            "Requests failed with throttling (ProvisionedThroughputExceeded, ThrottlingException, ...)");
    final Counter unprocessed = metrics.counter("UnprocessedItems", MetricUnit.COUNT, MetricScope.JMX,
            "Items DynamoDB returned as UnprocessedItems (each resend counted again)");
    final Counter dlq = metrics.counter("RecordsSentToDlq", MetricUnit.COUNT, MetricScope.BOTH,
            "Records sent to the errant record reporter (DLQ)");
    final Counter processingErrors = metrics.counter("ProcessingErrors", MetricUnit.COUNT, MetricScope.CLOUDWATCH,
            "Records sent to the errant record reporter (DLQ), under the seed's name");
    final Counter tombstonesSkipped = metrics.counter("TombstonesSkipped", MetricUnit.COUNT, MetricScope.JMX,
            "Tombstones skipped because deletes are off");
    final Counter duplicates = metrics.counter("DuplicatesCollapsed", MetricUnit.COUNT, MetricScope.JMX,
            "Records superseded by a later record with the same key in the same put()");
    final Counter retriableFailures = metrics.counter("RetriableFailures", MetricUnit.COUNT, MetricScope.BOTH,
            "put() calls that gave up with a RetriableException (Connect redelivers them)");
    /** Time to write one put()'s records, retries included. */
    final Summary batchLatency = metrics.summary("BatchLatency", MetricUnit.MILLISECONDS, MetricScope.BOTH,
            "Time to write the records of one put(), retries included, in ms");

    /** The MBean name for a task. */
    public static ObjectName objectName(String connector, String task) {
        return JmxRegistration.objectName(JMX_TYPE, connector, task);
    }

    /** Registers (replacing a leftover of a previous incarnation of the same task in this JVM). */
    public DynamoDbSinkTaskMetrics register(String connector, String task) {
        metrics.register(connector, task);
        return this;
    }

    /** The task's metrics, for the CloudWatch publisher. */
    TaskMetrics taskMetrics() {
        return metrics;
    }

    /** A record went to the DLQ. */
    void deadLettered() {
        dlq.increment();
        processingErrors.increment();
    }

    @Override
    public void close() {
        metrics.close();
    }

    public long getItemsWritten() {
        return itemsWritten.get();
    }

    public long getItemsDeleted() {
        return itemsDeleted.get();
    }

    public long getBatchRequests() {
        return batchRequests.get();
    }

    public long getRetries() {
        return retries.get();
    }

    public long getThrottledRequests() {
        return throttled.get();
    }

    public long getUnprocessedItems() {
        return unprocessed.get();
    }

    public long getRecordsSentToDlq() {
        return dlq.get();
    }

    public long getTombstonesSkipped() {
        return tombstonesSkipped.get();
    }

    public long getDuplicatesCollapsed() {
        return duplicates.get();
    }

    public long getRetriableFailures() {
        return retriableFailures.get();
    }
}
