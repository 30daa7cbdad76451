package io.mskbridge.s3.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.ConnectRest;
import io.mskbridge.harness.HarnessEnv;
import io.mskbridge.harness.PluginDirs;
import io.mskbridge.harness.S3ProxyServer;
import io.mskbridge.harness.TestAws;
import io.mskbridge.harness.Waits;
import io.mskbridge.s3.S3ArchiveSinkParquetTest;
import io.mskbridge.s3.TaskDriver;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The connector in real Connect 3.7 worker JVMs (-Xmx512m) loading the module from plugin.path: validation
 * against the bucket, Parquet objects written by the plugin's class loader (no Hadoop on plugin.path), every
 * record exactly once after repeated SIGKILLs of workers, and 1,000 open partitions in one task with the
 * worker's peak heap reported from its GC log.
 */
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "mskbridge.module.jar", matches = ".+")
class S3ArchiveSinkIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path GC_DIR = HarnessEnv.newWorkDir("s3-gc");

    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();

    @RegisterExtension
    static final ConnectCluster CONNECT = cluster();

    /** Only failsafe (after package) provides the module jar; a surefire run with -Dtest=... skips this class. */
    private static ConnectCluster cluster() {
        ConnectCluster c = new ConnectCluster(2).withWorkerJvmArg("-Xmx512m")
                .withWorkerJvmArg("-Xlog:gc:file=" + GC_DIR.resolve("gc-%p.log"));
        return System.getProperty("mskbridge.module.jar") == null ? c : c.withPluginPath(PluginDirs.ofModule("mskbridge-s3"));
    }

    private static Map<String, String> config(String bucket, String topic) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", "io.mskbridge.s3.S3ArchiveSinkConnector");
        c.put("topics", topic);
        c.put("s3.bucket", bucket);
        c.put("aws.endpoint.url", S3.endpoint().toString());
        c.put("aws.region", "us-east-1");
        c.put("aws.credentials.provider", "static");
        c.put("aws.access.key.id", TestAws.ACCESS_KEY);
        c.put("aws.secret.access.key", TestAws.SECRET_KEY);
        return c;
    }

    private static Map<String, Object> event(int p, long i) {
        Map<String, Object> m = new HashMap<>();
        m.put("id", "e-" + p + "-" + i);
        m.put("event_type", i % 3 == 0 ? "order" : "click");
        m.put("n", i);
        return m;
    }

    @Test
    void validationChecksTheBucket() {
        S3.client().createBucket(b -> b.bucket("validate-ok"));
        Map<String, String> c = config("validate-ok", "x");
        c.put("name", "s3-validate");
        assertThat(ConnectRest.errors(CONNECT.rest().validate("io.mskbridge.s3.S3ArchiveSinkConnector", c))).isEmpty();
        c.put("s3.bucket", "no-such-bucket");
        c.put("s3.format", "avro");
        assertThat(ConnectRest.errors(CONNECT.rest().validate("io.mskbridge.s3.S3ArchiveSinkConnector", c)))
                .containsOnlyKeys("s3.compression");
        c.put("s3.compression", "zstd");
        assertThat(ConnectRest.errors(CONNECT.rest().validate("io.mskbridge.s3.S3ArchiveSinkConnector", c)))
                .hasEntrySatisfying("s3.bucket", m -> assertThat(m.toString()).contains("does not exist"));
        c.put("s3.bucket", "validate-ok");
        c.put("s3.format", "parquet");
        c.put("s3.compression", "gzip");
        assertThat(ConnectRest.errors(CONNECT.rest().validate("io.mskbridge.s3.S3ArchiveSinkConnector", c))).isEmpty();
        c.put("s3.buffer.max.bytes", String.valueOf(20 << 20)); // < 8 MiB part + 2 x 8 MiB row group + 1 MiB
        assertThat(ConnectRest.errors(CONNECT.rest().validate("io.mskbridge.s3.S3ArchiveSinkConnector", c)))
                .containsOnlyKeys("s3.buffer.max.bytes");
    }

    /**
     * Parquet written in a worker whose plugin.path holds only the module's runtime dependencies (no Hadoop):
     * proves parquet and the sink's codecs load in Connect's isolated plugin class loader.
     */
    @Test
    void parquetObjectsFromJsonConverterStructsHoldEveryRecord() throws Exception {
        String bucket = "parquet-it";
        S3.client().createBucket(b -> b.bucket(bucket));
        String topic = "structs";
        int partitions = 2;
        int perPartition = 300;
        CONNECT.kafka().createTopic(topic, partitions);
        Map<String, String> c = config(bucket, topic);
        c.put("tasks.max", "1");
        c.put("flush.size", "100");
        c.put("s3.format", "parquet");
        c.put("s3.compression", "zstd");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter.schemas.enable", "true");
        CONNECT.rest().putConnector("s3-parquet", c);
        CONNECT.rest().awaitRunning("s3-parquet", 1, Duration.ofSeconds(90));
        String schema = "{\"type\":\"struct\",\"name\":\"Evt\",\"optional\":false,\"fields\":["
                + "{\"field\":\"id\",\"type\":\"string\",\"optional\":false},"
                + "{\"field\":\"n\",\"type\":\"int64\",\"optional\":false},"
                + "{\"field\":\"ts\",\"type\":\"int64\",\"name\":\"org.apache.kafka.connect.data.Timestamp\","
                + "\"version\":1,\"optional\":false},"
                + "{\"field\":\"customer\",\"type\":\"struct\",\"optional\":true,\"fields\":["
                + "{\"field\":\"name\",\"type\":\"string\",\"optional\":false}]},"
                + "{\"field\":\"tags\",\"type\":\"array\",\"items\":{\"type\":\"string\",\"optional\":false},"
                + "\"optional\":false}]}";
        try (KafkaProducer<byte[], byte[]> producer = CONNECT.kafka().producer(Map.of())) {
            for (int p = 0; p < partitions; p++) {
                for (long i = 0; i < perPartition; i++) {
                    String payload = "{\"id\":\"p-" + p + "-" + i + "\",\"n\":" + i + ",\"ts\":" + (1_767_225_600_000L + i)
                            + ",\"customer\":" + (i % 2 == 0 ? "{\"name\":\"c" + i + "\"}" : "null")
                            + ",\"tags\":[\"t" + (i % 3) + "\"]}";
                    String value = "{\"schema\":" + schema + ",\"payload\":" + payload + "}";
                    producer.send(new ProducerRecord<>(topic, p, null, value.getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
        int expectedObjects = partitions * perPartition / 100;
        Waits.until(expectedObjects + " parquet objects", Duration.ofSeconds(120),
                () -> listAll(bucket).size() >= expectedObjects);
        Path dir = HarnessEnv.newWorkDir("s3-parquet-it");
        Map<String, Integer> copies = new HashMap<>();
        for (S3Object o : listAll(bucket)) {
            assertThat(o.key()).endsWith(".parquet");
            Path f = Files.write(dir.resolve(o.key().replace('/', '_')),
                    S3.client().getObjectAsBytes(r -> r.bucket(bucket).key(o.key())).asByteArray());
            for (GenericRecord g : S3ArchiveSinkParquetTest.readAll(f)) {
                String id = g.get("id").toString();
                long i = (Long) g.get("n");
                assertThat(id).endsWith("-" + i);
                assertThat(g.get("ts")).isEqualTo(java.time.Instant.ofEpochMilli(1_767_225_600_000L + i));
                GenericRecord customer = (GenericRecord) g.get("customer");
                assertThat(customer == null ? null : customer.get("name").toString()).isEqualTo(i % 2 == 0 ? "c" + i : null);
                assertThat(((List<?>) g.get("tags")).toString()).isEqualTo("[t" + (i % 3) + "]");
                copies.merge(id, 1, Integer::sum);
            }
        }
        assertThat(copies.size()).as("distinct records archived").isEqualTo(partitions * perPartition);
        assertThat(copies.values()).as("copies per record").containsOnly(1);
        CONNECT.rest().deleteConnector("s3-parquet");
    }

    /**
     * Poison records among good ones: a value rendering a key over S3's 1,024 bytes and a field name Avro rejects
     * go to the DLQ with reasons naming record and field; every good record is archived; the task keeps running.
     */
    @Test
    void poisonRecordsGoToTheDlqAndTheGoodOnesAreArchived() throws Exception {
        String bucket = "poison-it";
        S3.client().createBucket(b -> b.bucket(bucket));
        String topic = "poison";
        String dlq = "poison.dlq";
        CONNECT.kafka().createTopic(topic, 1);
        CONNECT.kafka().createTopic(dlq, 1);
        Map<String, String> c = config(bucket, topic);
        c.put("tasks.max", "1");
        c.put("flush.size", "10");
        c.put("s3.format", "avro");
        c.put("s3.compression", "none");
        c.put("s3.key.template", "{event_type}/{kafka.topic}+{kafka.partition}+{kafka.start_offset}");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter.schemas.enable", "true");
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", dlq);
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        CONNECT.rest().putConnector("s3-poison", c);
        CONNECT.rest().awaitRunning("s3-poison", 1, Duration.ofSeconds(90));
        String good = "{\"type\":\"struct\",\"name\":\"Evt\",\"optional\":false,\"fields\":["
                + "{\"field\":\"id\",\"type\":\"string\",\"optional\":false},"
                + "{\"field\":\"event_type\",\"type\":\"string\",\"optional\":false}]}";
        String badName = good.replace("\"field\":\"id\"", "\"field\":\"event-id\"");
        int total = 42; // 40 good records: four full batches of flush.size
        try (KafkaProducer<byte[], byte[]> producer = CONNECT.kafka().producer(Map.of())) {
            for (int i = 0; i < total; i++) {
                String type = i == 7 ? "x".repeat(1100) : "click";
                String value = i == 23
                        ? "{\"schema\":" + badName + ",\"payload\":{\"event-id\":\"e-23\",\"event_type\":\"click\"}}"
                        : "{\"schema\":" + good + ",\"payload\":{\"id\":\"e-" + i + "\",\"event_type\":\"" + type + "\"}}";
                producer.send(new ProducerRecord<>(topic, 0, null, value.getBytes(StandardCharsets.UTF_8)));
            }
        }
        var dead = CONNECT.kafka().readAll(List.of(dlq), 2, Duration.ofSeconds(120), "read_committed");
        Map<Long, String> reasons = new HashMap<>();
        for (var r : dead) {
            var offset = r.headers().lastHeader("__connect.errors.offset");
            var message = r.headers().lastHeader("__connect.errors.exception.message");
            reasons.put(Long.parseLong(new String(offset.value(), StandardCharsets.UTF_8)),
                    new String(message.value(), StandardCharsets.UTF_8));
        }
        assertThat(reasons).containsOnlyKeys(7L, 23L);
        assertThat(reasons.get(7L)).contains("offset=7", "1024", "event_type");
        assertThat(reasons.get(23L)).contains("offset=23", "event-id", "s3.avro.scrub.invalid.names");
        Waits.until("40 archived records", Duration.ofSeconds(120), () -> avroIds(bucket).size() >= total - 2);
        List<String> ids = avroIds(bucket);
        assertThat(ids).hasSize(total - 2).doesNotHaveDuplicates().doesNotContain("e-7", "e-23");
        assertThat(CONNECT.rest().status("s3-poison").path("tasks").get(0).path("state").asText()).isEqualTo("RUNNING");
        CONNECT.rest().deleteConnector("s3-poison");
    }

    private static List<String> avroIds(String bucket) throws IOException {
        List<String> ids = new java.util.ArrayList<>();
        for (S3Object o : listAll(bucket)) {
            byte[] b = S3.client().getObjectAsBytes(r -> r.bucket(bucket).key(o.key())).asByteArray();
            try (org.apache.avro.file.DataFileStream<GenericRecord> r = new org.apache.avro.file.DataFileStream<>(
                    new ByteArrayInputStream(b), new org.apache.avro.generic.GenericDatumReader<>())) {
                r.forEach(g -> ids.add(g.get("id").toString()));
            }
        }
        return ids;
    }

    @Test
    void everyRecordLandsExactlyOnceAcrossRepeatedWorkerCrashes() throws Exception {
        String bucket = "crash-it";
        S3.client().createBucket(b -> b.bucket(bucket));
        String topic = "archive";
        int partitions = 4;
        int perRound = 1250;
        int rounds = 4;
        CONNECT.kafka().createTopic(topic, partitions);
        Map<String, String> c = config(bucket, topic);
        c.put("tasks.max", "2");
        c.put("flush.size", "500");
        c.put("s3.key.template", "processed/{time:yyyy/MM/dd/HH}/{event_type}/{kafka.topic}+{kafka.partition}+{kafka.start_offset}");
        CONNECT.rest().putConnector("s3-crash", c);
        CONNECT.rest().awaitRunning("s3-crash", 2, Duration.ofSeconds(90));

        Map<String, JsonNode> produced = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = CONNECT.kafka().producer(Map.of())) {
            for (int round = 0; round < rounds; round++) {
                for (int p = 0; p < partitions; p++) {
                    for (long i = (long) round * perRound; i < (long) (round + 1) * perRound; i++) {
                        Map<String, Object> e = event(p, i);
                        produced.put((String) e.get("id"), JSON.readTree(JSON.writeValueAsBytes(e)));
                        producer.send(new ProducerRecord<>(topic, p, null, JSON.writeValueAsBytes(e)));
                    }
                }
                producer.flush();
                Thread.sleep(2500); // let part of it be archived and part sit in open batches
                String worker = CONNECT.rest().status("s3-crash").path("tasks").get(round % 2).path("worker_id").asText();
                ConnectCluster.Worker victim = CONNECT.workers().stream().filter(w -> worker.endsWith(":" + w.port()))
                        .findFirst().orElse(CONNECT.workers().get(0));
                CONNECT.killWorker(victim);
                CONNECT.addWorker();
            }
        }
        int expectedObjects = partitions * rounds * perRound / 500 * 2; // two event types per batch
        Waits.until(expectedObjects + " objects", Duration.ofSeconds(240),
                () -> listAll(bucket).size() >= expectedObjects);

        Map<String, Integer> copies = new HashMap<>();
        for (S3Object o : listAll(bucket)) {
            ResponseBytes<GetObjectResponse> b = S3.client().getObjectAsBytes(r -> r.bucket(bucket).key(o.key()));
            String[] lines = gunzip(b.asByteArray()).split("\n");
            Map<String, String> meta = b.response().metadata();
            assertThat(lines).hasSize(Integer.parseInt(meta.get("mskbridge-record-count")));
            Matcher m = Pattern.compile("\\+(\\d+)\\+(\\d{20})\\.jsonl\\.gz$").matcher(o.key());
            assertThat(m.find()).isTrue();
            assertThat(Long.parseLong(m.group(2))).isEqualTo(Long.parseLong(meta.get("mskbridge-first-offset")));
            for (String l : lines) {
                JsonNode n = JSON.readTree(l);
                String id = n.path("id").asText();
                assertThat(n).as("value of %s", id).isEqualTo(produced.get(id));
                assertThat(id).startsWith("e-" + m.group(1) + "-");
                copies.merge(id, 1, Integer::sum);
            }
        }
        assertThat(copies.size()).as("distinct records archived").isEqualTo(produced.size());
        assertThat(copies.values()).as("copies per record").containsOnly(1);
        assertThat(S3.client().listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    /**
     * Batches uploaded but not committed, then a restart with another s3.key.template (and flush.size): the
     * restarted task finds them under the earlier template (the layout history) instead of archiving them again.
     * The crash state is made deterministic with Connect's offsets API (KIP-875): the connector archives and commits
     * everything, is stopped, and its committed offsets are set back to a batch boundary, which is exactly what a
     * worker killed after three uploads and before their commit leaves (a SIGKILL cannot hit that window reliably
     * while the harness workers commit every second).
     */
    @Test
    void aKeyTemplateChangeAfterUploadsNotCommittedArchivesEveryRecordOnce() throws Exception {
        long t0 = System.nanoTime();
        String bucket = "layout-it";
        String topic = "layout";
        String name = "s3-layout";
        S3.client().createBucket(b -> b.bucket(bucket));
        CONNECT.kafka().createTopic(topic, 2);
        Map<String, String> c = config(bucket, topic);
        c.put("tasks.max", "1");
        c.put("flush.size", "20");
        c.put("s3.key.template", "v1/{kafka.topic}+{kafka.partition}+{kafka.start_offset}");
        CONNECT.rest().putConnector(name, c);
        CONNECT.rest().awaitRunning(name, 1, Duration.ofSeconds(60));
        produce(topic, 0, 100);
        Waits.until("v1 commits 100 per partition", Duration.ofSeconds(60), () -> committed(name).equals(List.of(100L, 100L)));
        assertThat(listAll(bucket)).hasSize(10);

        CONNECT.rest().call("PUT", "/connectors/" + name + "/stop", null).requireSuccess("stop");
        Waits.until("stopped", Duration.ofSeconds(30),
                () -> "STOPPED".equals(CONNECT.rest().status(name).path("connector").path("state").asText()));
        String rewind = "{\"offsets\":[" + rewind(topic, 0, 40) + "," + rewind(topic, 1, 40) + "]}";
        // The consumer group must be empty: retried until the stopped task's consumer has left it.
        Waits.until("offsets set back to 40", Duration.ofSeconds(30),
                () -> CONNECT.rest().call("PATCH", "/connectors/" + name + "/offsets", rewind).status() / 100 == 2);

        c.put("s3.key.template", "v2/{kafka.partition}/{kafka.topic}+{kafka.partition}+{kafka.start_offset}");
        c.put("flush.size", "15");
        CONNECT.rest().putConnector(name, c);
        CONNECT.rest().call("PUT", "/connectors/" + name + "/resume", null).requireSuccess("resume");
        CONNECT.rest().awaitRunning(name, 1, Duration.ofSeconds(60));
        produce(topic, 100, 130);
        Waits.until("v2 commits 130 per partition", Duration.ofSeconds(60), () -> committed(name).equals(List.of(130L, 130L)));

        Map<String, Integer> copies = new HashMap<>();
        for (S3Object o : listAll(bucket)) {
            String text = gunzip(S3.client().getObjectAsBytes(r -> r.bucket(bucket).key(o.key())).asByteArray());
            for (String l : text.split("\n")) {
                String id = JSON.readTree(l).path("id").asText();
                long offset = Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
                assertThat(o.key()).as(id).startsWith(offset < 100 ? "v1/" : "v2/");
                copies.merge(id, 1, Integer::sum);
            }
        }
        assertThat(copies).as("distinct records archived").hasSize(2 * 130);
        assertThat(copies.values()).as("copies per record").containsOnly(1);
        assertThat(listAll(bucket)).as("10 v1 objects, 2 x 2 v2 objects").hasSize(14);
        CONNECT.rest().deleteConnector(name);
        System.out.printf("key template change after uncommitted uploads: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static void produce(String topic, long from, long to) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = CONNECT.kafka().producer(Map.of())) {
            for (int p = 0; p < 2; p++) {
                for (long i = from; i < to; i++) {
                    producer.send(new ProducerRecord<>(topic, p, null, JSON.writeValueAsBytes(event(p, i))));
                }
            }
        }
    }

    /** The committed offsets of the connector's partitions 0 and 1 (-1 when none yet). */
    private static List<Long> committed(String connector) {
        long[] out = {-1, -1};
        for (JsonNode o : CONNECT.rest().offsets(connector).path("offsets")) {
            out[o.path("partition").path("kafka_partition").asInt()] = o.path("offset").path("kafka_offset").asLong();
        }
        return List.of(out[0], out[1]);
    }

    private static String rewind(String topic, int partition, long offset) {
        return "{\"partition\":{\"kafka_topic\":\"" + topic + "\",\"kafka_partition\":" + partition
                + "},\"offset\":{\"kafka_offset\":" + offset + "}}";
    }

    @Test
    void thousandPartitionsInOneTaskUnder512MiBHeap() throws Exception {
        String bucket = "many-it";
        S3.client().createBucket(b -> b.bucket(bucket));
        String topic = "many";
        int partitions = 1000;
        int perPartition = 30;
        CONNECT.kafka().createTopic(topic, partitions);
        List<java.util.concurrent.Future<?>> sends = new java.util.ArrayList<>();
        // 30,000 sends over 1,000 partitions of one small broker: generous timeouts, and no idempotence, whose
        // sequence checks turn a client-side request timeout into endless OUT_OF_ORDER_SEQUENCE_NUMBER retries.
        Map<String, Object> producerConfig = Map.of("enable.idempotence", false, "max.in.flight.requests.per.connection", 1,
                "linger.ms", 20, "request.timeout.ms", 120_000, "delivery.timeout.ms", 300_000);
        try (KafkaProducer<byte[], byte[]> producer = CONNECT.kafka().producer(producerConfig)) {
            for (long i = 0; i < perPartition; i++) {
                for (int p = 0; p < partitions; p++) {
                    Map<String, Object> e = event(p, i);
                    e.put("pad", "z".repeat(300));
                    sends.add(producer.send(new ProducerRecord<>(topic, p, null, JSON.writeValueAsBytes(e))));
                }
            }
        }
        for (java.util.concurrent.Future<?> f : sends) {
            f.get(); // every test record must really be in Kafka, or the object count below can never be reached
        }
        Map<String, String> c = config(bucket, topic);
        c.put("tasks.max", "1");
        c.put("flush.size", String.valueOf(perPartition));
        c.put("s3.part.size", String.valueOf(5 << 20));
        c.put("s3.buffer.max.bytes", String.valueOf(8 << 20));
        long t0 = System.nanoTime();
        CONNECT.rest().putConnector("s3-many", c);
        Waits.until(partitions + " objects", Duration.ofSeconds(300), () -> listAll(bucket).size() >= partitions);
        double secs = (System.nanoTime() - t0) / 1e9;
        assertThat(CONNECT.rest().status("s3-many").path("tasks").get(0).path("state").asText()).isEqualTo("RUNNING");
        System.out.printf("1000 partitions x %d records: %d objects in %.1f s; worker peak heap (GC log) %d MiB of 512%n",
                perPartition, listAll(bucket).size(), secs, peakHeapMiB());
    }

    private static List<S3Object> listAll(String bucket) {
        List<S3Object> out = new java.util.ArrayList<>();
        for (S3Object o : S3.client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            if (!o.key().startsWith(TaskDriver.LAYOUT_HISTORY)) { // the sink's key layout history
                out.add(o);
            }
        }
        return out;
    }

    private static String gunzip(byte[] b) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Largest "before" heap of any GC in any worker's log, e.g. "Pause Young ... 180M->40M(512M)". */
    static long peakHeapMiB() throws IOException {
        Pattern p = Pattern.compile("(\\d+)M->\\d+M\\(\\d+M\\)");
        long max = 0;
        try (Stream<Path> files = Files.list(GC_DIR)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                for (String l : Files.readAllLines(f)) {
                    Matcher m = p.matcher(l);
                    if (m.find()) {
                        max = Math.max(max, Long.parseLong(m.group(1)));
                    }
                }
            }
        }
        return max;
    }
}
