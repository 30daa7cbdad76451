package io.mskbridge.distribution.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.ConnectRest;
import io.mskbridge.harness.PluginDirs;
import io.mskbridge.harness.S3ProxyServer;
import io.mskbridge.harness.TestAws;
import io.mskbridge.harness.Waits;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The plugin ZIP, unpacked into {@code plugin.path} of a Connect 3.7 worker running in its own JVM (no MSK Bridge
 * class on its classpath, so the plugin's isolated class loader does all the loading), lists every connector and
 * transform the pack declares, each with the pack's version, and the S3 sink writes Parquet with the ZIP's jars
 * alone.
 */
class PluginZipIT {

    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();

    private static final String VERSION = System.getProperty("project.version");
    private static Path zip;
    private static Path pluginPath;

    @BeforeAll
    static void unpack() {
        zip = Path.of(System.getProperty("mskbridge.plugin.zip"));
        assertThat(zip).exists();
        pluginPath = PluginDirs.unpackZip(zip);
    }

    @Test
    void zipHasTheMskConnectLayout() throws IOException {
        Path root = pluginPath.resolve("mskbridge-" + VERSION);
        assertThat(root.resolve("README.md")).exists();
        assertThat(root.resolve("LICENSE")).exists();
        JsonNode manifest = new ObjectMapper().readTree(root.resolve("manifest.json").toFile());
        assertThat(manifest.path("version").asText()).isEqualTo(VERSION);
        assertThat(manifest.path("name").asText()).isEqualTo("mskbridge");
        try (Stream<Path> jars = Files.list(root.resolve("lib"))) {
            List<String> names = jars.map(p -> p.getFileName().toString()).collect(Collectors.toList());
            assertThat(names).contains("connect-common-" + VERSION + ".jar", "aws-common-" + VERSION + ".jar", "smt-" + VERSION + ".jar");
            // The worker provides Kafka and slf4j; bundling them would shadow the runtime's own classes.
            assertThat(names).noneMatch(n -> n.startsWith("kafka-clients") || n.startsWith("connect-api")
                    || n.startsWith("connect-runtime") || n.startsWith("slf4j-api"));
        }
    }

    @Test
    void workerListsEveryPluginOfThePackWithItsVersion() throws IOException {
        List<String> declared = declaredPlugins(pluginPath.resolve("mskbridge-" + VERSION + "/lib"));
        assertThat(declared).as("plugins declared in META-INF/services of the pack's jars").isNotEmpty();

        // Connect's default discovery mode (the harness loads from manifests only): scan and compare with the
        // manifests, as a worker configured without plugin.discovery does.
        try (ConnectCluster connect = new ConnectCluster(1).withPluginPath(pluginPath)
                .withWorkerProperty("plugin.discovery", "hybrid_warn")) {
            connect.start();
            List<Map<String, String>> plugins = connect.rest().plugins();
            Map<String, String> versions = plugins.stream().filter(p -> p.get("class").startsWith("io.mskbridge."))
                    .collect(Collectors.toMap(p -> p.get("class"), p -> p.get("version"), (a, b) -> a));
            assertThat(versions.keySet()).as("plugins the worker loaded from plugin.path; worker log:\n" + connect.logTails(30))
                    .containsExactlyInAnyOrderElementsOf(declared);
            assertThat(versions.values()).allSatisfy(v -> assertThat(v).isEqualTo(VERSION));

            // Connect instantiates every Converter it finds on plugin.path: a bundled class whose dependencies
            // the pack leaves out (Apicurio's registry-backed converters) would log an ERROR on every start.
            String log = Files.readString(connect.workers().get(0).process().log(), StandardCharsets.UTF_8);
            assertThat(log).as("worker log").doesNotContain("Failed to discover")
                    .doesNotContain("missing ServiceLoader manifests");

            // The slimmed Apicurio jar still converts: validating a payload schema runs AvroData in the worker.
            Map<String, String> kinesis = new HashMap<>();
            kinesis.put("name", "zip-avrodata");
            kinesis.put("connector.class", "io.mskbridge.kinesis.KinesisSourceConnector");
            kinesis.put("kinesis.stream.names", "s");
            kinesis.put("kinesis.payload.format", "json");
            kinesis.put("kinesis.payload.schema", "{\"type\":\"record\",\"name\":\"E\",\"fields\":["
                    + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"amount\",\"type\":{\"type\":\"bytes\","
                    + "\"logicalType\":\"decimal\",\"precision\":12,\"scale\":2}}]}");
            kinesis.put("aws.region", "us-east-1");
            kinesis.put("aws.endpoint.url", "http://127.0.0.1:9");
            Map<String, List<String>> errors = ConnectRest.errors(connect.rest().validate(
                    "io.mskbridge.kinesis.KinesisSourceConnector", kinesis));
            assertThat(errors).as("a valid schema converts with the bundled AvroData").doesNotContainKey("kinesis.payload.schema");
        }
    }

    /**
     * Listing plugins loads no format code, so a ZIP that lacks a transitive jar (e.g. parquet's, when a stale
     * parent POM hides them) still lists everything: write Parquet through the ZIP's class loader to be sure.
     */
    @Test
    void theS3SinkWritesParquetFromTheZip() throws Exception {
        S3.client().createBucket(b -> b.bucket("zip-parquet"));
        try (ConnectCluster connect = new ConnectCluster(1).withPluginPath(pluginPath)) {
            connect.start();
            connect.kafka().createTopic("zip-parquet", 1);
            Map<String, String> c = new HashMap<>();
            c.put("connector.class", "io.mskbridge.s3.S3ArchiveSinkConnector");
            c.put("topics", "zip-parquet");
            c.put("s3.bucket", "zip-parquet");
            c.put("s3.format", "parquet");
            c.put("s3.compression", "snappy");
            c.put("flush.size", "50");
            c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            c.put("value.converter.schemas.enable", "true");
            c.put("aws.endpoint.url", S3.endpoint().toString());
            c.put("aws.region", "us-east-1");
            c.put("aws.credentials.provider", "static");
            c.put("aws.access.key.id", TestAws.ACCESS_KEY);
            c.put("aws.secret.access.key", TestAws.SECRET_KEY);
            assertThat(ConnectRest.errors(connect.rest().validate("io.mskbridge.s3.S3ArchiveSinkConnector", c))).isEmpty();
            connect.rest().putConnector("zip-parquet", c);
            connect.rest().awaitRunning("zip-parquet", 1, Duration.ofSeconds(90));
            String schema = "{\"type\":\"struct\",\"optional\":false,\"fields\":[{\"field\":\"id\",\"type\":\"string\","
                    + "\"optional\":false}]}";
            try (KafkaProducer<byte[], byte[]> producer = connect.kafka().producer(Map.of())) {
                for (int i = 0; i < 100; i++) {
                    String v = "{\"schema\":" + schema + ",\"payload\":{\"id\":\"z-" + i + "\"}}";
                    producer.send(new ProducerRecord<>("zip-parquet", 0, null, v.getBytes(StandardCharsets.UTF_8)));
                }
            }
            // The archive's prefix: the sink also keeps its key layout history under _mskbridge/layouts/.
            Waits.until("2 parquet objects; worker log:\n" + connect.logTails(30), Duration.ofSeconds(90),
                    () -> S3.client().listObjectsV2(b -> b.bucket("zip-parquet").prefix("zip-parquet/")).keyCount() >= 2);
            long records = 0;
            for (S3Object o : S3.client().listObjectsV2(b -> b.bucket("zip-parquet").prefix("zip-parquet/")).contents()) {
                ResponseBytes<GetObjectResponse> obj = S3.client().getObjectAsBytes(b -> b.bucket("zip-parquet").key(o.key()));
                byte[] bytes = obj.asByteArray();
                assertThat(o.key()).endsWith(".parquet");
                // a complete Parquet file: magic at both ends, footer written
                assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PAR1");
                assertThat(new String(bytes, bytes.length - 4, 4, StandardCharsets.US_ASCII)).isEqualTo("PAR1");
                records += Long.parseLong(obj.response().metadata().get("mskbridge-record-count"));
            }
            assertThat(records).isEqualTo(100);
            assertThat(connect.rest().status("zip-parquet").path("tasks").get(0).path("state").asText()).isEqualTo("RUNNING");
        }
    }

    /** Every implementation our jars register for Kafka 3.6+ service-loader plugin discovery. */
    private static List<String> declaredPlugins(Path lib) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        List<Path> ours;
        try (Stream<Path> s = Files.list(lib)) {
            ours = s.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(VERSION + ".jar");
            }).collect(Collectors.toList());
        }
        for (Path jar : ours) {
            try (JarFile jf = new JarFile(jar.toFile())) {
                for (JarEntry e : new ArrayList<>(jf.stream().collect(Collectors.toList()))) {
                    if (e.getName().startsWith("META-INF/services/org.apache.kafka.connect.")) {
                        String text = new String(jf.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
                        text.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(out::add);
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }
}
