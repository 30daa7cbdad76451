package io.mskbridge.distribution.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.ConnectRest;
import io.mskbridge.harness.DynamoDbLocal;
import io.mskbridge.harness.PluginDirs;
import io.mskbridge.harness.KinesisEmulator;
import io.mskbridge.harness.S3ProxyServer;
import io.mskbridge.harness.TestAws;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Every connector config users copy (docker/connectors/*.json and the connectorConfiguration of
 * deploy/msk-connect/connector-*.json) passes the plugins' own validate(), through the REST API of a worker that
 * loads the released ZIP, with zero errors, against real servers holding the seed's streams, table and bucket.
 * The deploy inputs must say what the docker configs say, but for the AWS-only differences.
 */
class ExampleConfigsIT {

    private static final Path ROOT = Path.of(System.getProperty("mskbridge.root"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final KinesisEmulator KINESIS = new KinesisEmulator();
    @RegisterExtension
    static final DynamoDbLocal DYNAMO = new DynamoDbLocal();
    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();
    static ConnectCluster connect;

    @BeforeAll
    static void start() throws IOException {
        for (String s : List.of("maindatastream-dev", "clickstreamdatastream-dev", "iotdatastream-dev", "transactiondatastream-dev")) {
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
        connect = new ConnectCluster(1).withExactlyOnceSource()
                .withPluginPath(PluginDirs.unpackZip(Path.of(System.getProperty("mskbridge.plugin.zip"))));
        connect.start();
    }

    @org.junit.jupiter.api.AfterAll
    static void stop() {
        if (connect != null) {
            connect.close();
        }
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
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void everyDockerConnectorConfigValidatesWithZeroErrors() throws IOException {
        Map<String, Map<String, String>> configs = docker();
        assertThat(configs.keySet()).contains("kinesis-source.json", "dynamodb-sink-transactions.json",
                "s3-archive-processed.json", "s3-archive-raw.json");
        configs.forEach(this::assertValid);
    }

    @Test
    void everyMskConnectConnectorConfigValidatesAndMatchesDocker() throws IOException {
        Map<String, Map<String, String>> docker = docker().values().stream()
                .collect(Collectors.toMap(c -> c.get("name"), c -> c));
        List<Path> inputs = list(ROOT.resolve("deploy/msk-connect"), "connector-");
        assertThat(inputs).hasSizeGreaterThanOrEqualTo(4);
        for (Path f : inputs) {
            JsonNode node = JSON.readTree(f.toFile());
            assertThat(node.path("kafkaConnectVersion").asText()).isEqualTo("3.7.x");
            assertThat(node.path("capacity").path("autoScaling").path("maxWorkerCount").asInt()).isPositive();
            assertThat(node.path("kafkaClusterClientAuthentication").path("authenticationType").asText()).isEqualTo("IAM");
            Map<String, String> cfg = strings(node.path("connectorConfiguration"));
            assertThat(cfg).doesNotContainKey("aws.endpoint.url");
            assertThat(cfg.get("aws.credentials.provider")).isEqualTo("default");
            String dockerName = node.path("connectorName").asText();
            Map<String, String> twin = docker.values().stream()
                    .filter(d -> d.get("name").equals(dockerName) || d.get("name").equals(dockerName + "-dev"))
                    .findFirst().orElseThrow(() -> new AssertionError("no docker/connectors twin for " + f));
            Set<String> awsOnly = Set.of("name", "aws.endpoint.url", "exactly.once.support");
            twin.forEach((k, v) -> {
                if (!awsOnly.contains(k) && !k.endsWith("replication.factor")) {
                    assertThat(cfg.get(k)).as(f.getFileName() + ": " + k + " differs from docker/connectors").isEqualTo(v);
                }
            });
            Map<String, String> local = new LinkedHashMap<>(cfg);
            local.put("name", dockerName);
            local.replaceAll((k, v) -> k.endsWith("replication.factor") ? "1" : v);
            assertValid(f.getFileName().toString(), local);
        }
    }

    private void assertValid(String file, Map<String, String> config) {
        Map<String, String> local = new LinkedHashMap<>(config);
        String cls = local.get("connector.class");
        String endpoint = cls.endsWith("KinesisSourceConnector") ? KINESIS.endpoint().toString()
                : cls.endsWith("DynamoDbSinkConnector") ? DYNAMO.endpoint().toString() : S3.endpoint().toString();
        local.put("aws.endpoint.url", endpoint);
        local.put("aws.credentials.provider", "static");
        local.put("aws.access.key.id", TestAws.ACCESS_KEY);
        local.put("aws.secret.access.key", TestAws.SECRET_KEY);
        JsonNode infos = connect.rest().validate(cls, local);
        assertThat(ConnectRest.errors(infos)).as(file + " validation errors").isEmpty();
        assertThat(infos.path("error_count").asInt()).as(file).isZero();
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
