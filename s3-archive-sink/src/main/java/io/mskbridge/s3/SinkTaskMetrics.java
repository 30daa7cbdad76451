package io.mskbridge.s3;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counters of one task, registered as an MBean. Counters are atomics because JMX reads them from other
 * threads; the task thread is the only writer.
 */
public final class SinkTaskMetrics implements SinkTaskMetricsMBean, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SinkTaskMetrics.class);

    private final AtomicLong objects = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile LongSupplier buffered = () -> 0;
    private volatile LongSupplier limit = () -> 0;
    private volatile LongSupplier spilled = () -> 0;
    private volatile IntSupplier open = () -> 0;
    private ObjectName name;


    void register(String connector, String task) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            name = new ObjectName("kafka.connect.mskbridge:type=s3-sink-task-metrics,connector="
                    + sanitize(connector) + ",task=" + sanitize(task));
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(this, name);
        } catch (JMException e) {
            log.warn("Cannot register task metrics MBean {}: {}", name, e.toString());
            name = null;
        }
    }

    /** JMX names may not hold , = : " * ? unquoted; connector names may. */
    static String sanitize(String s) {
        return s == null ? "unknown" : s.replaceAll("[,=:\"*?\\s]", "_");
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
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (JMException e) {
                log.debug("unregister {}: {}", name, e.toString());
            }
            name = null;
        }
    }
}
