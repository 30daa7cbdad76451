package io.mskbridge.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mskbridge.harness.FaultProxy;
import io.mskbridge.harness.S3ProxyServer;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The task against an in-process S3Proxy, driven like WorkerSinkTask drives it: object keys, rotation and
 * metadata, commits only up to uploaded objects, byte-identical rewrites after a crash, Avro schema-change
 * rotation, the memory bound with 1,000 open partitions, and 30% S3 faults.
 */
class S3ArchiveSinkTaskTest {

    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z
    private static final String[] TYPES = {"order", "click", "refund"};

    private static String bucket(String name) {
        S3.client().createBucket(b -> b.bucket(name));
        return name;
    }

    static SinkRecord rec(String topic, int partition, long offset, long ts, Object value, Schema schema) {
        return new SinkRecord(topic, partition, Schema.STRING_SCHEMA, "k" + offset, schema, value, offset, ts,
                TimestampType.CREATE_TIME);
    }

    static Map<String, Object> event(int partition, long offset) {
        Map<String, Object> m = new HashMap<>();
        m.put("id", "evt-" + partition + "-" + offset);
        m.put("event_type", TYPES[(int) ((offset * 7 + partition) % 3)]);
        m.put("amount", offset * 1.5);
        m.put("partition", partition);
        return m;
    }

    /** Reads every object: key → (first offset, count, lines); checks metadata against the content. */
    static Map<String, List<JsonNode>> readJsonl(S3Client s3, String bucket) throws Exception {
        Map<String, List<JsonNode>> out = new TreeMap<>();
        for (S3Object o : TaskDriver.list(s3, bucket)) {
            ResponseBytes<GetObjectResponse> b = TaskDriver.get(s3, bucket, o.key());
            byte[] data = o.key().endsWith(".gz") ? TaskDriver.gunzip(b.asByteArray()) : b.asByteArray();
            List<JsonNode> lines = new ArrayList<>();
            for (String l : new String(data, StandardCharsets.UTF_8).split("\n")) {
                if (!l.isEmpty()) {
                    lines.add(JSON.readTree(l));
                }
            }
            Map<String, String> meta = b.response().metadata();
            assertThat(meta.get(S3ArchiveSinkTask.META_RECORD_COUNT)).isEqualTo(String.valueOf(lines.size()));
            String first = meta.get(S3ArchiveSinkTask.META_FIRST_OFFSET);
            assertThat(o.key()).contains("+" + TopicPartitionWriter.pad(Long.parseLong(first)));
            assertThat(lines.get(0).path("id").asText()).endsWith("-" + first);
            assertThat(lines.get(lines.size() - 1).path("id").asText()).endsWith("-" + meta.get(S3ArchiveSinkTask.META_LAST_OFFSET));
            out.put(o.key(), lines);
        }
        return out;
    }

    @Test
    void jsonlGzipObjectsFollowTheTemplateRotateOnFlushSizeAndCommitOnlyUploadedRecords() throws Exception {
        String bucket = bucket("rotation");
        Map<String, String> p = TaskDriver.props(S3.endpoint(), bucket);
        p.put("flush.size", "10");
        TopicPartition tp0 = new TopicPartition("events", 0);
        TopicPartition tp1 = new TopicPartition("events", 1);
        try (TaskDriver d = new TaskDriver(p, List.of(tp0, tp1))) {
            List<SinkRecord> batch = new ArrayList<>();
            for (long o = 0; o < 25; o++) {
                batch.add(rec("events", 0, o, T0 + o, event(0, o), null));
                batch.add(rec("events", 1, o + 100, T0 + o, event(1, o + 100), null));
            }
            d.put(batch);
            assertThat(d.commit(List.of(tp0, tp1))).containsEntry(tp0, 20L).containsEntry(tp1, 120L);
            assertThat(d.task.metrics().getObjectsWritten()).isEqualTo(4);
            assertThat(d.task.metrics().getRecordsWritten()).isEqualTo(40);
        }
        Map<String, List<JsonNode>> objects = readJsonl(S3.client(), bucket);
        assertThat(objects.keySet()).containsExactly(
                "events/2026/01/01/00/events+0+00000000000000000000.jsonl.gz",
                "events/2026/01/01/00/events+0+00000000000000000010.jsonl.gz",
                "events/2026/01/01/00/events+1+00000000000000000100.jsonl.gz",
                "events/2026/01/01/00/events+1+00000000000000000110.jsonl.gz");
        // content is the record value, keys sorted for determinism
        JsonNode first = objects.values().iterator().next().get(0);
        assertThat(first.toString()).isEqualTo("{\"amount\":0.0,\"event_type\":\"order\",\"id\":\"evt-0-0\",\"partition\":0}");
    }

    @Test
    void recordTimeIntervalRotatesAndIdleBatchesStayOpen() throws Exception {
        String bucket = bucket("interval");
        Map<String, String> p = TaskDriver.props(S3.endpoint(), bucket);
        p.put("flush.size", "1000");
        p.put("rotate.interval.ms", "60000");
        p.put("s3.compression", "none");
        TopicPartition tp = new TopicPartition("t", 0);
        try (TaskDriver d = new TaskDriver(p, List.of(tp))) {
            List<SinkRecord> batch = new ArrayList<>();
            for (long o = 0; o < 30; o++) {
                batch.add(rec("t", 0, o, T0 + o * 10_000, event(0, o), null)); // 6 records per minute
            }
            d.put(batch);
            assertThat(d.commit(List.of(tp))).containsEntry(tp, 24L);
        }
        Map<String, List<JsonNode>> objects = readJsonl(S3.client(), bucket);
        assertThat(objects).hasSize(4);
        assertThat(objects.values()).allSatisfy(l -> assertThat(l).hasSize(6));
    }

    /**
     * A crash after uploads and before their commit, then a restart with another s3.key.template (and flush.size):
     * the replay finds the uploaded batches under the earlier template instead of archiving them again under the
     * new one; a second crash under the new template finds both layouts' batches. Every record lands once.
     */
    @Test
    void aKeyTemplateChangeBetweenUploadAndCommitArchivesEveryRecordOnce() throws Exception {
        String bucket = bucket("layout-change");
        Map<String, String> v1 = TaskDriver.props(S3.endpoint(), bucket);
        v1.put("flush.size", "10");
        v1.put("s3.key.template", "v1/{event_type}/{kafka.topic}+{kafka.partition}+{kafka.start_offset}");
        Map<String, String> v2 = new HashMap<>(v1);
        v2.put("flush.size", "7");
        v2.put("s3.key.template", "v2/{time:yyyy/MM/dd}/{kafka.topic}+{kafka.partition}+{kafka.start_offset}");
        List<TopicPartition> tps = List.of(new TopicPartition("events", 0), new TopicPartition("events", 1));
        Map<TopicPartition, Long> committed = new HashMap<>();
        // v1: 0-12 committed up to 10, then batches [10, 20) and [20, 30) uploaded, never committed
        try (TaskDriver d = new TaskDriver(v1, tps)) {
            d.put(records(tps, 0, 12));
            committed.putAll(d.commit(tps));
            d.put(records(tps, 12, 35));
        }
        assertThat(committed).containsValues(10L, 10L);
        // v2, first life: replays from 10, uploads up to 44, crashes before committing
        try (TaskDriver d = new TaskDriver(v2, tps)) {
            d.put(records(tps, 10, 45));
        }
        // v2, second life: replays from 10 again and runs to the end
        try (TaskDriver d = new TaskDriver(v2, tps)) {
            d.put(records(tps, 10, 60));
            committed.putAll(d.commit(tps));
            assertThat(d.task.metrics().getObjectsFound()).as("found, not rewritten")
                    .isPositive();
        }
        Map<String, Integer> seen = new HashMap<>();
        for (Map.Entry<String, List<JsonNode>> e : readJsonl(S3.client(), bucket).entrySet()) {
            for (JsonNode n : e.getValue()) {
                seen.merge(n.path("id").asText(), 1, Integer::sum);
                long offset = Long.parseLong(n.path("id").asText().replaceAll(".*-", ""));
                assertThat(e.getKey()).as("offset %d", offset).startsWith(offset < 30 ? "v1/" : "v2/");
            }
        }
        assertThat(seen.size()).as("distinct records archived").isEqualTo(2 * 58);
        assertThat(seen.values()).as("copies per record").containsOnly(1);
        assertThat(committed).as("v2 cut from 30 on").containsValues(58L, 58L);
        String history = TaskDriver.get(S3.client(), bucket, TaskDriver.LAYOUT_HISTORY + "test.properties")
                .asUtf8String();
        assertThat(history.indexOf("layout.0.key.template=v2/")).as(history).isPositive();
        assertThat(history.indexOf("layout.1.key.template=v1/")).as(history).isPositive();
    }

    private static List<SinkRecord> records(List<TopicPartition> tps, long from, long to) {
        List<SinkRecord> out = new ArrayList<>();
        for (TopicPartition tp : tps) {
            for (long o = from; o < to; o++) {
                out.add(rec(tp.topic(), tp.partition(), o, T0 + o * 1000L, event(tp.partition(), o), null));
            }
        }
        return out;
    }

    /** Conditional writes find the objects of replayed batches there; without them replays rewrite the same bytes. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"required", "disabled"})
    void aCrashBeforeCommitRewritesByteIdenticalObjectsAndEveryRecordLandsExactlyOnce(String conditional)
            throws Exception {
        String bucket = bucket("crash-" + conditional);
        Map<String, String> p = TaskDriver.props(S3.endpoint(), bucket);
        p.put("s3.conditional.writes", conditional);
        p.put("flush.size", "50");
        p.put("s3.key.template", "processed/{time:yyyy/MM/dd/HH}/{event_type}/{kafka.topic}+{kafka.partition}+{kafka.start_offset}");
        List<TopicPartition> tps = List.of(new TopicPartition("events", 0), new TopicPartition("events", 1), new TopicPartition("events", 2));
        Map<TopicPartition, List<SinkRecord>> log = new HashMap<>();
        for (TopicPartition tp : tps) {
            List<SinkRecord> l = new ArrayList<>();
            for (long o = 0; o < 400; o++) {
                // crosses an hour boundary at o=200
                l.add(rec(tp.topic(), tp.partition(), o, T0 + 3_000_000L + o * 3_000L, event(tp.partition(), o), null));
            }
            log.put(tp, l);
        }
        Random rnd = new Random(7);
        Map<TopicPartition, Long> committed = new HashMap<>();
        Map<String, byte[]> firstSeen = new HashMap<>();
        for (int crash = 0; crash < 4; crash++) {
            try (TaskDriver d = new TaskDriver(p, tps)) {
                // Connect redelivers each partition contiguously from its committed offset; feed random chunks,
                // commit sometimes, then "crash" (no close, no final commit).
                Map<TopicPartition, Long> pos = new HashMap<>();
                tps.forEach(tp -> pos.put(tp, committed.getOrDefault(tp, 0L)));
                for (int step = 0; step < 6; step++) {
                    List<SinkRecord> batch = new ArrayList<>();
                    for (TopicPartition tp : tps) {
                        long start = pos.get(tp);
                        long end = Math.min(400, start + rnd.nextInt(40));
                        for (long o = start; o < end; o++) {
                            batch.add(log.get(tp).get((int) o));
                        }
                        pos.put(tp, end);
                    }
                    d.put(batch);
                    if (rnd.nextBoolean()) {
                        committed.putAll(d.commit(tps));
                    }
                }
                for (S3Object o : TaskDriver.list(S3.client(), bucket)) {
                    byte[] now = TaskDriver.get(S3.client(), bucket, o.key()).asByteArray();
                    byte[] before = firstSeen.putIfAbsent(o.key(), now);
                    if (before != null) {
                        assertThat(now).as("rewrite of %s", o.key()).isEqualTo(before);
                    }
                }
            } // no close()/commit: the next "worker" starts from the committed offsets
        }
        // finally a clean run to the end
        try (TaskDriver d = new TaskDriver(p, tps)) {
            List<SinkRecord> rest = new ArrayList<>();
            for (TopicPartition tp : tps) {
                rest.addAll(log.get(tp).subList(committed.getOrDefault(tp, 0L).intValue(), 400));
            }
            d.put(rest);
            d.commit(tps);
        }
        Map<String, Integer> seen = new HashMap<>();
        for (Map.Entry<String, List<JsonNode>> e : readJsonl(S3.client(), bucket).entrySet()) {
            for (JsonNode n : e.getValue()) {
                seen.merge(n.path("id").asText(), 1, Integer::sum);
                assertThat(e.getKey()).contains("/" + n.path("event_type").asText() + "/");
            }
        }
        assertThat(seen.size()).as("distinct records archived").isEqualTo(3 * 400);
        assertThat(seen.values()).as("copies per record").containsOnly(1);
    }

    @Test
    void wallClockBatchesUploadedBeforeACrashAreReCutAtTheSameOffsets() throws Exception {
        String bucket = bucket("schedule-crash");
        Map<String, String> p = TaskDriver.wallClockProps(S3.endpoint(), bucket);
        p.put("s3.key.template", "processed/{event_type}/{kafka.topic}+{kafka.partition}+{kafka.start_offset}");
        TopicPartition tp = new TopicPartition("events", 0);
        List<SinkRecord> log = new ArrayList<>();
        for (long o = 0; o < 200; o++) {
            log.add(rec("events", 0, o, T0 + o, event(0, o), null));
        }
        Map<String, byte[]> before = new HashMap<>();
        try (TaskDriver d = new TaskDriver(p, List.of(tp))) {
            // The clock cuts [0, 100) and [100, 160): both uploaded, neither committed when the worker dies.
            d.put(log.subList(0, 50));
            Thread.sleep(300);
            d.put(log.subList(50, 100));
            d.put(log.subList(100, 150));
            Thread.sleep(300);
            d.put(log.subList(150, 160));
            assertThat(d.task.metrics().getRecordsWritten()).isEqualTo(160);
            for (S3Object o : TaskDriver.list(S3.client(), bucket)) {
                before.put(o.key(), TaskDriver.get(S3.client(), bucket, o.key()).asByteArray());
            }
        }
        assertThat(before.keySet()).anyMatch(k -> k.endsWith("+00000000000000000000.jsonl.gz"))
                .anyMatch(k -> k.endsWith("+00000000000000000100.jsonl.gz"));
        Map<String, String> meta = TaskDriver.get(S3.client(), bucket, before.keySet().stream()
                .filter(k -> k.endsWith("+00000000000000000100.jsonl.gz")).findFirst().orElseThrow()).response().metadata();
        assertThat(meta).containsEntry(S3ArchiveSinkTask.META_BATCH_START, "100")
                .containsEntry(S3ArchiveSinkTask.META_BATCH_END, "160");

        // The next owner gets everything from offset 0 at once, quickly: the clock alone would cut one batch.
        try (TaskDriver d = new TaskDriver(p, List.of(tp))) {
            d.put(log);
            assertThat(d.commit(List.of(tp))).as("re-cut batches uploaded, the new one still open").containsEntry(tp, 160L);
            for (Map.Entry<String, byte[]> e : before.entrySet()) {
                assertThat(TaskDriver.get(S3.client(), bucket, e.getKey()).asByteArray()).as("rewrite of %s", e.getKey())
                        .isEqualTo(e.getValue());
            }
            Thread.sleep(300);
            d.put(List.of());
            assertThat(d.commit(List.of(tp))).containsEntry(tp, 200L);
        }
        Map<String, Integer> seen = new HashMap<>();
        readJsonl(S3.client(), bucket).values().forEach(l -> l.forEach(n -> seen.merge(n.path("id").asText(), 1, Integer::sum)));
        assertThat(seen).hasSize(200);
        assertThat(seen.values()).as("copies per record").containsOnly(1);
    }

    @Test
    void aReCutBatchEndingInSkippedTombstonesClosesOnReplay() throws Exception {
        String bucket = bucket("schedule-tombstones");
        Map<String, String> p = TaskDriver.wallClockProps(S3.endpoint(), bucket);
        p.put("behavior.on.null.values", "ignore");
        TopicPartition tp = new TopicPartition("events", 0);
        List<SinkRecord> log = new ArrayList<>();
        for (long o = 0; o < 100; o++) {
            // 97..99 are tombstones: the clock's cut after them records the batch as [0, 100)
            log.add(rec("events", 0, o, T0 + o, o >= 97 ? null : event(0, o), null));
        }
        try (TaskDriver d = new TaskDriver(p, List.of(tp))) {
            d.put(log.subList(0, 50));
            Thread.sleep(300);
            d.put(log.subList(50, 100));
        }
        String key = TaskDriver.list(S3.client(), bucket).get(0).key();
        byte[] before = TaskDriver.get(S3.client(), bucket, key).asByteArray();
        assertThat(TaskDriver.get(S3.client(), bucket, key).response().metadata())
                .containsEntry(S3ArchiveSinkTask.META_BATCH_END, "100");

        // Replayed at once: the batch must close on the last skipped tombstone, not wait for a later record.
        try (TaskDriver d = new TaskDriver(p, List.of(tp))) {
            d.put(log);
            assertThat(d.commit(List.of(tp))).containsEntry(tp, 100L);
        }
        assertThat(TaskDriver.list(S3.client(), bucket)).hasSize(1);
        assertThat(TaskDriver.get(S3.client(), bucket, key).asByteArray()).isEqualTo(before);
        assertThat(TaskDriver.get(S3.client(), bucket, key).response().metadata())
                .containsEntry(S3ArchiveSinkTask.META_BATCH_END, "100");
    }

    @Test
    void avroObjectsAreReadableAndASchemaChangeStartsANewObject() throws Exception {
        String bucket = bucket("avro");
        Map<String, String> p = TaskDriver.props(S3.endpoint(), bucket);
        p.put("s3.format", "avro");
        p.put("s3.compression", "zstd");
        p.put("flush.size", "100");
        Schema v1 = SchemaBuilder.struct().name("Event").field("id", Schema.STRING_SCHEMA).field("amount", Schema.FLOAT64_SCHEMA).build();
        Schema v2 = SchemaBuilder.struct().name("Event").field("id", Schema.STRING_SCHEMA).field("amount", Schema.FLOAT64_SCHEMA)
                .field("currency", Schema.OPTIONAL_STRING_SCHEMA).build();
        TopicPartition tp = new TopicPartition("structs", 0);
        try (TaskDriver d = new TaskDriver(p, List.of(tp))) {
            List<SinkRecord> batch = new ArrayList<>();
            for (long o = 0; o < 130; o++) {
                Schema s = o < 30 ? v1 : v2;
                Struct v = new Struct(s).put("id", "s-" + o).put("amount", o * 0.5);
                if (s == v2) {
                    v.put("currency", "EUR");
                }
                batch.add(rec("structs", 0, o, T0, v, s));
            }
            d.put(batch);
            assertThat(d.commit(List.of(tp))).containsEntry(tp, 130L);
        }
        List<S3Object> objects = TaskDriver.list(S3.client(), bucket);
        assertThat(objects).extracting(S3Object::key).containsExactly(
                "structs/2026/01/01/00/structs+0+00000000000000000000.avro",
                "structs/2026/01/01/00/structs+0+00000000000000000030.avro");
        int total = 0;
        for (S3Object o : objects) {
            byte[] b = TaskDriver.get(S3.client(), bucket, o.key()).asByteArray();
            try (DataFileStream<GenericRecord> r = new DataFileStream<>(new ByteArrayInputStream(b), new GenericDatumReader<>())) {
                assertThat(r.getMetaString("avro.codec")).isEqualTo("zstandard");
                for (GenericRecord g : r) {
                    assertThat(g.get("id").toString()).isEqualTo("s-" + total);
                    assertThat(g.getSchema().getField("currency") != null).isEqualTo(total >= 30);
                    total++;
                }
            }
        }
        assertThat(total).isEqualTo(130);
    }

    @Test
    void thousandOpenPartitionsStayUnderTheBufferLimitBySpilling() throws Exception {
        String bucket = bucket("many");
        Map<String, String> p = TaskDriver.props(S3.endpoint(), bucket);
        p.put("flush.size", "40");
        p.put("s3.part.size", String.valueOf(5 << 20));
        p.put("s3.buffer.max.bytes", String.valueOf(6 << 20));
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            tps.add(new TopicPartition("many", i));
        }
        try (TaskDriver d = new TaskDriver(p, tps)) {
            for (long o = 0; o < 50; o++) {
                List<SinkRecord> batch = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    Map<String, Object> v = event(i, o);
                    v.put("pad", "x".repeat(200));
                    batch.add(rec("many", i, o, T0, v, null));
                }
                d.put(batch);
            }
            MemoryBudget m = d.task.budget();
            assertThat(m.spilledBytes()).isGreaterThan(0);
            assertThat(m.peak()).isLessThanOrEqualTo(m.limit() + 64 * 1024);
            assertThat(d.commit(tps).values()).containsOnly(40L);
            assertThat(d.task.metrics().getObjectsWritten()).isEqualTo(1000);
        }
        assertThat(TaskDriver.list(S3.client(), bucket)).hasSize(1000);
    }

    @Test
    void thirtyPercentFaultsLoseAndDuplicateNothingAndLeaveNoIncompleteMultipartUpload() throws Exception {
        String bucket = bucket("faults");
        try (FaultProxy proxy = new FaultProxy(S3.endpoint(), FaultProxy.Service.S3)) {
            proxy.start();
            proxy.mixedFaults(0.3);
            Map<String, String> p = TaskDriver.props(proxy.endpoint(), bucket);
            p.put("flush.size", "3000");
            p.put("s3.compression", "none");
            p.put("s3.part.size", String.valueOf(5 << 20));
            p.put("s3.buffer.max.bytes", String.valueOf(8 << 20));
            p.put("s3.upload.retry.timeout.ms", "2000"); // give up early so the RetriableException path is exercised too
            p.put("aws.max.retries", "0"); // every fault reaches the task's own retry (and its metric)
            TopicPartition tp = new TopicPartition("faulty", 0);
            String pad = "y".repeat(4000);
            try (TaskDriver d = new TaskDriver(p, List.of(tp))) {
                for (long o = 0; o < 9000; o += 500) {
                    List<SinkRecord> batch = new ArrayList<>();
                    for (long i = o; i < o + 500; i++) {
                        Map<String, Object> v = event(0, i);
                        v.put("pad", pad);
                        batch.add(rec("faulty", 0, i, T0, v, null));
                    }
                    d.put(batch);
                }
                assertThat(d.commit(List.of(tp))).containsEntry(tp, 9000L);
                System.out.printf("faults: %d injected of %d requests; task retries %d, RetriableExceptions %d%n",
                        proxy.faults(), proxy.requests(), d.task.metrics().getUploadRetries(), d.retriableFailures);
                assertThat(proxy.faults()).isGreaterThanOrEqualTo(3);
            }
        }
        Map<String, Integer> seen = new HashMap<>();
        readJsonl(S3.client(), bucket).values().forEach(l -> l.forEach(n -> seen.merge(n.path("id").asText(), 1, Integer::sum)));
        assertThat(seen.size()).as("distinct records archived").isEqualTo(9000);
        assertThat(seen.values()).as("copies per record").containsOnly(1);
        assertThat(S3.client().listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void aStartDeletesOnlyItsOwnCrashedRunsSpillDirectories(@org.junit.jupiter.api.io.TempDir java.nio.file.Path base)
            throws Exception {
        String uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
        java.nio.file.Path crashed = base.resolve("mskbridge-s3-test-0-" + uuid);
        java.nio.file.Path crashedOld = base.resolve("mskbridge-s3-test-0-1f8fad5b-d9cb-469f-a165-70867728950e");
        java.nio.file.Path otherTask = base.resolve("mskbridge-s3-test-1-" + uuid);
        java.nio.file.Path otherConnector = base.resolve("mskbridge-s3-test-0-0-" + uuid);
        for (java.nio.file.Path d : List.of(crashed, crashedOld, otherTask, otherConnector)) {
            java.nio.file.Files.createDirectories(d);
            java.nio.file.Files.write(d.resolve("0.spill"), new byte[100]);
        }
        java.nio.file.Files.write(crashed.resolve(SpillDirs.LOCK), new byte[0]); // locked by a process now dead
        // An older version's directory (no lock file), untouched for an hour
        java.nio.file.Files.setLastModifiedTime(crashedOld, java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - 3_600_000));
        Map<String, String> p = TaskDriver.props(S3.endpoint(), bucket("spill-clean"));
        p.put("s3.spill.dir", base.toString());
        TopicPartition tp = new TopicPartition("t", 0);
        try (TaskDriver live = new TaskDriver(p, List.of(tp))) {
            assertThat(crashed).doesNotExist();
            assertThat(crashedOld).doesNotExist();
            assertThat(otherTask).exists();
            assertThat(otherConnector).exists();
            java.nio.file.Path liveDir = live.task.spillDir();
            assertThat(liveDir).exists();
            // The same task started again while the first still runs (a zombie): the live directory stays.
            try (TaskDriver second = new TaskDriver(p, List.of(tp))) {
                assertThat(liveDir).exists();
                assertThat(second.task.spillDir()).isNotEqualTo(liveDir).exists();
            }
            assertThat(liveDir).exists();
        }
        assertThat(otherTask).exists();
        assertThat(otherConnector).exists();
    }
}
