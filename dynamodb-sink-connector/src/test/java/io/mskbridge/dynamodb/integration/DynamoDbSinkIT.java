package io.mskbridge.dynamodb.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.ConnectRest;
import io.mskbridge.harness.DynamoDbLocal;
import io.mskbridge.harness.FaultProxy;
import io.mskbridge.harness.PluginDirs;
import io.mskbridge.harness.TestAws;
import io.mskbridge.harness.Waits;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The connector in a real Connect 3.7 worker (loaded from plugin.path) against DynamoDB Local: validate()
 * against a real table, the seed's items and tombstone deletes, a SIGKILLed worker mid-stream and 30 % injected
 * faults — after each, the table holds exactly the expected items.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DynamoDbSinkIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONNECTOR = "io.mskbridge.dynamodb.DynamoDbSinkConnector";
    private static final long TTL = 30L * 86400;
    private static final long BASE_TS = 1_700_000_000_000L;

    @RegisterExtension
    static final DynamoDbLocal DYNAMO = new DynamoDbLocal();

    @RegisterExtension
    static final ConnectCluster CONNECT = new ConnectCluster(1)
            .withPluginPath(PluginDirs.ofModule("mskbridge-dynamodb"));

    private static FaultProxy proxy;

    @BeforeAll
    static void startProxy() {
        proxy = new FaultProxy(DYNAMO.endpoint(), FaultProxy.Service.DYNAMODB);
        proxy.start();
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private static void createTable(String name, String pk, String sk) {
        DYNAMO.client().createTable(b -> {
            b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST);
            if (sk == null) {
                b.keySchema(k -> k.attributeName(pk).keyType(KeyType.HASH))
                        .attributeDefinitions(a -> a.attributeName(pk).attributeType(ScalarAttributeType.S));
            } else {
                b.keySchema(k -> k.attributeName(pk).keyType(KeyType.HASH), k -> k.attributeName(sk).keyType(KeyType.RANGE))
                        .attributeDefinitions(a -> a.attributeName(pk).attributeType(ScalarAttributeType.S),
                                a -> a.attributeName(sk).attributeType(ScalarAttributeType.S));
            }
        });
    }

    private static Map<String, String> config(String topic, String table, String endpoint) {
        Map<String, String> c = new HashMap<>();
        c.put("name", "validate-" + table);
        c.put("connector.class", CONNECTOR);
        c.put("tasks.max", "1");
        c.put("topics", topic);
        c.put("dynamodb.table", table);
        c.put("dynamodb.key.partition.attribute", "pk");
        c.put("dynamodb.key.partition.template", "{event_type}#{user_id|anonymous}");
        c.put("dynamodb.key.sort.attribute", "sk");
        c.put("dynamodb.key.sort.template", "{timestamp}");
        c.put("dynamodb.ttl.attribute", "ttl");
        c.put("dynamodb.ttl.seconds", String.valueOf(TTL));
        c.put("aws.region", "us-east-1");
        c.put("aws.endpoint.url", endpoint);
        c.put("aws.credentials.provider", "static");
        c.put("aws.access.key.id", TestAws.ACCESS_KEY);
        c.put("aws.secret.access.key", TestAws.SECRET_KEY);
        return c;
    }

    /** The seed's processed transaction #i; every fifth is anonymous. */
    private static Map<String, Object> event(int i) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event_type", i % 2 == 0 ? "purchase" : "refund");
        if (i % 5 != 0) {
            e.put("user_id", "u" + (i % 97));
        }
        e.put("timestamp", "2024-01-01T00:00:00." + String.format("%06d", i) + "Z");
        e.put("amount", 19.99 + i);
        e.put("seq", i);
        e.put("tags", List.of("a", "b"));
        return e;
    }

    private static String pkOf(Map<String, Object> e) {
        return e.get("event_type") + "#" + e.getOrDefault("user_id", "anonymous");
    }

    /** The item the connector must produce for event #i (record timestamp BASE_TS + i). */
    private static Map<String, AttributeValue> expectedItem(int i) {
        Map<String, Object> e = event(i);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS(pkOf(e)));
        item.put("sk", AttributeValue.fromS((String) e.get("timestamp")));
        item.put("ttl", AttributeValue.fromN(String.valueOf((BASE_TS + i) / 1000 + TTL)));
        item.put("event_type", AttributeValue.fromS((String) e.get("event_type")));
        if (e.containsKey("user_id")) {
            item.put("user_id", AttributeValue.fromS((String) e.get("user_id")));
        }
        item.put("timestamp", AttributeValue.fromS((String) e.get("timestamp")));
        item.put("amount", AttributeValue.fromN(java.math.BigDecimal.valueOf((Double) e.get("amount")).stripTrailingZeros()
                .toPlainString()));
        item.put("seq", AttributeValue.fromN(String.valueOf(i)));
        item.put("tags", AttributeValue.fromL(List.of(AttributeValue.fromS("a"), AttributeValue.fromS("b"))));
        return item;
    }

    private static void produce(String topic, int from, int to, long pauseEvery100Ms) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = CONNECT.kafka().producer(Map.of())) {
            for (int i = from; i < to; i++) {
                Map<String, Object> e = event(i);
                Map<String, Object> key = Map.of("event_type", e.get("event_type"),
                        "user_id", e.getOrDefault("user_id", "anonymous"), "timestamp", e.get("timestamp"));
                p.send(new ProducerRecord<>(topic, null, BASE_TS + i, JSON.writeValueAsBytes(key),
                        JSON.writeValueAsBytes(e)));
                if (pauseEvery100Ms > 0 && i % 100 == 99) {
                    p.flush();
                    Thread.sleep(pauseEvery100Ms);
                }
            }
            p.flush();
        }
    }

    private static Map<String, Map<String, AttributeValue>> scan(String table) {
        Map<String, Map<String, AttributeValue>> out = new HashMap<>();
        DYNAMO.client().scanPaginator(b -> b.tableName(table).consistentRead(true))
                .items().forEach(it -> out.put(it.get("pk").s() + "|" + it.get("sk").s(), it));
        return out;
    }

    private static int count(String table) {
        return DYNAMO.client().scanPaginator(b -> b.tableName(table).select("COUNT"))
                .stream().mapToInt(r -> r.count()).sum();
    }

    private static void assertTableHoldsExactly(String table, int from, int to) {
        Map<String, Map<String, AttributeValue>> expected = new HashMap<>();
        for (int i = from; i < to; i++) {
            Map<String, AttributeValue> item = expectedItem(i);
            expected.put(item.get("pk").s() + "|" + item.get("sk").s(), item);
        }
        Map<String, Map<String, AttributeValue>> actual = scan(table);
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).isEqualTo(v));
    }

    @Test
    @Order(1)
    void validateChecksTheTableInDynamoDb() throws Exception {
        createTable("mskbridge-events-dev", "pk", "sk");
        createTable("wrong-keys", "id", null);
        String endpoint = DYNAMO.endpoint().toString();
        ConnectRest rest = CONNECT.rest();

        assertThat(ConnectRest.errors(rest.validate(CONNECTOR, config("t", "mskbridge-events-dev", endpoint)))).isEmpty();

        Map<String, List<String>> missing = ConnectRest.errors(rest.validate(CONNECTOR, config("t", "nope-table", endpoint)));
        assertThat(missing).containsOnlyKeys("dynamodb.table");
        assertThat(missing.get("dynamodb.table").get(0)).contains("does not exist");

        Map<String, List<String>> wrong = ConnectRest.errors(rest.validate(CONNECTOR, config("t", "wrong-keys", endpoint)));
        assertThat(wrong).containsOnlyKeys("dynamodb.key.partition.attribute", "dynamodb.key.sort.attribute");

        // The docker example, its LocalStack endpoint replaced by DynamoDB Local, passes with the table check on.
        String root = System.getProperty("mskbridge.root", "..");
        JsonNode example = JSON.readTree(Files.readString(Paths.get(root, "docker", "connectors",
                "dynamodb-sink-transactions.json"), StandardCharsets.UTF_8));
        Map<String, String> c = new HashMap<>();
        example.path("config").fields().forEachRemaining(e -> c.put(e.getKey(), e.getValue().asText()));
        c.put("name", example.path("name").asText());
        c.put("aws.endpoint.url", endpoint);
        c.put("aws.credentials.provider", "static");
        c.put("aws.access.key.id", TestAws.ACCESS_KEY);
        c.put("aws.secret.access.key", TestAws.SECRET_KEY);
        assertThat(ConnectRest.errors(rest.validate(CONNECTOR, c))).isEmpty();
    }

    @Test
    @Order(2)
    void writesTheSeedItemsAndDeletesOnTombstones() throws Exception {
        createTable("seed-items", "pk", "sk");
        CONNECT.kafka().createTopic("seed-tx", 2);
        Map<String, String> c = config("seed-tx", "seed-items", DYNAMO.endpoint().toString());
        c.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("key.converter.schemas.enable", "false");
        c.put("dynamodb.delete.on.tombstone", "true");
        c.put("dynamodb.delete.key.partition.template", "{key:event_type}#{key:user_id}");
        c.put("dynamodb.delete.key.sort.template", "{key:timestamp}");
        CONNECT.rest().putConnector("seed-sink", c);
        CONNECT.rest().awaitRunning("seed-sink", 1, Duration.ofSeconds(90));
        produce("seed-tx", 0, 200, 0);
        Waits.until("200 items", Duration.ofSeconds(90), () -> count("seed-items") == 200);
        assertTableHoldsExactly("seed-items", 0, 200);

        // Tombstones for #0..#9 delete exactly those items.
        try (KafkaProducer<byte[], byte[]> p = CONNECT.kafka().producer(Map.of())) {
            for (int i = 0; i < 10; i++) {
                Map<String, Object> e = event(i);
                p.send(new ProducerRecord<byte[], byte[]>("seed-tx", null, BASE_TS + i, JSON.writeValueAsBytes(Map.of(
                        "event_type", e.get("event_type"), "user_id", e.getOrDefault("user_id", "anonymous"),
                        "timestamp", e.get("timestamp"))), (byte[]) null));
            }
        }
        Waits.until("190 items", Duration.ofSeconds(60), () -> count("seed-items") == 190);
        assertTableHoldsExactly("seed-items", 10, 200);
        CONNECT.rest().deleteConnector("seed-sink");
    }

    @Test
    @Order(3)
    void aWorkerKilledMidStreamLeavesExactlyTheExpectedItems() throws Exception {
        int n = 3000;
        createTable("crash-items", "pk", "sk");
        CONNECT.kafka().createTopic("crash-tx", 2);
        Map<String, String> c = config("crash-tx", "crash-items", DYNAMO.endpoint().toString());
        c.put("tasks.max", "2");
        CONNECT.rest().putConnector("crash-sink", c);
        CONNECT.rest().awaitRunning("crash-sink", 2, Duration.ofSeconds(90));
        AtomicReference<Exception> producerFailure = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            try {
                produce("crash-tx", 0, n, 40);
            } catch (Exception e) {
                producerFailure.set(e);
            }
        });
        producer.start();
        Waits.until("some items written", Duration.ofSeconds(60), () -> count("crash-items") >= 300);
        ConnectCluster.Worker victim = CONNECT.workers().get(0);
        CONNECT.killWorker(victim);
        int atKill = count("crash-items");
        CONNECT.addWorker();
        producer.join(120_000);
        assertThat(producer.isAlive()).as("the producer is still sending after 120 s").isFalse();
        assertThat(producerFailure.get()).isNull();
        assertThat(atKill).isLessThan(n);
        Waits.until(n + " items after the crash", Duration.ofSeconds(330), () -> count("crash-items") == n,
                () -> "items=" + count("crash-items") + "\n" + CONNECT.sinkDiagnostics("crash-sink", "crash-tx", 40));
        assertTableHoldsExactly("crash-items", 0, n);
        CONNECT.rest().deleteConnector("crash-sink");
    }

    @Test
    @Order(4)
    void everyRecordLandsExactlyOnceAtThirtyPercentFaults() throws Exception {
        int n = 2000;
        createTable("fault-items", "pk", "sk");
        CONNECT.kafka().createTopic("fault-tx", 2);
        Map<String, String> c = config("fault-tx", "fault-items", proxy.endpoint().toString());
        c.put("tasks.max", "2");
        c.put("aws.max.retries", "1");
        c.put("dynamodb.retry.max.ms", "5000");
        // 30 % throttling/5xx/resets before DynamoDB, plus 5 % lost responses after it applied the write.
        proxy.mixedFaults(0.3).resetAfterUpstreamRate(0.05);
        CONNECT.rest().putConnector("fault-sink", c);
        CONNECT.rest().awaitRunning("fault-sink", 2, Duration.ofSeconds(90));
        produce("fault-tx", 0, n, 0);
        Waits.until(n + " items through faults", Duration.ofSeconds(240), () -> count("fault-items") == n,
                () -> "items=" + count("fault-items") + ", " + proxy + "\n" + CONNECT.sinkDiagnostics("fault-sink", "fault-tx", 40));
        assertThat(proxy.throttled()).isPositive();
        assertThat(proxy.serverErrors()).isPositive();
        assertThat(proxy.resets()).isPositive();
        // Nothing is still being retried into the table once it has all items: compare after a quiet moment.
        Thread.sleep(2000);
        assertTableHoldsExactly("fault-items", 0, n);
        assertThat(CONNECT.rest().status("fault-sink").path("tasks").findValuesAsText("state")).containsOnly("RUNNING");
        proxy.heal();
        CONNECT.rest().deleteConnector("fault-sink");
    }
}
