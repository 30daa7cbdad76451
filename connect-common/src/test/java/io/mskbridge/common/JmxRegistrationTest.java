package io.mskbridge.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

class JmxRegistrationTest {

    public interface ProbeMBean {
        int getValue();
    }

    public static final class Probe implements ProbeMBean {
        private final int value;

        Probe(int value) {
            this.value = value;
        }

        @Override
        public int getValue() {
            return value;
        }
    }

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Test
    void namesQuoteJmxSpecialCharactersAndKeepPlainNames() throws Exception {
        assertThat(JmxRegistration.objectName("x-task-metrics", "plain-name_1", "0"))
                .isEqualTo(new ObjectName("kafka.connect.mskbridge:type=x-task-metrics,connector=plain-name_1,task=0"));
        ObjectName odd = JmxRegistration.objectName("x-task-metrics", "a,b=c:d", "0");
        assertThat(odd.getKeyProperty("connector")).isEqualTo(ObjectName.quote("a,b=c:d"));
    }

    @Test
    void anOldIncarnationsCloseDoesNotRemoveItsSuccessor() throws Exception {
        JmxRegistration old = JmxRegistration.register(new Probe(1), "jmx-test", "conn", "0");
        JmxRegistration successor = JmxRegistration.register(new Probe(2), "jmx-test", "conn", "0");
        ObjectName n = successor.name();
        assertThat(server.getAttribute(n, "Value")).isEqualTo(2);

        old.close();
        assertThat(server.isRegistered(n)).as("the successor's MBean survives the old task's stop()").isTrue();
        assertThat(server.getAttribute(n, "Value")).isEqualTo(2);

        successor.close();
        assertThat(server.isRegistered(n)).isFalse();
        successor.close(); // idempotent
    }
}
