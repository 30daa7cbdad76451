package io.mskbridge.dynamodb.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mskbridge.harness.CloudWatchServer;
import io.mskbridge.harness.CloudWatchServer.Datum;
import io.mskbridge.harness.CloudWatchServer.Mode;
import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.DynamoDbLocal;
import io.mskbridge.harness.SharedServers;
import io.mskbridge.harness.TestAws;
import io.mskbridge.harness.Waits;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The CloudWatch publisher in a real Connect worker: the DynamoDB sink, loaded from plugin.path, writes to
 * DynamoDB Local and publishes to {@link CloudWatchServer} (which decodes the SDK's PutMetricData requests); the
 * metric names, dimensions, values and units are what the records make. Then CloudWatch throttles, fails with 500
 * and hangs while records keep arriving: they are written as fast as before, and the held points arrive once
 * CloudWatch answers again.
 */
@Tag("integration")
class CloudWatchMetricsIT {

    private static final String CONNECTOR = "io.mskbridge.dynamodb.DynamoDbSinkConnector";
    private static final String NAME = "cw-sink";
    private static final String TOPIC = "cw-events";
    private static final String TABLE = "cw-items";

    @RegisterExtension
    static final SharedServers SERVERS = DynamoDbItServers.shared();
    static final DynamoDbLocal DYNAMO = DynamoDbItServers.DYNAMO;
    static final ConnectCluster CONNECT = DynamoDbItServers.CONNECT;

    private static CloudWatchServer cloudWatch;
    private static long started;

    @BeforeAll
    static void start() throws Exception {
        started = System.nanoTime();
        cloudWatch = CloudWatchServer.start();
        DYNAMO.client().createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S)));
        CONNECT.kafka().createTopic(TOPIC, 1);
        CONNECT.kafka().createTopic(TOPIC + "-dlq", 1);
    }

    @AfterAll
    static void stop() {
        if (cloudWatch != null) {
            cloudWatch.close();
        }
        System.out.printf("CloudWatchMetricsIT took %d s%n", (System.nanoTime() - started) / 1_000_000_000);
    }

    private static Map<String, String> config() {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", CONNECTOR);
        c.put("tasks.max", "1");
        c.put("topics", TOPIC);
        c.put("dynamodb.table", TABLE);
        c.put("dynamodb.key.partition.attribute", "id");
        c.put("dynamodb.key.partition.template", "{id}");
        c.put("aws.region", "us-east-1");
        c.put("aws.endpoint.url", DYNAMO.endpoint().toString());
        c.put("aws.credentials.provider", "static");
        c.put("aws.access.key.id", TestAws.ACCESS_KEY);
        c.put("aws.secret.access.key", TestAws.SECRET_KEY);
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", TOPIC + "-dlq");
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        c.put("metrics.cloudwatch.enabled", "true");
        c.put("metrics.cloudwatch.endpoint.url", cloudWatch.endpoint().toString());
        c.put("metrics.cloudwatch.namespace", "DataPlatform/Streaming");
        c.put("metrics.cloudwatch.interval.ms", "1000");
        c.put("metrics.cloudwatch.count.by.field", "event_type");
        c.put("metrics.cloudwatch.average.fields", "quality_score");
        return c;
    }

    /** Events {@code from..to-1}: purchases when i % 5 < 3, else refunds; quality_score 5 * (i % 20). */
    private static void produce(int from, int to, boolean poison) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = CONNECT.kafka().producer(Map.of())) {
            for (int i = from; i < to; i++) {
                String v = "{\"id\":\"e" + i + "\",\"event_type\":\"" + (i % 5 < 3 ? "purchase" : "refund")
                        + "\",\"quality_score\":" + 5 * (i % 20) + "}";
                p.send(new ProducerRecord<>(TOPIC, 0, null, null, v.getBytes(StandardCharsets.UTF_8)));
            }
            if (poison) {
                // The JSON string "null": no item can be made of it, so it goes to the DLQ.
                p.send(new ProducerRecord<>(TOPIC, 0, null, null, "\"null\"".getBytes(StandardCharsets.UTF_8)));
            }
            p.flush();
        }
    }

    private static int count() {
        return DYNAMO.client().scanPaginator(b -> b.tableName(TABLE).select("COUNT")).stream().mapToInt(r -> r.count())
                .sum();
    }

    private static double sum(String metric, Map<String, String> dims) {
        return cloudWatch.data(metric).stream().filter(d -> d.dimensions().equals(dims)).mapToDouble(Datum::sum).sum();
    }

    /** Seconds until the table holds {@code n} items. */
    private static double writtenWithin(int n) {
        long t0 = System.nanoTime();
        Waits.until(n + " items", Duration.ofSeconds(60), () -> count() >= n,
                () -> "items=" + count() + "\n" + CONNECT.sinkDiagnostics(NAME, TOPIC, 40));
        return (System.nanoTime() - t0) / 1e9;
    }

    @Test
    void aPipelineRunPublishesTheSeedsMetricsAndCloudWatchFaultsDoNotTouchTheDataPath() throws Exception {
        produce(0, 20, true);
        CONNECT.rest().putConnector(NAME, config());
        CONNECT.rest().awaitRunning(NAME, 1, Duration.ofSeconds(90));
        writtenWithin(20);
        Map<String, String> connector = Map.of("ConnectorName", NAME);
        Waits.until("metrics of 20 items and 1 DLQ'd record", Duration.ofSeconds(30),
                () -> sum("ItemsWritten", connector) == 20 && sum("RecordsSentToDlq", connector) == 1,
                () -> cloudWatch.data().stream().map(CloudWatchServer::describe).toList().toString());

        assertThat(cloudWatch.data()).allSatisfy(d -> {
            assertThat(d.namespace()).isEqualTo("DataPlatform/Streaming");
            assertThat(d.dimensions()).containsEntry("ConnectorName", NAME).doesNotContainKey("Task");
        });
        assertThat(cloudWatch.data("ItemsWritten")).allSatisfy(d -> {
            assertThat(d.unit()).isEqualTo("Count");
            assertThat(d.dimensions()).isEqualTo(connector);
        });
        assertThat(sum("ProcessingErrors", connector)).isEqualTo(1.0);
        assertThat(sum("RecordsProcessed", Map.of("ConnectorName", NAME, "EventType", "purchase"))).isEqualTo(12.0);
        assertThat(sum("RecordsProcessed", Map.of("ConnectorName", NAME, "EventType", "refund"))).isEqualTo(8.0);
        assertThat(sum("RecordsProcessed", Map.of("ConnectorName", NAME, "EventType", "None")))
                .as("the DLQ'd record has no event_type").isEqualTo(1.0);
        List<Datum> quality = cloudWatch.data("DataQualityScore");
        assertThat(quality.stream().mapToDouble(Datum::sampleCount).sum()).isEqualTo(20.0);
        assertThat(quality.stream().mapToDouble(Datum::sum).sum()).isEqualTo(950.0);
        assertThat(quality.stream().mapToDouble(Datum::minimum).min().orElseThrow()).isEqualTo(0.0);
        assertThat(quality.stream().mapToDouble(Datum::maximum).max().orElseThrow()).isEqualTo(95.0);
        assertThat(quality).allSatisfy(d -> assertThat(d.unit()).isEqualTo("None"));
        assertThat(cloudWatch.data("BatchLatency")).isNotEmpty().allSatisfy(d -> {
            assertThat(d.unit()).isEqualTo("Milliseconds");
            assertThat(d.minimum()).isLessThanOrEqualTo(d.maximum());
        });

        // CloudWatch throttles, fails, hangs: the records are written all the same.
        int before = cloudWatch.refused();
        int total = 20;
        for (Mode fault : List.of(Mode.THROTTLE, Mode.SERVER_ERROR, Mode.HANG)) {
            cloudWatch.mode(fault);
            Thread.sleep(1500);
            produce(total, total + 20, false);
            total += 20;
            double s = writtenWithin(total);
            System.out.printf("CloudWatchMetricsIT: 20 records written in %.2f s while CloudWatch answers %s%n", s,
                    fault);
            assertThat(CONNECT.rest().status(NAME).path("tasks").findValuesAsText("state")).containsOnly("RUNNING");
        }
        assertThat(cloudWatch.refused()).as("CloudWatch refused requests").isGreaterThan(before);
        cloudWatch.mode(Mode.OK);
        int expected = total;
        Waits.until("the held points arrive", Duration.ofSeconds(30),
                () -> sum("ItemsWritten", connector) == expected,
                () -> "ItemsWritten=" + sum("ItemsWritten", connector));
        assertThat(sum("MetricsPointsDropped", connector)).isZero();
        CONNECT.rest().deleteConnector(NAME);
    }
}
