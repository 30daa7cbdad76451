package io.mskbridge.dynamodb;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.LongAdder;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The counters behind {@link DynamoDbSinkTaskMetricsMBean}; thread-safe (writer threads update them). */
public final class DynamoDbSinkTaskMetrics implements DynamoDbSinkTaskMetricsMBean, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DynamoDbSinkTaskMetrics.class);

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

    private ObjectName name;

    /** The MBean name for a task (values quoted when they hold JMX special characters). */
    public static ObjectName objectName(String connector, String task) {
        try {
            return new ObjectName("kafka.connect.mskbridge:type=dynamodb-sink-task-metrics,connector="
                    + quoteIfNeeded(connector) + ",task=" + quoteIfNeeded(task));
        } catch (JMException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String quoteIfNeeded(String v) {
        return v.matches("[A-Za-z0-9_.\\-]+") ? v : ObjectName.quote(v);
    }

    /** Registers (replacing a leftover of a previous incarnation of the same task in this JVM). */
    public synchronized DynamoDbSinkTaskMetrics register(String connector, String task) {
        ObjectName n = objectName(connector, task);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            if (server.isRegistered(n)) {
                server.unregisterMBean(n);
            }
            server.registerMBean(this, n);
            name = n;
        } catch (JMException e) {
            // Metrics must never stop data flowing.
            log.warn("Cannot register metrics MBean {}: {}", n, e.toString());
        }
        return this;
    }

    @Override
    public synchronized void close() {
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (JMException e) {
                log.debug("Cannot unregister {}: {}", name, e.toString());
            }
            name = null;
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
