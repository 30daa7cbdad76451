package io.mskbridge.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

class TaskMetricsTest {

    final AtomicLong clock = new AtomicLong(1_000);
    final TaskMetrics metrics = new TaskMetrics("test-task-metrics", "test", clock::get);

    @Test
    void oneDefinitionIsBothTheJmxAttributeAndThePublishedMetric() throws Exception {
        Counter c = metrics.counter("RecordsRead", MetricUnit.COUNT, MetricScope.BOTH, "records");
        Summary s = metrics.summary("BatchLatency", MetricUnit.MILLISECONDS, MetricScope.BOTH, "latency");
        metrics.gauge("QueueBytes", MetricUnit.BYTES, MetricScope.JMX, "queue", () -> 7);
        c.add(5);
        s.record(10);
        s.record(30);
        try (TaskMetrics registered = metrics.register("conn,ector", "0")) {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName n = new ObjectName("kafka.connect.mskbridge:type=test-task-metrics,connector="
                    + ObjectName.quote("conn,ector") + ",task=0");
            assertThat(server.getAttribute(n, "RecordsRead")).isEqualTo(5L);
            assertThat(server.getAttribute(n, "QueueBytes")).isEqualTo(7L);
            assertThat(server.getAttribute(n, "BatchLatencyCount")).isEqualTo(2L);
            assertThat(server.getAttribute(n, "BatchLatencyAvg")).isEqualTo(20.0);
            assertThat(server.getAttribute(n, "BatchLatencyMax")).isEqualTo(30.0);
        }
        assertThat(metrics.drain()).containsExactly(
                MetricSample.single("RecordsRead", MetricUnit.COUNT, Map.of(), 1_000, 5),
                new MetricSample("BatchLatency", MetricUnit.MILLISECONDS, Map.of(), 1_000, 2, 40, 10, 30));
        clock.set(2_000);
        c.increment();
        assertThat(metrics.drain()).as("the increase since the last drain; a quiet summary sends nothing")
                .containsExactly(MetricSample.single("RecordsRead", MetricUnit.COUNT, Map.of(), 2_000, 1));
        assertThat(metrics.drain()).as("a task-level counter sends zeros: alarms need data points")
                .containsExactly(MetricSample.single("RecordsRead", MetricUnit.COUNT, Map.of(), 2_000, 0));
    }

    @Test
    void familiesAreBoundedAndNamedByTheEscapingRule() throws Exception {
        TaskMetrics.Family<Counter> byStream = metrics.counters("RecordsRead", MetricUnit.COUNT, MetricScope.BOTH,
                "records", 2, "Stream");
        byStream.get("a.b").add(1);
        byStream.get("x,y").add(2);
        byStream.get("third").add(3);
        byStream.get("fourth").add(4);
        assertThat(byStream.members()).hasSize(3).containsKey(List.of(TaskMetrics.OTHER));
        assertThat(metrics.getAttribute("RecordsRead.a.b")).isEqualTo(1L);
        assertThat(metrics.getAttribute("RecordsRead.\"x,y\"")).isEqualTo(2L);
        assertThat(metrics.getAttribute("RecordsRead.Other")).isEqualTo(7L);
        assertThat(metrics.drain()).extracting(MetricSample::dimensions, MetricSample::sum).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(Map.of("Stream", "a.b"), 1.0),
                org.assertj.core.groups.Tuple.tuple(Map.of("Stream", "x,y"), 2.0),
                org.assertj.core.groups.Tuple.tuple(Map.of("Stream", "Other"), 7.0));
        assertThat(metrics.drain()).as("a keyed counter that did not move sends nothing").isEmpty();
    }

    @Test
    void scopesSeparateJmxFromCloudWatch() {
        metrics.gauge("Lag", MetricUnit.MILLISECONDS, MetricScope.CLOUDWATCH, "lag", () -> -1);
        metrics.gauge("Shards", MetricUnit.COUNT, MetricScope.JMX, "shards", () -> 3);
        metrics.gauge("Depth", MetricUnit.COUNT, MetricScope.BOTH, "depth", () -> 4);
        assertThat(Arrays.stream(metrics.getMBeanInfo().getAttributes()).map(a -> a.getName()))
                .containsExactly("Shards", "Depth");
        assertThat(metrics.drain()).as("a negative gauge is 'no value yet'")
                .containsExactly(MetricSample.single("Depth", MetricUnit.COUNT, Map.of(), 1_000, 4));
    }

    @Test
    void namesFollowTheOneRule() {
        assertThatThrownBy(() -> metrics.counter("records-read", MetricUnit.COUNT, MetricScope.BOTH, "x"))
                .hasMessageContaining("UpperCamelCase");
        metrics.counter("Records", MetricUnit.COUNT, MetricScope.JMX, "x");
        assertThatThrownBy(() -> metrics.counter("Records", MetricUnit.COUNT, MetricScope.JMX, "x"))
                .hasMessageContaining("defined twice");
        assertThat(MetricNames.camelCase("event_type")).isEqualTo("EventType");
        assertThat(MetricNames.camelCase("quality-score")).isEqualTo("QualityScore");
        assertThat(MetricNames.camelCase("eventType")).isEqualTo("EventType");
        assertThat(MetricNames.camelCase("2fa")).isEqualTo("F2fa");
    }
}
