package io.mskbridge.s3;

import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import io.mskbridge.common.metrics.Counter;
import io.mskbridge.common.metrics.MetricScope;
import io.mskbridge.common.metrics.MetricUnit;
import io.mskbridge.common.metrics.Summary;
import io.mskbridge.common.metrics.TaskMetrics;

/**
 * Metrics of one task (docs/ARCHITECTURE.md, Logging and metrics), JMX
 * {@code kafka.connect.mskbridge:type=s3-sink-task-metrics,connector=<name>,task=<id>}. Counters are thread-safe
 * because JMX and the publisher read them from other threads. Published to CloudWatch when enabled:
 * {@code ObjectsWritten}, {@code BytesWritten}, {@code RecordsWritten}, {@code UploadRetries},
 * {@code UploadFailures}, {@code RecordsSentToDlq}, {@code ProcessingErrors} (the same records: the sink counts
 * what it dead-letters), {@code BufferedBytes} and the statistics of {@code BatchLatency} (one object's upload).
 */
public final class S3ArchiveSinkTaskMetrics implements AutoCloseable {

    static final String JMX_TYPE = "s3-sink-task-metrics";

    private final TaskMetrics metrics = new TaskMetrics(JMX_TYPE, "S3 archive sink task metrics");
    private final Counter objects = metrics.counter("ObjectsWritten", MetricUnit.COUNT, MetricScope.BOTH,
            "Objects uploaded");
    private final Counter bytes = metrics.counter("BytesWritten", MetricUnit.BYTES, MetricScope.BOTH,
            "Bytes of the uploaded objects");
    private final Counter records = metrics.counter("RecordsWritten", MetricUnit.COUNT, MetricScope.BOTH,
            "Records in the uploaded objects");
    private final Counter retries = metrics.counter("UploadRetries", MetricUnit.COUNT, MetricScope.BOTH,
            "S3 calls retried (throttling, 5xx, timeouts)");
    private final Counter failures = metrics.counter("UploadFailures", MetricUnit.COUNT, MetricScope.BOTH,
            "Uploads that gave up (the batch is redelivered)");
    private final Counter dlq = metrics.counter("RecordsSentToDlq", MetricUnit.COUNT, MetricScope.BOTH,
            "Records sent to the errant record reporter (DLQ)");
    private final Counter processingErrors = metrics.counter("ProcessingErrors", MetricUnit.COUNT,
            MetricScope.CLOUDWATCH, "Records sent to the errant record reporter (DLQ), under the seed's name");
    private final Counter found = metrics.counter("ObjectsFound", MetricUnit.COUNT, MetricScope.JMX,
            "Objects a conditional write found already written with the same batch (another owner, or a lost answer)");
    private final Counter adopted = metrics.counter("BatchesAdopted", MetricUnit.COUNT, MetricScope.BOTH,
            "Batches whose claim another owner of the partition held with another cut, adopted by re-reading them");
    private final Summary uploadLatency = metrics.summary("BatchLatency", MetricUnit.MILLISECONDS, MetricScope.BOTH,
            "Time to upload one object, retries included, in ms");
    private volatile LongSupplier buffered = () -> 0;
    private volatile LongSupplier limit = () -> 0;
    private volatile LongSupplier spilled = () -> 0;
    private volatile IntSupplier open = () -> 0;
    private volatile LongSupplier valueFieldsDropped = () -> 0;

    S3ArchiveSinkTaskMetrics() {
        metrics.gauge("BufferedBytes", MetricUnit.BYTES, MetricScope.BOTH, "Bytes held for objects not yet uploaded",
                () -> buffered.getAsLong());
        metrics.gauge("BufferLimitBytes", MetricUnit.BYTES, MetricScope.JMX, "s3.buffer.max.bytes",
                () -> limit.getAsLong());
        metrics.gauge("SpilledBytes", MetricUnit.BYTES, MetricScope.JMX, "Buffered bytes spilled to local disk",
                () -> spilled.getAsLong());
        metrics.gauge("OpenObjects", MetricUnit.COUNT, MetricScope.JMX, "Objects being filled",
                () -> open.getAsInt());
        metrics.gauge("ValueFieldsDropped", MetricUnit.COUNT, MetricScope.JMX,
                "Value fields not in s3.value.schema, dropped from written records",
                () -> valueFieldsDropped.getAsLong());
    }

    void register(String connector, String task) {
        metrics.register(connector, task);
    }

    /** The task's metrics, for the CloudWatch publisher. */
    TaskMetrics taskMetrics() {
        return metrics;
    }

    void gauges(LongSupplier buffered, LongSupplier limit, LongSupplier spilled, IntSupplier open) {
        this.buffered = buffered;
        this.limit = limit;
        this.spilled = spilled;
        this.open = open;
    }

    void objectWritten(long objectBytes, long objectRecords, double uploadMillis) {
        objects.increment();
        bytes.add(objectBytes);
        records.add(objectRecords);
        uploadLatency.record(uploadMillis);
    }

    void uploadRetry() {
        retries.increment();
    }

    void uploadFailure() {
        failures.increment();
    }

    /** A record went to the DLQ. */
    void deadLettered() {
        dlq.increment();
        processingErrors.increment();
    }

    /** A conditional write found the object of the same batch there (412): kept, not written. */
    void objectFound() {
        found.increment();
    }

    /** A batch's claim was held by another owner with another cut, which this task adopted. */
    void batchAdopted() {
        adopted.increment();
    }

    public long getObjectsFound() {
        return found.get();
    }

    public long getBatchesAdopted() {
        return adopted.get();
    }

    public long getObjectsWritten() {
        return objects.get();
    }

    public long getBytesWritten() {
        return bytes.get();
    }

    public long getRecordsWritten() {
        return records.get();
    }

    public long getUploadRetries() {
        return retries.get();
    }

    public long getUploadFailures() {
        return failures.get();
    }

    public long getRecordsSentToDlq() {
        return dlq.get();
    }

    public long getBufferedBytes() {
        return buffered.getAsLong();
    }

    public long getBufferLimitBytes() {
        return limit.getAsLong();
    }

    public long getSpilledBytes() {
        return spilled.getAsLong();
    }

    public int getOpenObjects() {
        return open.getAsInt();
    }

    void valueFieldsDropped(LongSupplier dropped) {
        this.valueFieldsDropped = dropped;
    }

    public long getValueFieldsDropped() {
        return valueFieldsDropped.getAsLong();
    }

    @Override
    public void close() {
        metrics.close();
    }
}
