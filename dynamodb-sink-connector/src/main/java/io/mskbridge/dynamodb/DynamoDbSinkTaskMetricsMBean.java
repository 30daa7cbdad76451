package io.mskbridge.dynamodb;

/**
 * JMX view of one task, registered as
 * {@code kafka.connect.mskbridge:type=dynamodb-sink-task-metrics,connector=<name>,task=<id>}.
 * Counters are cumulative since the task started.
 */
public interface DynamoDbSinkTaskMetricsMBean {

    /** Items durably written by PutRequests. */
    long getItemsWritten();

    /** Items deleted for tombstones. */
    long getItemsDeleted();

    /** Successful BatchWriteItem requests (including retries that made progress). */
    long getBatchRequests();

    /** Retried BatchWriteItem requests (throttling, 5xx, UnprocessedItems). */
    long getRetries();

    /** Requests failed with throttling (ProvisionedThroughputExceeded, ThrottlingException, ...). */
    long getThrottledRequests();

    /** Items DynamoDB returned as UnprocessedItems (each resend counted again). */
    long getUnprocessedItems();

    /** Records sent to the errant record reporter (DLQ). */
    long getRecordsSentToDlq();

    /** Tombstones skipped because deletes are off. */
    long getTombstonesSkipped();

    /** Records superseded by a later record with the same key in the same put(). */
    long getDuplicatesCollapsed();

    /** put() calls that gave up with a RetriableException (Connect redelivers them). */
    long getRetriableFailures();
}
