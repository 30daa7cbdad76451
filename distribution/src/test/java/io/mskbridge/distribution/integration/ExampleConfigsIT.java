package io.mskbridge.distribution.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.ConnectRest;
import io.mskbridge.harness.DynamoDbLocal;
import io.mskbridge.harness.KafkaBroker;
import io.mskbridge.harness.PluginDirs;
import io.mskbridge.harness.KinesisEmulator;
import io.mskbridge.harness.S3ProxyServer;
import io.mskbridge.harness.TestAws;
import io.mskbridge.harness.Waits;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Every connector config users copy (docker/connectors/*.json and the connectorConfiguration of
 * deploy/msk-connect/connector-*.json and its at-least-once variant) passes the plugins' own validate(), through the
 * REST API of a worker that loads the released ZIP, with zero errors, against real servers holding the seed's
 * streams, table and bucket. (That they are generated from deploy/connectors is ConnectorConfigsTest's business.)
 *
 * <p>The broker does not create topics on its own ({@code auto.create.topics.enable=false}, MSK's default), so the
 * shipped pipeline runs only if its configs create what they write: the source its topics and the {@code .invalid}
 * twins (topic.creation.*), the sinks' DLQ reporters their DLQ topics. A second worker without exactly-once support
 * and with client overrides forbidden stands for an MSK Connect that accepts neither: it refuses the exactly-once
 * configs with the errors the deploy README tells users to look for, and runs the at-least-once variant.
 */
class ExampleConfigsIT {

    private static final Path ROOT = Path.of(System.getProperty("mskbridge.root"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = "transactiondatastream-dev";

    @RegisterExtension
    static final KinesisEmulator KINESIS = new KinesisEmulator();
    @RegisterExtension
    static final DynamoDbLocal DYNAMO = new DynamoDbLocal();
    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();
    /** MSK's default: topics exist only when someone creates them. */
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker().withProperty("auto.create.topics.enable", "false");
    static ConnectCluster connect;
    static Path plugin;
    static long started;

    @BeforeAll
    static void start() throws IOException {
        started = System.nanoTime();
        for (String s : List.of("maindatastream-dev", "clickstreamdatastream-dev", "iotdatastream-dev", STREAM)) {
            KINESIS.createStream(s, 1);
        }
        DYNAMO.client().createTable(b -> b.tableName("mskbridge-events-dev")
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        // As docker/init creates it: items expire on "ttl", which the sink's validate() checks.
        DYNAMO.client().updateTimeToLive(b -> b.tableName("mskbridge-events-dev")
                .timeToLiveSpecification(t -> t.attributeName("ttl").enabled(true)));
        S3.client().createBucket(b -> b.bucket("mskbridge-archive-dev"));
        // Configured like docker/connect/worker.properties: the Kinesis sources require exactly-once support.
        plugin = PluginDirs.unpackZip(Path.of(System.getProperty("mskbridge.plugin.zip")));
        connect = new ConnectCluster(KAFKA, 1).withExactlyOnceSource().withPluginPath(plugin);
        connect.start();
    }

    @org.junit.jupiter.api.AfterAll
    static void stop() {
        if (connect != null) {
            connect.close();
        }
        System.out.printf("ExampleConfigsIT: %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    /** The compose file's Connect healthcheck, run as compose runs it, against a live worker and a dead port. */
    @Test
    void theComposeHealthCheckOfConnectPassesOnALiveWorkerOnly() throws Exception {
        List<String> check = io.mskbridge.distribution.DockerComposeTest.healthCheck(
                io.mskbridge.distribution.DockerComposeTest.services(), "connect");
        assertThat(check.get(0)).isEqualTo("CMD");
        int live = connect.workers().get(0).port();
        assertThat(runHealthCheck(check, live)).as("healthy on a running worker").isZero();
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        assertThat(runHealthCheck(check, dead)).as("unhealthy where nothing listens").isNotZero();
    }

    private static int runHealthCheck(List<String> check, int port) throws Exception {
        List<String> cmd = check.subList(1, check.size()).stream().map(a -> a.replace("8083", String.valueOf(port))).toList();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void everyDockerConnectorConfigValidatesWithZeroErrors() throws IOException {
        Map<String, Map<String, String>> configs = docker();
        assertThat(configs.keySet()).contains("kinesis-source.json", "dynamodb-sink-transactions.json",
                "s3-archive-processed.json", "s3-archive-raw.json");
        assertAllValid(configs);
    }

    @Test
    void everyMskConnectConnectorConfigValidatesInBothVariants() throws IOException {
        List<Path> inputs = new ArrayList<>(list(ROOT.resolve("deploy/msk-connect"), "connector-"));
        List<Path> atLeastOnce = list(ROOT.resolve("deploy/msk-connect/at-least-once"), "connector-");
        assertThat(inputs).hasSize(6);
        assertThat(atLeastOnce).hasSameSizeAs(inputs);
        inputs.addAll(atLeastOnce);
        Map<String, Map<String, String>> configs = new LinkedHashMap<>();
        for (Path f : inputs) {
            JsonNode node = JSON.readTree(f.toFile());
            assertThat(node.path("kafkaConnectVersion").asText()).isEqualTo("3.7.x");
            assertThat(node.path("capacity").path("autoScaling").path("maxWorkerCount").asInt()).isPositive();
            assertThat(node.path("kafkaClusterClientAuthentication").path("authenticationType").asText()).isEqualTo("IAM");
            Map<String, String> cfg = strings(node.path("connectorConfiguration"));
            assertThat(cfg).doesNotContainKey("aws.endpoint.url");
            assertThat(cfg.get("aws.credentials.provider")).isEqualTo("default");
            Map<String, String> local = singleBroker(cfg);
            local.put("name", node.path("connectorName").asText());
            configs.put(ROOT.relativize(f).toString(), local);
        }
        assertAllValid(configs);
    }

    /**
     * The shipped pipeline on a broker that creates no topic by itself: records reach the source's topic and its
     * .invalid twin, and the DynamoDB sink's DLQ, each topic created by Connect as the configs say.
     */
    @Test
    void theShippedPipelineCreatesItsTopicsOnABrokerThatDoesNot() throws Exception {
        Map<String, Map<String, String>> docker = docker();
        Map<String, String> source = localEndpoints(docker.get("kinesis-source.json"));
        Map<String, String> sink = localEndpoints(docker.get("dynamodb-sink-transactions.json"));
        String dlq = sink.get("errors.deadletterqueue.topic.name");
        connect.rest().putConnector(source.get("name"), source);
        connect.rest().putConnector(sink.get("name"), sink);
        connect.rest().awaitRunning(source.get("name"), 1, Duration.ofSeconds(60));
        connect.rest().awaitRunning(sink.get("name"), 1, Duration.ofSeconds(60));

        put(STREAM, "{\"id\":\"ok-1\",\"event_type\":\"purchase\",\"user_id\":\"u1\",\"timestamp\":\"2024-05-01T10:00:00Z\"}");
        put(STREAM, "{\"id\":\"bad-1\",\"user_id\":\"u2\"}"); // no event_type, no timestamp: routed to .invalid
        // valid for the source, but over DynamoDB's 400 KB item limit: the sink's DLQ
        put(STREAM, "{\"id\":\"big-1\",\"event_type\":\"purchase\",\"user_id\":\"u3\",\"timestamp\":\"2024-05-01T10:00:01Z\","
                + "\"blob\":\"" + "x".repeat(420 * 1024) + "\"}");

        assertThat(read(STREAM, 2, "read_committed"))
                .containsExactlyInAnyOrder("ok-1", "big-1");
        assertThat(read(STREAM + ".invalid", 1, "read_committed"))
                .containsExactly("bad-1");
        assertThat(read(dlq, 1, "read_uncommitted"))
                .as(connect.sinkDiagnostics(sink.get("name"), STREAM, 40)).containsExactly("big-1");

        try (Admin admin = KAFKA.admin()) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(STREAM, STREAM + ".invalid")).allTopicNames().get();
            int partitions = Integer.parseInt(source.get("topic.creation.default.partitions"));
            topics.values().forEach(t -> assertThat(t.partitions()).as(t.name()).hasSize(partitions));
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, STREAM);
            assertThat(admin.describeConfigs(List.of(r)).all().get().get(r).get("min.insync.replicas").value())
                    .isEqualTo(source.get("topic.creation.default.min.insync.replicas"));
        }
        assertThat(workerLog(connect)).as("the source task says it runs in transactions")
                .contains(source.get("name") + "-0: exactly-once delivery: ENABLED");
        connect.rest().deleteConnector(source.get("name"));
        connect.rest().deleteConnector(sink.get("name"));
    }

    /**
     * A worker as an MSK Connect that accepts neither worker exactly-once support nor connector client overrides
     * would be: it refuses the exactly-once configs with the errors the deploy README names, validates the
     * at-least-once variant with zero errors, and runs its source, which says it runs at-least-once.
     */
    @Test
    void theAtLeastOnceVariantRunsWhereTheExactlyOnceConfigsAreRefused() throws Exception {
        try (ConnectCluster plain = new ConnectCluster(KAFKA, 1).withPluginPath(plugin)
                .withWorkerProperty("connector.client.config.override.policy", "None")) {
            plain.start();
            Map<String, String> eosSource = msk("deploy/msk-connect/connector-kinesis-source-raw.json");
            Map<String, String> eosSink = msk("deploy/msk-connect/connector-s3-archive-raw.json");
            assertThat(errors(plain, eosSource).get("exactly.once.support"))
                    .anySatisfy(e -> assertThat(e).contains("This worker does not have exactly-once source support enabled"));
            assertThat(errors(plain, eosSink).values().stream().flatMap(List::stream))
                    .anySatisfy(e -> assertThat(e).contains("policy does not allow").contains("isolation.level"));

            Map<String, String> aloSource = msk("deploy/msk-connect/at-least-once/connector-kinesis-source-raw.json");
            for (String f : List.of("connector-kinesis-source-raw.json", "connector-s3-archive-raw.json")) {
                assertThat(errors(plain, msk("deploy/msk-connect/at-least-once/" + f))).as(f).isEmpty();
            }
            aloSource.put("name", "alo-raw");
            aloSource.put("kafka.topic", "alo.raw");
            aloSource.put("kinesis.stream.names", "clickstreamdatastream-dev"); // a stream no other test writes
            plain.rest().putConnector("alo-raw", aloSource);
            plain.rest().awaitRunning("alo-raw", 1, Duration.ofSeconds(60));
            put("clickstreamdatastream-dev", "{\"id\":\"alo-1\"}");
            assertThat(read("alo.raw", 1, "read_uncommitted")).contains("alo-1");
            assertThat(workerLog(plain)).contains("alo-raw-0: exactly-once delivery: DISABLED");
            plain.rest().deleteConnector("alo-raw");
        }
    }

    private static Map<String, List<String>> errors(ConnectCluster cluster, Map<String, String> config) {
        return ConnectRest.errors(cluster.rest().validate(config.get("connector.class"), config));
    }

    /** An MSK config as a one-broker test cluster and the local servers can take it. */
    private static Map<String, String> msk(String file) throws IOException {
        JsonNode node = JSON.readTree(ROOT.resolve(file).toFile());
        Map<String, String> cfg = localEndpoints(singleBroker(strings(node.path("connectorConfiguration"))));
        cfg.put("name", node.path("connectorName").asText());
        return cfg;
    }

    /** Replication 1 and min ISR 1 where a config asks for more: the test cluster has one broker. */
    private static Map<String, String> singleBroker(Map<String, String> cfg) {
        Map<String, String> out = new LinkedHashMap<>(cfg);
        out.replaceAll((k, v) -> k.endsWith("replication.factor") || k.endsWith("min.insync.replicas") ? "1" : v);
        return out;
    }

    private static void put(String stream, String json) {
        KINESIS.client().putRecord(b -> b.streamName(stream).partitionKey(UUID.randomUUID().toString())
                .data(SdkBytes.fromUtf8String(json)));
    }

    /** Every record of {@code topic}, once something has created it (the broker will not). */
    private static List<String> read(String topic, int expected, String isolation) throws IOException {
        try (Admin admin = KAFKA.admin()) {
            Waits.until("topic " + topic + " created", Duration.ofSeconds(60),
                    () -> admin.listTopics().names().get().contains(topic));
        }
        return ids(KAFKA.readAll(List.of(topic), expected, Duration.ofSeconds(60), isolation));
    }

    private static List<String> ids(List<ConsumerRecord<byte[], byte[]>> records) throws IOException {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            out.add(JSON.readTree(r.value()).path("id").asText());
        }
        return out;
    }

    private static String workerLog(ConnectCluster cluster) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (ConnectCluster.Worker w : cluster.workers()) {
            sb.append(Files.readString(w.process().log()));
        }
        return sb.toString();
    }

    /**
     * Validates every config through the worker's REST API, several at once (the worker validates each request on
     * its own thread; most of a validation is waiting for the probes' calls), and prints how long each took.
     */
    private static void assertAllValid(Map<String, Map<String, String>> configs) {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Map<String, Future<JsonNode>> results = new LinkedHashMap<>();
            configs.forEach((file, config) -> results.put(file, pool.submit(() -> {
                long t0 = System.nanoTime();
                Map<String, String> local = localEndpoints(config);
                JsonNode infos = connect.rest().validate(local.get("connector.class"), local);
                System.out.printf("ExampleConfigsIT: validated %s in %d ms%n", file, (System.nanoTime() - t0) / 1_000_000);
                return infos;
            })));
            for (Map.Entry<String, Future<JsonNode>> e : results.entrySet()) {
                JsonNode infos = e.getValue().get(120, TimeUnit.SECONDS);
                assertThat(ConnectRest.errors(infos)).as(e.getKey() + " validation errors").isEmpty();
                assertThat(infos.path("error_count").asInt()).as(e.getKey()).isZero();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("validation request failed", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The config with its AWS endpoint and static credentials pointed at the local servers. */
    private static Map<String, String> localEndpoints(Map<String, String> config) {
        Map<String, String> local = new LinkedHashMap<>(config);
        String cls = local.get("connector.class");
        String endpoint = cls.endsWith("KinesisSourceConnector") ? KINESIS.endpoint().toString()
                : cls.endsWith("DynamoDbSinkConnector") ? DYNAMO.endpoint().toString() : S3.endpoint().toString();
        local.put("aws.endpoint.url", endpoint);
        local.put("aws.credentials.provider", "static");
        local.put("aws.access.key.id", TestAws.ACCESS_KEY);
        local.put("aws.secret.access.key", TestAws.SECRET_KEY);
        return local;
    }

    private static Map<String, Map<String, String>> docker() throws IOException {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Path f : list(ROOT.resolve("docker/connectors"), "")) {
            JsonNode node = JSON.readTree(f.toFile());
            Map<String, String> cfg = strings(node.path("config"));
            cfg.put("name", node.path("name").asText());
            out.put(f.getFileName().toString(), cfg);
        }
        return out;
    }

    private static Map<String, String> strings(JsonNode obj) {
        Map<String, String> m = new LinkedHashMap<>();
        obj.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    private static List<Path> list(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".json")).sorted()
                    .collect(Collectors.toList());
        }
    }
}
