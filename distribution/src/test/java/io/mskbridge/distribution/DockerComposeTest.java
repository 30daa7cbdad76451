package io.mskbridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Docker cannot run here, so the compose stack is checked statically: its services, their ports, the plugin
 * mount on the worker's plugin.path, and that the worker and init script agree with the connector configs.
 */
public class DockerComposeTest {

    private static final Path ROOT = Path.of(System.getProperty("mskbridge.root", ".."));
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        try (Reader r = Files.newBufferedReader(ROOT.resolve("docker/docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(r);
            services = (Map<String, Map<String, Object>>) compose.get("services");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void hasTheStackServices() {
        assertThat(services).containsKeys("kafka", "localstack", "init", "connect", "schema-registry");
        assertThat((String) services.get("kafka").get("image")).isEqualTo("apache/kafka:3.7.2");
        assertThat((String) services.get("connect").get("image")).as("MSK Connect runs Connect 3.7").startsWith("apache/kafka:3.7");
        assertThat((List<Object>) services.get("schema-registry").get("profiles")).containsExactly("schema-registry");
    }

    @Test
    void exposesTheDocumentedPorts() {
        assertThat(ports("kafka")).contains("9092:9092");
        assertThat(ports("localstack")).contains("4566:4566");
        assertThat(ports("connect")).contains("8083:8083");
        assertThat(ports("schema-registry")).contains("8081:8081");
    }

    @Test
    void kafkaRunsKraftWithSingleNodeTransactions() {
        @SuppressWarnings("unchecked")
        Map<String, Object> env = (Map<String, Object>) services.get("kafka").get("environment");
        assertThat(String.valueOf(env.get("KAFKA_PROCESS_ROLES"))).isEqualTo("broker,controller");
        assertThat(String.valueOf(env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"))).isEqualTo("1");
        assertThat(String.valueOf(env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"))).isEqualTo("1");
        // as on MSK: nothing but the connectors' own topic creation makes topics
        assertThat(String.valueOf(env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"))).isEqualTo("false");
    }

    @Test
    void workerMountsThePluginOnPluginPathAndTheWorkerConfig() throws IOException {
        @SuppressWarnings("unchecked")
        List<String> volumes = (List<String>) services.get("connect").get("volumes");
        Properties worker = new Properties();
        try (Reader r = Files.newBufferedReader(ROOT.resolve("docker/connect/worker.properties"))) {
            worker.load(r);
        }
        String pluginPath = worker.getProperty("plugin.path");
        // The sink configs' consumer.override.isolation.level needs connector-level client overrides.
        assertThat(worker.getProperty("connector.client.config.override.policy", "All")).isEqualTo("All");
        assertThat(volumes).anySatisfy(v -> assertThat(v)
                .startsWith("../distribution/target/mskbridge-${MSKBRIDGE_VERSION:-" + System.getProperty("project.version", "0.1.0-SNAPSHOT") + "}-plugin:")
                .contains(":" + pluginPath + ":"));
        assertThat(volumes).anySatisfy(v -> assertThat(v).startsWith("./connect/worker.properties:"));
        assertThat(worker.getProperty("exactly.once.source.support")).isEqualTo("enabled");
        assertThat(worker.getProperty("bootstrap.servers")).isEqualTo("kafka:29092");
        // each mounted host path exists in the repo (the plugin folder is a build output)
        assertThat(ROOT.resolve("docker/connect/worker.properties")).exists();
        assertThat(ROOT.resolve("docker/init/create-resources.sh")).exists();
    }

    @Test
    void initScriptCreatesWhatTheConnectorsUse() throws IOException {
        String script = Files.readString(ROOT.resolve("docker/init/create-resources.sh"));
        assertThat(script).contains("maindatastream", "clickstreamdatastream", "iotdatastream", "transactiondatastream",
                "mskbridge-events-", "mskbridge-archive-", "AttributeName=pk", "AttributeName=sk", "AttributeName=ttl");
        assertThat((String) services.get("init").get("image")).startsWith("amazon/aws-cli");
    }

    /** The healthcheck command of a service as compose runs it ({@code $$} is compose's escape for {@code $}). */
    @SuppressWarnings("unchecked")
    public static List<String> healthCheck(Map<String, Map<String, Object>> services, String service) {
        Map<String, Object> hc = (Map<String, Object>) services.get(service).get("healthcheck");
        return ((List<String>) hc.get("test")).stream().map(a -> a.replace("$$", "$")).toList();
    }

    /** The compose file's services, for the ITs that run parts of it. */
    public static Map<String, Map<String, Object>> services() throws IOException {
        parse();
        return services;
    }

    @Test
    void healthChecksUseOnlyWhatTheirImagesHave() {
        // apache/kafka images ship neither curl nor wget; their scripts (and so bash) are all they can rely on.
        services.forEach((name, service) -> {
            if (String.valueOf(service.get("image")).startsWith("apache/kafka") && service.containsKey("healthcheck")) {
                assertThat(String.join(" ", healthCheck(services, name))).as(name + " healthcheck")
                        .doesNotContain("curl").doesNotContain("wget");
            }
        });
        assertThat(healthCheck(services, "connect")).startsWith("CMD", "bash", "-c");
    }

    @Test
    void postConnectorsWaitsForTheRestApiAndSaysWhenItDoesNotAnswer() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("docker/init/post-connectors.sh").toString())
                .redirectErrorStream(true);
        pb.environment().put("CONNECT_URL", "http://127.0.0.1:" + closedPort);
        pb.environment().put("CONNECT_WAIT_SECONDS", "3");
        long start = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out).contains("did not answer within 3 s").doesNotContain("deployed");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).as("it waited before giving up")
                .isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(2)); // whole-second deadline
    }

    @SuppressWarnings("unchecked")
    private static List<String> ports(String service) {
        return (List<String>) services.get(service).get("ports");
    }
}
