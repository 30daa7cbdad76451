package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.source.TransactionContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.Test;

/**
 * The detection reads what a Connect 3.7 worker registers for a task: here the worker's metrics are built the way
 * it builds them (Kafka's {@code Metrics} with a JMX reporter under {@code kafka.connect}, group
 * {@code source-task-metrics}, tags connector and task), with and without the transaction metrics that only a
 * transactional task adds. ExampleConfigsIT reads the answer from real workers' logs.
 */
class ExactlyOnceDetectionTest {

    private static final SourceTaskContext NO_TX = context(null);

    @Test
    void aTaskWithTransactionMetricsRunsExactlyOnce() {
        try (Metrics m = workerMetrics()) {
            sourceTaskMetrics(m, "eos source", "3", true);
            assertThat(ExactlyOnceDetection.detect(NO_TX, "eos source", "3")).isEqualTo(ExactlyOnceDetection.Mode.ENABLED);
            assertThat(ExactlyOnceDetection.detect(NO_TX, "eos source", "4")).as("another task's MBean is not this one's")
                    .isEqualTo(ExactlyOnceDetection.Mode.UNKNOWN);
        }
    }

    @Test
    void aTaskWithoutThemRunsAtLeastOnce() {
        try (Metrics m = workerMetrics()) {
            sourceTaskMetrics(m, "alo:source", "0", false);
            assertThat(ExactlyOnceDetection.detect(NO_TX, "alo:source", "0")).isEqualTo(ExactlyOnceDetection.Mode.DISABLED);
        }
    }

    @Test
    void withoutTheWorkersMBeanItCannotTell() {
        assertThat(ExactlyOnceDetection.detect(NO_TX, "nowhere", "0")).isEqualTo(ExactlyOnceDetection.Mode.UNKNOWN);
        assertThat(ExactlyOnceDetection.detect(null, "nowhere", "0")).isEqualTo(ExactlyOnceDetection.Mode.UNKNOWN);
    }

    @Test
    void aConnectorDefinedTransactionContextMeansExactlyOnce() {
        TransactionContext tx = new TransactionContext() {
            @Override
            public void commitTransaction() {
            }

            @Override
            public void commitTransaction(org.apache.kafka.connect.source.SourceRecord record) {
            }

            @Override
            public void abortTransaction() {
            }

            @Override
            public void abortTransaction(org.apache.kafka.connect.source.SourceRecord record) {
            }
        };
        assertThat(ExactlyOnceDetection.detect(context(tx), "no-jmx", "0")).isEqualTo(ExactlyOnceDetection.Mode.ENABLED);
    }

    @Test
    void theTaskMetricCarriesTheAnswer() throws Exception {
        try (KinesisSourceTaskMetrics metrics = new KinesisSourceTaskMetrics(() -> 0, () -> 0)) {
            assertThat(metrics.getAttribute("ExactlyOnce")).as("unknown until detected").isEqualTo(-1L);
            metrics.exactlyOnce(ExactlyOnceDetection.Mode.ENABLED.metric);
            assertThat(metrics.getAttribute("ExactlyOnce")).isEqualTo(1L);
            assertThat(List.of(metrics.getMBeanInfo().getAttributes())).anyMatch(a -> a.getName().equals("ExactlyOnce"));
        }
    }

    /** As ConnectMetrics: a Metrics registry whose JMX reporter publishes under kafka.connect. */
    private static Metrics workerMetrics() {
        JmxReporter jmx = new JmxReporter();
        jmx.configure(Map.of());
        return new Metrics(new MetricConfig(), List.of(jmx), Time.SYSTEM,
                new KafkaMetricsContext(ExactlyOnceDetection.CONNECT_JMX_DOMAIN));
    }

    private static void sourceTaskMetrics(Metrics m, String connector, String task, boolean transactional) {
        Map<String, String> tags = Map.of("connector", connector, "task", task);
        Sensor poll = m.sensor("source-record-poll-" + connector + task);
        poll.add(new MetricName("source-record-poll-total", "source-task-metrics", "", tags), new Avg());
        if (transactional) {
            Sensor size = m.sensor("transaction-size-" + connector + task);
            size.add(new MetricName(ExactlyOnceDetection.TRANSACTION_ATTRIBUTE, "source-task-metrics", "", tags), new Avg());
        }
    }

    private static SourceTaskContext context(TransactionContext tx) {
        return new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return Map.of();
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return null;
            }

            @Override
            public TransactionContext transactionContext() {
                return tx;
            }
        };
    }
}
