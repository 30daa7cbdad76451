package io.mskbridge.kinesis.integration;

import static io.mskbridge.kinesis.integration.KinesisFixtures.assertExactlyOnceInKeyOrder;
import static io.mskbridge.kinesis.integration.KinesisFixtures.connector;
import static io.mskbridge.kinesis.integration.KinesisFixtures.put;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.FaultProxy;
import io.mskbridge.harness.KinesisEmulator;
import io.mskbridge.harness.SharedServers;
import io.mskbridge.harness.Waits;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The reader against the Kinesis emulator through the fault proxy, in a Connect 3.7.2 worker JVM whose task
 * metrics are read over remote JMX: faults on GetRecords (throttling, 5xx, resets before and after the server
 * answered) keep the iterator and only injected ExpiredIteratorExceptions cost a GetShardIterator call; a
 * throttled task's time since its last successful fetch grows while its MillisBehindLatest stays put; two
 * connectors at {@code kinesis.max.read.share=0.5} on one shard make at most 5 GetRecords calls/s together.
 */
class KinesisReadLimitsIT {

    @RegisterExtension
    static final SharedServers SERVERS = KinesisItServers.withWorkers(1);
    static final KinesisEmulator KINESIS = KinesisItServers.KINESIS;
    static final ConnectCluster CONNECT = KinesisItServers.CONNECT;

    private static boolean isCall(FaultProxy.Request r, String operation) {
        return r.target().endsWith("." + operation);
    }

    /** A task metric of the worker JVM. */
    private static long taskMetric(String connector, String attribute) throws IOException {
        String workerId = CONNECT.rest().status(connector).path("tasks").get(0).path("worker_id").asText();
        int jmxPort = CONNECT.workers().stream().filter(w -> workerId.endsWith(":" + w.port())).findFirst()
                .orElseThrow(() -> new IOException("no live worker " + workerId)).jmxPort();
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        try (JMXConnector jmx = JMXConnectorFactory.connect(url)) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            return (Long) server.getAttribute(new ObjectName("kafka.connect.mskbridge:type=kinesis-source-task-metrics,"
                    + "connector=" + connector + ",task=0"), attribute);
        } catch (javax.management.JMException e) {
            throw new IOException(e);
        }
    }

    @Test
    void faultsKeepTheIteratorAndAThrottledTaskShowsItsTimeWithoutAFetch() throws Exception {
        String stream = "keep-iterator";
        KINESIS.createStream(stream, 2);
        KinesisClient k = KINESIS.client();
        CONNECT.kafka().createTopic(stream, 1);
        put(k, stream, 0, 300);
        AtomicLong iteratorCalls = new AtomicLong();
        try (FaultProxy proxy = new FaultProxy(KINESIS.endpoint(), FaultProxy.Service.KINESIS)) {
            // Faults only on GetRecords, so every GetShardIterator call the proxy sees is one the reader made.
            proxy.onlyFor(r -> {
                if (isCall(r, "GetShardIterator")) {
                    iteratorCalls.incrementAndGet();
                }
                return isCall(r, "GetRecords");
            }).mixedFaults(0.3).resetAfterUpstreamRate(0.05).expiredIteratorRate(0.05);
            proxy.start();
            Map<String, String> c = connector(stream, proxy.endpoint(), 1);
            c.put("aws.max.retries", "0");
            c.put("exactly.once.support", "required");
            CONNECT.rest().putConnector(stream, c);
            CONNECT.rest().awaitRunning(stream, 1, Duration.ofSeconds(120));
            // Records arrive while the faults go on, so retries meet new data as well as empty pages.
            for (int i = 300; i < 400; i += 20) {
                put(k, stream, i, i + 20);
                Thread.sleep(1000);
            }
            CONNECT.kafka().readAll(List.of(stream), 400, Duration.ofSeconds(180), "read_committed");
            Waits.until("enough faults injected", Duration.ofSeconds(60),
                    () -> proxy.throttled() + proxy.serverErrors() + proxy.resets() > 30 && proxy.expiredIterators() > 0);
            proxy.heal();
            Thread.sleep(3000);
            List<ConsumerRecord<byte[], byte[]>> got = CONNECT.kafka().readToEnd(List.of(stream), "read_committed");
            assertExactlyOnceInKeyOrder(got, 400);

            long expired = proxy.expiredIterators();
            assertThat(iteratorCalls.get()).as("GetShardIterator: one per shard, plus one per expired iterator "
                    + "(throttling %s, 5xx %s, resets %s)", proxy.throttled(), proxy.serverErrors(), proxy.resets())
                    .isEqualTo(2 + expired);
            Waits.until("every expired iterator counted", Duration.ofSeconds(10),
                    () -> taskMetric(stream, "IteratorReacquisitions") == expired);

            // Every GetRecords throttled: MillisBehindLatest keeps its last (healthy) answer, the time grows.
            long behind = taskMetric(stream, "MillisBehindLatestMax");
            assertThat(behind).as("caught up").isBetween(0L, 1000L);
            proxy.throttleRate(1.0);
            Thread.sleep(6000);
            assertThat(taskMetric(stream, "MillisBehindLatestMax")).isEqualTo(behind);
            assertThat(taskMetric(stream, "MillisSinceLastSuccessfulFetch")).isGreaterThanOrEqualTo(5000);
            proxy.heal();
            Waits.until("a fetch after the throttling", Duration.ofSeconds(30),
                    () -> taskMetric(stream, "MillisSinceLastSuccessfulFetch") < 3000);
            assertThat(CONNECT.rest().status(stream).path("tasks").toString()).doesNotContain("FAILED");
            CONNECT.rest().deleteConnector(stream);
        }
    }

    @Test
    void twoConnectorsAtHalfAShareMakeAtMostFiveCallsPerSecondOnAShardTogether() throws Exception {
        String stream = "shared";
        KINESIS.createStream(stream, 1);
        KinesisClient k = KINESIS.client();
        put(k, stream, 0, 200);
        ConcurrentLinkedQueue<Long> getRecords = new ConcurrentLinkedQueue<>();
        try (FaultProxy proxy = new FaultProxy(KINESIS.endpoint(), FaultProxy.Service.KINESIS)) {
            proxy.onlyFor(r -> {
                if (isCall(r, "GetRecords")) {
                    getRecords.add(System.nanoTime());
                }
                return false;
            });
            proxy.start();
            for (String name : List.of("share-a", "share-b")) {
                CONNECT.kafka().createTopic(name, 1);
                Map<String, String> c = connector(stream, proxy.endpoint(), 1);
                c.put("kafka.topic", name);
                c.put("kinesis.max.read.share", "0.5");
                // Caught up they would poll every 200 ms; the share spaces them 400 ms apart.
                c.put("kinesis.poll.interval.ms", "200");
                CONNECT.rest().putConnector(name, c);
                CONNECT.rest().awaitRunning(name, 1, Duration.ofSeconds(120));
            }
            for (String name : List.of("share-a", "share-b")) {
                assertThat(CONNECT.kafka().readAll(List.of(name), 200, Duration.ofSeconds(120), "read_committed"))
                        .hasSize(200);
            }
            getRecords.clear();
            long t0 = System.nanoTime();
            Thread.sleep(10_000);
            long t1 = System.nanoTime();
            long calls = getRecords.stream().filter(t -> t >= t0 && t < t1).count();
            // 2.5 calls/s each over 10 s, plus one call per connector at the window's edges.
            assertThat(calls).as("GetRecords calls of both connectors in 10 s").isBetween(20L, 52L);
            CONNECT.rest().deleteConnector("share-a");
            CONNECT.rest().deleteConnector("share-b");
        }
    }
}
