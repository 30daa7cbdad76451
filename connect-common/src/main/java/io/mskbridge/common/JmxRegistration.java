package io.mskbridge.common;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.common.utils.Sanitizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a plugin's metrics MBean under the pack's one naming rule,
 * {@code kafka.connect.mskbridge:type=<type>,connector=<name>,task=<id>} (values quoted by Kafka's
 * {@link Sanitizer#jmxSanitize} when they hold JMX special characters), and unregisters it only while it is
 * still this registration's: a task restarted in the same worker may register its successor under the same name
 * before the old task's {@code stop()} runs, and that stop must not remove the successor's MBean.
 *
 * <p>Failures are logged, never thrown: metrics must not stop data flowing.
 */
public final class JmxRegistration implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JmxRegistration.class);
    public static final String DOMAIN = "kafka.connect.mskbridge";

    /** Which registration owns each name in this JVM. */
    private static final Map<ObjectName, JmxRegistration> OWNERS = new ConcurrentHashMap<>();

    private final ObjectName name;

    private JmxRegistration(ObjectName name) {
        this.name = name;
    }

    /** The MBean name of a plugin's metrics, by the one rule. */
    public static ObjectName objectName(String type, String connector, String task) {
        try {
            return new ObjectName(DOMAIN + ":type=" + type + ",connector=" + Sanitizer.jmxSanitize(nonNull(connector))
                    + ",task=" + Sanitizer.jmxSanitize(nonNull(task)));
        } catch (JMException e) {
            throw new IllegalArgumentException("Cannot name the MBean of " + connector + " task " + task, e);
        }
    }

    /**
     * Registers {@code mbean}, replacing what a previous incarnation of the same task left under that name.
     * Returns a registration whose {@link #close()} removes the MBean only while it is still the one registered here.
     */
    public static JmxRegistration register(Object mbean, String type, String connector, String task) {
        ObjectName n = objectName(type, connector, task);
        JmxRegistration registration = new JmxRegistration(n);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        synchronized (OWNERS) {
            try {
                if (server.isRegistered(n)) {
                    server.unregisterMBean(n);
                }
                server.registerMBean(mbean, n);
                OWNERS.put(n, registration);
            } catch (JMException e) {
                log.warn("Cannot register metrics MBean {}: {}", n, e.toString());
            }
        }
        return registration;
    }

    /** The registered name. */
    public ObjectName name() {
        return name;
    }

    /** Unregisters the MBean unless a later registration has taken the name over. Idempotent. */
    @Override
    public void close() {
        synchronized (OWNERS) {
            if (!OWNERS.remove(name, this)) {
                return;
            }
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (JMException e) {
                log.debug("Cannot unregister {}: {}", name, e.toString());
            }
        }
    }

    private static String nonNull(String s) {
        return s == null ? "unknown" : s;
    }
}
