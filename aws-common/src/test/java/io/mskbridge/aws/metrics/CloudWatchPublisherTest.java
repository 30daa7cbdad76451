package io.mskbridge.aws.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mskbridge.aws.AwsSettings;
import io.mskbridge.common.Backoff;
import io.mskbridge.common.metrics.Counter;
import io.mskbridge.common.metrics.MetricScope;
import io.mskbridge.common.metrics.MetricUnit;
import io.mskbridge.common.metrics.Summary;
import io.mskbridge.common.metrics.TaskMetrics;
import io.mskbridge.harness.CloudWatchServer;
import io.mskbridge.harness.CloudWatchServer.Datum;
import io.mskbridge.harness.CloudWatchServer.Mode;

/** The publisher against a real HTTP server decoding what the SDK's CloudWatch client sends (RPCv2 CBOR). */
class CloudWatchPublisherTest {

    CloudWatchServer server;
    final TaskMetrics metrics = new TaskMetrics("cw-test-task-metrics", "test");
    CloudWatchPublisher publisher;

    @BeforeEach
    void startServer() throws Exception {
        server = CloudWatchServer.start();
    }

    @AfterEach
    void stop() {
        CloudWatchPublisher.close(publisher);
        server.close();
    }

    Map<String, String> props(String... extra) {
        Map<String, String> p = new HashMap<>(Map.of("aws.region", "us-east-1", "aws.credentials.provider", "static",
                "aws.access.key.id", "AKIDTEST", "aws.secret.access.key", "secret",
                CloudWatchMetricsConfig.ENABLED, "true",
                CloudWatchMetricsConfig.ENDPOINT_URL, server.endpoint().toString(),
                // Rounds run by hand (runOnce), not by the schedule.
                CloudWatchMetricsConfig.INTERVAL_MS, "3600000"));
        for (int i = 0; i < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return p;
    }

    CloudWatchPublisher start(String... extra) {
        Map<String, String> p = props(extra);
        publisher = CloudWatchPublisher.start(CloudWatchMetricsConfig.Settings.from(p), AwsSettings.from(p), "orders",
                "3", metrics, new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)));
        return publisher;
    }

    @Test
    void sendsStatisticSetsWithNamesDimensionsAndUnits() throws Exception {
        Counter records = metrics.counter("RecordsRead", MetricUnit.COUNT, MetricScope.BOTH, "records");
        Summary latency = metrics.summary("BatchLatency", MetricUnit.MILLISECONDS, MetricScope.BOTH, "latency");
        TaskMetrics.Family<Counter> bytes = metrics.counters("BytesRead", MetricUnit.BYTES, MetricScope.CLOUDWATCH,
                "bytes", 10, "Stream");
        metrics.counter("JmxOnly", MetricUnit.COUNT, MetricScope.JMX, "not sent").add(3);
        start();
        records.add(42);
        latency.record(5);
        latency.record(15);
        bytes.get("clicks").add(1000);
        publisher.runOnce();

        Map<String, String> connector = Map.of("ConnectorName", "orders");
        assertThat(server.data("RecordsRead")).singleElement().satisfies(d -> {
            assertThat(d.namespace()).isEqualTo("MSKBridge");
            assertThat(d.dimensions()).isEqualTo(connector);
            assertThat(d.unit()).isEqualTo("Count");
            assertThat(d.sampleCount()).isEqualTo(1.0);
            assertThat(d.sum()).isEqualTo(42.0);
            assertThat(d.timestamp()).isNotNull();
        });
        assertThat(server.data("BatchLatency")).singleElement().satisfies(d -> {
            assertThat(d.unit()).isEqualTo("Milliseconds");
            assertThat(List.of(d.sampleCount(), d.sum(), d.minimum(), d.maximum())).containsExactly(2.0, 20.0, 5.0,
                    15.0);
        });
        assertThat(server.data("BytesRead")).singleElement().satisfies(d -> {
            assertThat(d.dimensions()).containsExactly(Map.entry("ConnectorName", "orders"),
                    Map.entry("Stream", "clicks"));
            assertThat(d.unit()).isEqualTo("Bytes");
            assertThat(d.sum()).isEqualTo(1000.0);
        });
        assertThat(server.data("JmxOnly")).isEmpty();

        records.add(8);
        publisher.close();
        assertThat(server.data("RecordsRead")).as("stop flushes the last interval").extracting(Datum::sum)
                .containsExactly(42.0, 8.0);
    }

    @Test
    void taskDimensionAndNamespaceAreConfigurable() throws Exception {
        metrics.counter("RecordsRead", MetricUnit.COUNT, MetricScope.BOTH, "records").add(1);
        start(CloudWatchMetricsConfig.TASK_DIMENSION, "true", CloudWatchMetricsConfig.NAMESPACE, "DataPlatform/Streaming");
        publisher.runOnce();
        assertThat(server.data("RecordsRead")).singleElement().satisfies(d -> {
            assertThat(d.namespace()).isEqualTo("DataPlatform/Streaming");
            assertThat(d.dimensions()).containsExactly(Map.entry("ConnectorName", "orders"), Map.entry("Task", "3"));
        });
    }

    @Test
    void requestsStayWithinTheApiLimitOf1000Metrics() throws Exception {
        TaskMetrics.Family<Counter> byKey = metrics.counters("RecordsProcessed", MetricUnit.COUNT, MetricScope.BOTH,
                "records", 5000, "EventType");
        start();
        for (int i = 0; i < 2500; i++) {
            byKey.get("type-" + i).increment();
        }
        publisher.runOnce();
        // The publisher's own counter is one more point.
        assertThat(server.data("RecordsProcessed")).hasSize(2500);
        assertThat(server.requests()).isEqualTo(3);
    }

    @Test
    void largeDimensionValuesSplitRequestsBySize() throws Exception {
        TaskMetrics.Family<Counter> byKey = metrics.counters("RecordsProcessed", MetricUnit.COUNT, MetricScope.BOTH,
                "records", 5000, "EventType");
        start();
        String big = "x".repeat(2000);
        for (int i = 0; i < 300; i++) {
            byKey.get(i + big).increment();
        }
        publisher.runOnce();
        assertThat(server.data("RecordsProcessed")).hasSize(300)
                .allSatisfy(d -> assertThat(d.dimensions().get("EventType")).hasSize(1024));
        assertThat(server.requests()).as("~3 KB of estimate per point: 800 KB per request").isEqualTo(2);
    }

    @Test
    void throttlingAndServerErrorsKeepThePointsUntilCloudWatchAnswers() throws Exception {
        Counter records = metrics.counter("RecordsRead", MetricUnit.COUNT, MetricScope.BOTH, "records");
        start();
        for (Mode fault : List.of(Mode.THROTTLE, Mode.SERVER_ERROR)) {
            server.mode(fault);
            records.add(5);
            Thread.sleep(5);
            publisher.runOnce();
            Thread.sleep(5);
            records.add(6);
            publisher.runOnce();
        }
        assertThat(server.data()).isEmpty();
        assertThat(server.refused()).isEqualTo(4);
        assertThat(metrics.getAttribute("MetricsRequestsFailed")).isEqualTo(4L);
        server.mode(Mode.OK);
        Thread.sleep(5);
        publisher.runOnce();
        assertThat(server.data("RecordsRead")).extracting(Datum::sum).containsExactly(5.0, 6.0, 5.0, 6.0, 0.0);
        assertThat(metrics.getAttribute("MetricsPointsDropped")).isEqualTo(0L);
    }

    @Test
    void whileCloudWatchFailsEachAttemptIsASmallRequestAndTheRestFollowsOnceItAnswers() throws Exception {
        TaskMetrics.Family<Counter> bytes = metrics.counters("BytesRead", MetricUnit.BYTES, MetricScope.CLOUDWATCH,
                "bytes", 100, "Stream");
        start();
        server.mode(Mode.THROTTLE);
        for (int i = 0; i < 60; i++) {
            bytes.get("s" + i).add(i + 1);
        }
        publisher.runOnce(); // the first attempt, not yet known to fail: the whole buffer
        for (int round = 0; round < 3; round++) {
            Thread.sleep(5);
            publisher.runOnce();
        }
        assertThat(server.refused()).isEqualTo(4);
        server.mode(Mode.OK);
        Thread.sleep(5);
        publisher.runOnce();
        // 60 BytesRead + 5 rounds of MetricsPointsDropped: a probe of PROBE_DATUMS, then the rest at once
        assertThat(server.pointsPerRequest()).containsExactly(CloudWatchPublisher.PROBE_DATUMS,
                65 - CloudWatchPublisher.PROBE_DATUMS);
        assertThat(server.data("BytesRead")).hasSize(60);
    }

    @Test
    void requestsAreSentUncompressed() throws Exception {
        TaskMetrics.Family<Counter> bytes = metrics.counters("BytesRead", MetricUnit.BYTES, MetricScope.CLOUDWATCH,
                "bytes", 1000, "Stream");
        start();
        for (int i = 0; i < 500; i++) {
            bytes.get("stream-with-a-longer-name-" + i).add(i + 1);
        }
        publisher.runOnce();
        // about 50 KB of CBOR, past the 10 KiB from which the SDK would gzip PutMetricData by default
        assertThat(server.data("BytesRead")).hasSize(500);
        assertThat(server.gzipped()).isZero();
    }

    @Test
    void aFullBufferDropsTheOldestAndCountsThem() throws Exception {
        Counter records = metrics.counter("RecordsRead", MetricUnit.COUNT, MetricScope.BOTH, "records");
        start(CloudWatchMetricsConfig.BUFFER_MAX_POINTS, "100");
        server.mode(Mode.THROTTLE);
        // Two points per round (RecordsRead and MetricsPointsDropped): 60 rounds are 120 points for 100 places.
        for (int i = 1; i <= 60; i++) {
            records.add(i);
            publisher.runOnce();
            Thread.sleep(3);
        }
        assertThat(publisher.buffered()).isEqualTo(100);
        assertThat(metrics.getAttribute("MetricsPointsDropped")).isEqualTo(20L);
        server.mode(Mode.OK);
        Thread.sleep(5);
        publisher.runOnce();
        // The last round adds two points to the full buffer first: rounds 1-11 are gone.
        assertThat(metrics.getAttribute("MetricsPointsDropped")).isEqualTo(22L);
        List<Double> sent = server.data("RecordsRead").stream().map(Datum::sum).toList();
        assertThat(sent).as("the oldest rounds are gone, the newest kept").hasSize(50).doesNotContain(1.0, 11.0)
                .contains(12.0, 60.0, 0.0);
        assertThat(server.data("MetricsPointsDropped")).extracting(Datum::sum).contains(2.0);
    }

    @Test
    void aHangingOrDeadEndpointNeverBlocksUpdatesAndStopIsBounded() throws Exception {
        Counter records = metrics.counter("RecordsRead", MetricUnit.COUNT, MetricScope.BOTH, "records");
        start();
        server.mode(Mode.HANG);
        records.add(1);
        Thread round = new Thread(() -> {
            try {
                publisher.runOnce();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        round.start();
        long t0 = System.nanoTime();
        for (int i = 0; i < 1_000_000; i++) {
            records.increment();
        }
        long updateMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(updateMs).as("a million updates while the publisher hangs").isLessThan(2_000);
        long s0 = System.nanoTime();
        publisher.close();
        long stopMs = (System.nanoTime() - s0) / 1_000_000;
        assertThat(stopMs).as("stop waits at most the flush timeout").isLessThan(CloudWatchPublisher.FLUSH_TIMEOUT_MS + 2_000);
        round.join(15_000);

        server.close();
        Map<String, String> p = props();
        TaskMetrics other = new TaskMetrics("cw-test-task-metrics", "test");
        Counter c = other.counter("RecordsRead", MetricUnit.COUNT, MetricScope.BOTH, "records");
        publisher = CloudWatchPublisher.start(CloudWatchMetricsConfig.Settings.from(p), AwsSettings.from(p), "orders",
                "3", other, new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)));
        c.add(3);
        publisher.runOnce();
        assertThat(other.getAttribute("MetricsRequestsFailed")).as("nothing listens on the port").isEqualTo(1L);
        assertThat(publisher.buffered()).isEqualTo(2);
    }

    @Test
    void offByDefault() {
        Map<String, String> p = props();
        p.remove(CloudWatchMetricsConfig.ENABLED);
        assertThat(CloudWatchPublisher.start(CloudWatchMetricsConfig.Settings.from(p), AwsSettings.from(p), "c", "0",
                metrics)).isNull();
    }
}
