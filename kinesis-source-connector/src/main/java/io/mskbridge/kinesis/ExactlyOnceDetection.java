package io.mskbridge.kinesis;

import java.lang.management.ManagementFactory;

import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.common.utils.Sanitizer;
import org.apache.kafka.connect.source.SourceTaskContext;

/**
 * Whether the worker really runs a source task with exactly-once support (KIP-618), i.e. each poll's records and
 * their offsets commit in one Kafka transaction. The connector cannot ask: {@code exactlyOnceSupport()} is what it
 * offers, and {@code exactly.once.support} what its config asks for; whether the worker turned it on
 * ({@code exactly.once.source.support=enabled}) is only visible from what the worker built for the task.
 *
 * <p>What Connect 3.7.2 builds, and what this reads:
 * <ol>
 *   <li>{@link SourceTaskContext#transactionContext()} is non-null only for a transactional task with
 *       {@code transaction.boundary=connector}: then the answer is yes. It is null for the default
 *       {@code poll} boundary even when transactions run, so null alone says nothing.</li>
 *   <li>A transactional task ({@code ExactlyOnceWorkerSourceTask}) adds {@code transaction-size-avg/min/max} to
 *       the worker's {@code kafka.connect:type=source-task-metrics,connector=<name>,task=<id>} MBean when it is
 *       constructed, before {@code start()}; a non-transactional task registers the same MBean without them.</li>
 * </ol>
 * Limits: (2) rests on Connect's metric names (public, documented monitoring names, stable since 3.3) and on the
 * worker's JMX reporter, which Connect includes unless {@code auto.include.jmx.reporter=false} and
 * {@code metric.reporters} leaves it out. Without that MBean (another host, JMX reporter off) the answer is
 * {@link Mode#UNKNOWN}, never a guess.
 */
final class ExactlyOnceDetection {

    /** The answer, with the value of the task metric {@code exactly-once}. */
    enum Mode {
        ENABLED(1, "records and offsets commit in Kafka transactions (worker exactly.once.source.support=enabled)"),
        DISABLED(0, "AT-LEAST-ONCE: the worker does not run this task in transactions (exactly.once.source.support "
                + "is not enabled on it), so a worker failure can write records to Kafka twice"),
        UNKNOWN(-1, "cannot tell: the worker's source-task-metrics MBean is not registered (JMX reporter off?)");

        final int metric;
        final String description;

        Mode(int metric, String description) {
            this.metric = metric;
            this.description = description;
        }
    }

    static final String CONNECT_JMX_DOMAIN = "kafka.connect";
    static final String TRANSACTION_ATTRIBUTE = "transaction-size-avg";

    private ExactlyOnceDetection() {
    }

    static Mode detect(SourceTaskContext context, String connector, String task) {
        return detect(context, connector, task, ManagementFactory.getPlatformMBeanServer());
    }

    static Mode detect(SourceTaskContext context, String connector, String task, MBeanServer server) {
        if (context != null && hasTransactionContext(context)) {
            return Mode.ENABLED;
        }
        try {
            ObjectName name = new ObjectName(CONNECT_JMX_DOMAIN + ":type=source-task-metrics,connector="
                    + Sanitizer.jmxSanitize(connector) + ",task=" + Sanitizer.jmxSanitize(task));
            for (MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
                if (TRANSACTION_ATTRIBUTE.equals(a.getName())) {
                    return Mode.ENABLED;
                }
            }
            return Mode.DISABLED;
        } catch (JMException | RuntimeException e) {
            return Mode.UNKNOWN; // InstanceNotFoundException: not on a Connect worker with its JMX reporter
        }
    }

    private static boolean hasTransactionContext(SourceTaskContext context) {
        try {
            return context.transactionContext() != null;
        } catch (NoSuchMethodError | AbstractMethodError | UnsupportedOperationException e) {
            return false; // a host older than KIP-618 (3.3)
        }
    }
}
