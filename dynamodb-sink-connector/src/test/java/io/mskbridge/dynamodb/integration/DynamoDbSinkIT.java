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
import io.mskbridge.harness.SharedServers;
import io.mskbridge.harness.FaultProxy;
import io.mskbridge.harness.TestAws;
import io.mskbridge.harness.Waits;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The connector in a real Connect 3.7 worker (loaded from plugin.path) against DynamoDB Local: validate()
 * against a real table, the seed's items and tombstone deletes, a SIGKILLed worker mid-stream and 30 % injected
 * faults — after each, the table holds exactly the expected items; poison records among good ones go to the DLQ
 * with their reasons while the task keeps running; a table whose key type does not match fails the task.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DynamoDbSinkIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONNECTOR = "io.mskbridge.dynamodb.DynamoDbSinkConnector";
    /**
     * Far beyond the 2023 record timestamps: the tables expire items on "ttl" (validate() wants that), and DynamoDB
     * Local's expiry sweep would otherwise delete items whose record time + 30 days is long past, in the middle of
     * a test, while every offset is committed: the same trap as a broker's time retention.
     */
    private static final long TTL = 100L * 365 * 86400;
    private static final long BASE_TS = 1_700_000_000_000L;

    @RegisterExtension
    static final SharedServers SERVERS = DynamoDbItServers.shared();
    static final DynamoDbLocal DYNAMO = DynamoDbItServers.DYNAMO;
    static final ConnectCluster CONNECT = DynamoDbItServers.CONNECT;

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
        // The configs below write a TTL attribute, and validate() (run by every connector PUT) wants the table to
        // expire on it.
        DYNAMO.client().updateTimeToLive(b -> b.tableName(name)
                .timeToLiveSpecification(t -> t.attributeName("ttl").enabled(true)));
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

    /** The table numeric-pk: a number partition key rendered from the seq field, no sort key, no TTL. */
    private static Map<String, String> numericConfig(String topic, String endpoint) {
        Map<String, String> c = config(topic, "numeric-pk", endpoint);
        c.put("dynamodb.key.partition.template", "{seq}");
        c.put("dynamodb.key.partition.type", "N");
        c.remove("dynamodb.key.sort.attribute");
        c.remove("dynamodb.key.sort.template");
        c.remove("dynamodb.ttl.attribute");
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
        createTable("no-ttl", "pk", "sk");
        DYNAMO.client().updateTimeToLive(b -> b.tableName("no-ttl")
                .timeToLiveSpecification(t -> t.attributeName("ttl").enabled(false)));
        DYNAMO.client().createTable(b -> b.tableName("numeric-pk").billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.N)));
        String endpoint = DYNAMO.endpoint().toString();
        ConnectRest rest = CONNECT.rest();

        assertThat(ConnectRest.errors(rest.validate(CONNECTOR, config("t", "mskbridge-events-dev", endpoint)))).isEmpty();

        Map<String, List<String>> missing = ConnectRest.errors(rest.validate(CONNECTOR, config("t", "nope-table", endpoint)));
        assertThat(missing).containsOnlyKeys("dynamodb.table");
        assertThat(missing.get("dynamodb.table").get(0)).contains("does not exist");

        Map<String, String> wrongKeys = config("t", "wrong-keys", endpoint);
        wrongKeys.remove("dynamodb.ttl.attribute");
        Map<String, List<String>> wrong = ConnectRest.errors(rest.validate(CONNECTOR, wrongKeys));
        assertThat(wrong).containsOnlyKeys("dynamodb.key.partition.attribute", "dynamodb.key.sort.attribute");

        // A TTL attribute the table does not expire on (DescribeTimeToLive) is reported on its field.
        Map<String, List<String>> noTtl = ConnectRest.errors(rest.validate(CONNECTOR, config("t", "no-ttl", endpoint)));
        assertThat(noTtl).containsOnlyKeys("dynamodb.ttl.attribute");
        assertThat(noTtl.get("dynamodb.ttl.attribute").get(0)).contains("UpdateTimeToLive");

        // A numeric partition key: wrong with the default type S, right with dynamodb.key.partition.type=N.
        Map<String, String> numeric = numericConfig("t", endpoint);
        numeric.remove("dynamodb.key.partition.type");
        Map<String, List<String>> typeErrors = ConnectRest.errors(rest.validate(CONNECTOR, numeric));
        assertThat(typeErrors).containsOnlyKeys("dynamodb.key.partition.attribute");
        assertThat(typeErrors.get("dynamodb.key.partition.attribute").get(0)).contains("dynamodb.key.partition.type=N");
        assertThat(ConnectRest.errors(rest.validate(CONNECTOR, numericConfig("t", endpoint)))).isEmpty();

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

    @Test
    @Order(5)
    void poisonRecordsGoToTheDlqWithTheirReasonsAndTheGoodOnesArrive() throws Exception {
        // A string GSI key: DynamoDB itself rejects an item whose tag is empty (the mapper lets empty strings through).
        DYNAMO.client().createTable(b -> b.tableName("poison-items").billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("tag").attributeType(ScalarAttributeType.S))
                .globalSecondaryIndexes(g -> g.indexName("by-tag")
                        .keySchema(k -> k.attributeName("tag").keyType(KeyType.HASH))
                        .projection(p -> p.projectionType("KEYS_ONLY"))));
        CONNECT.kafka().createTopic("poison-tx", 1);
        CONNECT.kafka().createTopic("poison-dlq", 1);
        Map<String, String> c = config("poison-tx", "poison-items", DYNAMO.endpoint().toString());
        c.put("dynamodb.key.partition.attribute", "id");
        c.put("dynamodb.key.partition.template", "{id}");
        c.remove("dynamodb.key.sort.attribute");
        c.remove("dynamodb.key.sort.template");
        c.remove("dynamodb.ttl.attribute");
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", "poison-dlq");
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        // All records in one poll, so the good k1 and the bad k1 collapse in one put().
        c.put("consumer.override.max.poll.records", "500");
        List<String> values = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            values.add("{\"id\":\"g" + i + "\",\"score\":" + i + ",\"tag\":\"t\"}");
        }
        values.add("\"null\"");                                                       // offset 10: the JSON string "null"
        values.add("{\"id\":\"k1\",\"score\":1}");                                    // offset 11: good
        values.add("{\"id\":\"k1\",\"score\":3,\"tag\":\"\"}");                     // offset 12: DynamoDB rejects it
        // offset 13: a partition key over 2048 bytes (a 40-digit number would not do: JsonConverter turns it into a long)
        values.add("{\"id\":\"" + "p".repeat(3000) + "\",\"score\":2,\"tag\":\"t\"}");
        for (int i = 10; i < 20; i++) {
            values.add("{\"id\":\"g" + i + "\",\"score\":" + i + ",\"tag\":\"t\"}");
        }
        try (KafkaProducer<byte[], byte[]> p = CONNECT.kafka().producer(Map.of())) {
            for (String v : values) {
                p.send(new ProducerRecord<>("poison-tx", 0, BASE_TS, null, v.getBytes(StandardCharsets.UTF_8)));
            }
            p.flush();
        }
        CONNECT.rest().putConnector("poison-sink", c);
        CONNECT.rest().awaitRunning("poison-sink", 1, Duration.ofSeconds(90));
        Waits.until("21 items", Duration.ofSeconds(90), () -> count("poison-items") == 21,
                () -> "items=" + count("poison-items") + "\n" + CONNECT.sinkDiagnostics("poison-sink", "poison-tx", 40));
        List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> dlq = CONNECT.kafka()
                .readAll(List.of("poison-dlq"), 3, Duration.ofSeconds(60), "read_uncommitted");
        Map<Long, String> reasons = new java.util.TreeMap<>();
        for (var r : dlq) {
            reasons.put(Long.parseLong(header(r, "__connect.errors.offset")), header(r, "__connect.errors.exception.message"));
        }
        assertThat(reasons).containsOnlyKeys(10L, 12L, 13L);
        assertThat(reasons.get(10L)).contains("offset=10").contains("field '<value>'").contains("JSON null");
        assertThat(reasons.get(12L)).contains("offset=12").contains("field 'tag'").contains("ValidationException");
        assertThat(reasons.get(13L)).contains("offset=13").contains("field 'id'").contains("2048");
        // The good k1 was written although the later record with its key was rejected.
        Map<String, AttributeValue> k1 = DYNAMO.client().getItem(b -> b.tableName("poison-items").consistentRead(true)
                .key(Map.of("id", AttributeValue.fromS("k1")))).item();
        assertThat(k1.get("score").n()).isEqualTo("1");
        assertThat(CONNECT.rest().status("poison-sink").path("tasks").findValuesAsText("state")).containsOnly("RUNNING");
        CONNECT.rest().deleteConnector("poison-sink");
    }

    @Test
    @Order(6)
    void aTableWhoseKeyTypeDoesNotMatchFailsTheTaskAndLeavesTheDlqEmpty() throws Exception {
        CONNECT.kafka().createTopic("numeric-tx", 1);
        CONNECT.kafka().createTopic("numeric-dlq", 1);
        produce("numeric-tx", 0, 20, 0);
        // Created with validate() bypassed, as a REST PUT does: the table's pk is N, the connector writes S.
        Map<String, String> c = numericConfig("numeric-tx", DYNAMO.endpoint().toString());
        c.remove("dynamodb.key.partition.type");
        c.put("dynamodb.table.check", "false");
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", "numeric-dlq");
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        CONNECT.rest().putConnector("numeric-sink", c);
        String trace = CONNECT.rest().awaitTaskFailure("numeric-sink", Duration.ofSeconds(90));
        assertThat(trace).contains("numeric-pk").contains("type N").contains("dynamodb.key.partition.type=N");
        try (var consumer = CONNECT.kafka().consumer(Map.of())) {
            consumer.assign(List.of(new org.apache.kafka.common.TopicPartition("numeric-dlq", 0)));
            consumer.seekToEnd(consumer.assignment());
            assertThat(consumer.position(new org.apache.kafka.common.TopicPartition("numeric-dlq", 0))).isZero();
        }
        assertThat(count("numeric-pk")).isZero();
        CONNECT.rest().deleteConnector("numeric-sink");
    }

    private static String header(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
