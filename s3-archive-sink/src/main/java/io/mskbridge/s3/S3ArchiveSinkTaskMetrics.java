package io.mskbridge.s3;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import io.mskbridge.common.JmxRegistration;

/**
 * Counters of one task, registered as an MBean. Counters are atomics because JMX reads them from other
 * threads; the task thread is the only writer.
 */
public final class S3ArchiveSinkTaskMetrics implements S3ArchiveSinkTaskMetricsMBean, AutoCloseable {

    private final AtomicLong objects = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong found = new AtomicLong();
    private final AtomicLong adopted = new AtomicLong();
    private volatile LongSupplier buffered = () -> 0;
    private volatile LongSupplier limit = () -> 0;
    private volatile LongSupplier spilled = () -> 0;
    private volatile IntSupplier open = () -> 0;
    static final String JMX_TYPE = "s3-sink-task-metrics";

    private JmxRegistration registration;


    void register(String connector, String task) {
        registration = JmxRegistration.register(this, JMX_TYPE, connector, task);
    }

    void gauges(LongSupplier buffered, LongSupplier limit, LongSupplier spilled, IntSupplier open) {
        this.buffered = buffered;
        this.limit = limit;
        this.spilled = spilled;
        this.open = open;
    }

    void objectWritten(long objectBytes, long objectRecords) {
        objects.incrementAndGet();
        bytes.addAndGet(objectBytes);
        records.addAndGet(objectRecords);
    }

    void uploadRetry() {
        retries.incrementAndGet();
    }

    void uploadFailure() {
        failures.incrementAndGet();
    }

    /** A conditional write found the object of the same batch there (412): kept, not written. */
    void objectFound() {
        found.incrementAndGet();
    }

    /** A batch's claim was held by another owner with another cut, which this task adopted. */
    void batchAdopted() {
        adopted.incrementAndGet();
    }

    @Override
    public long getObjectsFound() {
        return found.get();
    }

    @Override
    public long getBatchesAdopted() {
        return adopted.get();
    }

    @Override
    public long getObjectsWritten() {
        return objects.get();
    }

    @Override
    public long getBytesWritten() {
        return bytes.get();
    }

    @Override
    public long getRecordsWritten() {
        return records.get();
    }

    @Override
    public long getUploadRetries() {
        return retries.get();
    }

    @Override
    public long getUploadFailures() {
        return failures.get();
    }

    @Override
    public long getBufferedBytes() {
        return buffered.getAsLong();
    }

    @Override
    public long getBufferLimitBytes() {
        return limit.getAsLong();
    }

    @Override
    public long getSpilledBytes() {
        return spilled.getAsLong();
    }

    @Override
    public int getOpenObjects() {
        return open.getAsInt();
    }

    @Override
    public void close() {
        if (registration != null) {
            registration.close();
            registration = null;
        }
    }
}
