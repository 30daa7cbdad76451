package io.mskbridge.s3;

import static io.mskbridge.s3.S3ArchiveSinkTaskTest.event;
import static io.mskbridge.s3.S3ArchiveSinkTaskTest.readJsonl;
import static io.mskbridge.s3.S3ArchiveSinkTaskTest.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.mskbridge.aws.AwsClientFactory;
import io.mskbridge.aws.AwsSettings;
import io.mskbridge.harness.FaultProxy;
import io.mskbridge.harness.S3ProxyServer;

/**
 * One {@link TopicPartitionWriter} against an in-process S3Proxy, without a task around it and with a clock the
 * test moves: each rotation rule, the re-cut of batches a previous owner uploaded, and the offset the writer
 * reports as safe to commit at each step.
 */
class TopicPartitionWriterTest {

    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();

    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final Schema V1 = SchemaBuilder.struct().name("E").field("id", Schema.STRING_SCHEMA).build();
    private static final Schema V2 = SchemaBuilder.struct().name("E").field("id", Schema.STRING_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA).build();

    @TempDir
    Path spillDir;

    private final AtomicLong clock = new AtomicLong(T0);
    private final List<AwsClientFactory> clients = new ArrayList<>();
    private final List<SinkRecord> reported = new ArrayList<>();
    /** The resources of the writer made last. */
    private WriterResources resources;
    /** Where the writers asked the worker to seek (context.offset). */
    private final Map<TopicPartition, Long> seeks = new java.util.HashMap<>();

    @AfterEach
    void closeClients() {
        clients.forEach(AwsClientFactory::close);
    }

    private static String bucket(String name) {
        S3.client().createBucket(b -> b.bucket(name));
        return name;
    }

    private static Map<String, String> props(String bucket) {
        return TaskDriver.props(S3.endpoint(), bucket(bucket));
    }

    private static Map<String, String> wallClockProps(String bucket) {
        return TaskDriver.wallClockProps(S3.endpoint(), bucket(bucket));
    }

    /** A writer of {@link #TP} as a task would make it; a second call stands for the partition's next owner. */
    private TopicPartitionWriter writer(Map<String, String> props, ErrantRecordReporter reporter) {
        return writer(props, reporter, List.of());
    }

    private TopicPartitionWriter writer(Map<String, String> props, ErrantRecordReporter reporter,
                                        List<ObjectLayout> earlier) {
        S3ArchiveSinkConfig config = new S3ArchiveSinkConfig(props);
        AwsClientFactory c = new AwsClientFactory(AwsSettings.from(config));
        clients.add(c);
        S3ArchiveSinkTaskMetrics metrics = new S3ArchiveSinkTaskMetrics();
        resources = new WriterResources(config, S3Uploader.create(config, c, metrics), new MemoryBudget(8 << 20),
                metrics, reporter, TaskDriver.context(props, List.of(TP), seeks), spillDir, clock::get, earlier);
        return new TopicPartitionWriter(TP, resources);
    }

    private TopicPartitionWriter writer(Map<String, String> props) {
        return writer(props, null);
    }

    private static SinkRecord record(long offset) {
        return rec(TP.topic(), TP.partition(), offset, T0 + offset, event(TP.partition(), offset), null);
    }

    private static SinkRecord struct(long offset, Schema schema) {
        return rec(TP.topic(), TP.partition(), offset, T0, new Struct(schema).put("id", "s-" + offset), schema);
    }

    private static void write(TopicPartitionWriter w, long from, long to) {
        for (long o = from; o < to; o++) {
            w.write(record(o));
        }
    }

    /** The key of the object whose first record is at {@code offset}, under the default template. */
    private static String key(long offset) {
        return "t/2026/01/01/00/t+0+" + TopicPartitionWriter.pad(offset) + ".jsonl.gz";
    }

    private static Map<String, String> meta(String bucket, String key) {
        return TaskDriver.get(S3.client(), bucket, key).response().metadata();
    }

    private static byte[] bytes(String bucket, String key) {
        return TaskDriver.get(S3.client(), bucket, key).asByteArray();
    }

    @Test
    void flushSizeCutsBatchesAndOnlyUploadedBatchesAreSafeToCommit() throws Exception {
        Map<String, String> p = props("w-flush");
        p.put("flush.size", "10");
        TopicPartitionWriter w = writer(p);
        assertThat(w.committableOffset()).as("nothing seen yet").isNull();

        write(w, 0, 9);
        assertThat(w.committableOffset()).as("the open batch's start").isEqualTo(0L);
        assertThat(TaskDriver.list(S3.client(), "w-flush")).isEmpty();
        w.write(record(9));
        assertThat(w.committableOffset()).isEqualTo(10L);
        write(w, 10, 25);
        assertThat(w.committableOffset()).isEqualTo(20L);
        assertThat(w.openObjects()).isEqualTo(1);
        w.rotateOnSchedule(Long.MAX_VALUE, true);
        assertThat(w.committableOffset()).as("no wall-clock rotation unless configured").isEqualTo(20L);

        Map<String, List<JsonNode>> objects = readJsonl(S3.client(), "w-flush");
        assertThat(objects.keySet()).containsExactly(key(0), key(10));
        assertThat(objects.values()).allSatisfy(l -> assertThat(l).hasSize(10));
        assertThat(meta("w-flush", key(10))).containsEntry(S3ArchiveSinkTask.META_BATCH_START, "10")
                .containsEntry(S3ArchiveSinkTask.META_BATCH_END, "20");
        assertThat(resources.metrics.getObjectsWritten()).isEqualTo(2);
        assertThat(resources.metrics.getRecordsWritten()).isEqualTo(20);
    }

    @Test
    void aRecordOfTheNextRecordTimeIntervalStartsANewBatch() throws Exception {
        Map<String, String> p = props("w-interval");
        p.put("flush.size", "1000");
        p.put("rotate.interval.ms", "60000");
        TopicPartitionWriter w = writer(p);
        for (long o = 0; o < 14; o++) {
            // six records a minute: minutes start at offsets 0, 6 and 12
            w.write(rec("t", 0, o, T0 + o * 10_000, event(0, o), null));
        }
        assertThat(w.committableOffset()).isEqualTo(12L);
        Map<String, List<JsonNode>> objects = readJsonl(S3.client(), "w-interval");
        assertThat(objects.keySet()).containsExactly(key(0), key(6));
        assertThat(objects.values()).allSatisfy(l -> assertThat(l).hasSize(6));
    }

    @Test
    void aValueSchemaChangeStartsANewAvroBatch() throws Exception {
        Map<String, String> p = props("w-schema");
        p.put("flush.size", "1000");
        p.put("s3.format", "avro"); // JSON Lines never cuts on a schema change (S3ArchiveFormatsTest)
        p.put("s3.compression", "none");
        TopicPartitionWriter w = writer(p);
        for (long o = 0; o < 9; o++) {
            w.write(struct(o, o >= 5 && o < 8 ? V2 : V1));
        }
        assertThat(w.committableOffset()).as("v1 [0, 5) and v2 [5, 8) uploaded, v1 from 8 open").isEqualTo(8L);
        assertThat(TaskDriver.list(S3.client(), "w-schema")).hasSize(2);
        assertThat(meta("w-schema", key(5).replace(".jsonl.gz", ".avro"))).containsEntry(S3ArchiveSinkTask.META_RECORD_COUNT, "3")
                .containsEntry(S3ArchiveSinkTask.META_BATCH_END, "8");
    }

    @Test
    void aBatchEndsOnTheRecordThatTakesItToObjectMaxBytes() throws Exception {
        Map<String, String> p = props("w-bytes");
        p.put("flush.size", "1000");
        p.put("s3.object.max.bytes", "1024");
        p.put("s3.compression", "none");
        TopicPartitionWriter w = writer(p);
        for (long o = 0; o < 30; o++) {
            // equal-sized records, so every batch holds the same number of them
            Map<String, Object> v = Map.of("id", String.format("%04d", o), "pad", "x".repeat(100));
            w.write(rec("t", 0, o, T0, v, null));
        }
        String first = "t/2026/01/01/00/t+0+" + TopicPartitionWriter.pad(0) + ".jsonl";
        byte[] object = bytes("w-bytes", first);
        int records = Integer.parseInt(meta("w-bytes", first).get(S3ArchiveSinkTask.META_RECORD_COUNT));
        int recordBytes = object.length / records;
        assertThat(new String(object, StandardCharsets.UTF_8).split("\n")).hasSize(records);
        assertThat(object.length).isGreaterThanOrEqualTo(1024);
        assertThat(object.length - recordBytes).as("one record fewer stays under the cap").isLessThan(1024);
        assertThat(w.committableOffset()).isEqualTo(30L / records * records);
        assertThat(TaskDriver.list(S3.client(), "w-bytes")).hasSize(30 / records);
    }

    @Test
    void theWallClockUploadsABatchOpenForTheScheduleInterval() throws Exception {
        Map<String, String> p = wallClockProps("w-clock");
        TopicPartitionWriter w = writer(p);
        write(w, 0, 5);
        w.rotateOnSchedule(T0 + 199, true);
        assertThat(w.committableOffset()).isEqualTo(0L);
        w.rotateOnSchedule(T0 + 200, true);
        assertThat(w.committableOffset()).isEqualTo(5L);
        assertThat(meta("w-clock", key(0))).containsEntry(S3ArchiveSinkTask.META_BATCH_END, "5");

        clock.set(T0 + 250); // the next batch opens later, and is timed from then
        write(w, 5, 7);
        w.rotateOnSchedule(T0 + 449, true);
        assertThat(w.committableOffset()).isEqualTo(5L);
        w.rotateOnSchedule(T0 + 450, true);
        assertThat(w.committableOffset()).isEqualTo(7L);
        assertThat(w.openObjects()).isZero();
    }

    @Test
    void aReplayPassesOverBatchesAnEarlierKeyLayoutUploadedAndCommitsTheirEnds() throws Exception {
        Map<String, String> old = props("w-layout");
        old.put("flush.size", "10");
        old.put("s3.key.template", "old/{event_type}/{kafka.topic}-{kafka.partition}-{kafka.start_offset}");
        SinkRecord tombstone = rec(TP.topic(), TP.partition(), 10, T0 + 10, null, null);
        TopicPartitionWriter first = writer(old);
        ObjectLayout earlier = resources.layout;
        write(first, 0, 10);
        first.write(tombstone); // skipped: the next batch starts at 11
        write(first, 11, 25); // [0, 10) and [11, 21) uploaded, [21, 25) open: then a crash, nothing committed

        Map<String, String> now = new java.util.HashMap<>(old);
        now.put("flush.size", "4");
        now.put("s3.compression", "none");
        now.put("s3.key.template", "new/{kafka.topic}/{kafka.partition}/{kafka.start_offset}");
        TopicPartitionWriter w = writer(now, null, List.of(earlier));
        write(w, 0, 9);
        assertThat(w.committableOffset()).as("inside a batch of the earlier layout").isNull();
        w.write(record(9));
        assertThat(w.committableOffset()).isEqualTo(10L);
        w.write(tombstone);
        assertThat(w.committableOffset()).as("the tombstone starts no batch; probing goes on").isEqualTo(11L);
        write(w, 11, 20);
        assertThat(w.committableOffset()).isEqualTo(11L);
        write(w, 20, 23);
        assertThat(w.committableOffset()).as("[21, 23) is open under the new layout").isEqualTo(21L);
        w.write(record(23));
        w.write(record(24));
        assertThat(w.committableOffset()).isEqualTo(25L);
        assertThat(resources.metrics.getObjectsFound()).isEqualTo(2);
        List<String> keys = new ArrayList<>();
        TaskDriver.list(S3.client(), "w-layout").forEach(o -> keys.add(o.key()));
        assertThat(keys).filteredOn(k -> k.startsWith("new/"))
                .containsExactly("new/t/0/" + TopicPartitionWriter.pad(21) + ".jsonl");
        assertThat(new String(bytes("w-layout", "new/t/0/" + TopicPartitionWriter.pad(21) + ".jsonl"),
                StandardCharsets.UTF_8).split("\n")).hasSize(4);

        // The next owner, replaying from 25, finds no batch of the earlier layout there and writes under the new one.
        TopicPartitionWriter next = writer(now, null, List.of(earlier));
        write(next, 25, 29);
        assertThat(next.committableOffset()).isEqualTo(29L);
        assertThat(resources.metrics.getObjectsFound()).isZero();
    }

    @Test
    void theNextOwnerReCutsWallClockBatchesAtTheirRecordedEndsAndFindsTheSameObjects() throws Exception {
        Map<String, String> p = wallClockProps("w-recut");
        TopicPartitionWriter before = writer(p);
        write(before, 0, 6);
        before.rotateOnSchedule(T0 + 200, true);
        clock.set(T0 + 300);
        write(before, 6, 10);
        before.rotateOnSchedule(T0 + 500, true);
        assertThat(before.committableOffset()).isEqualTo(10L);
        Map<String, byte[]> uploaded = Map.of(key(0), bytes("w-recut", key(0)), key(6), bytes("w-recut", key(6)));
        before.discard(); // the partition moves on without a commit: the next owner replays from 0

        TopicPartitionWriter after = writer(p);
        write(after, 0, 6);
        assertThat(after.committableOffset()).as("[0, 6) closes on its recorded end, not the clock").isEqualTo(6L);
        write(after, 6, 15);
        assertThat(after.committableOffset()).as("[6, 10) re-cut, nothing was uploaded from 10").isEqualTo(10L);
        uploaded.forEach((k, b) -> assertThat(bytes("w-recut", k)).as("rewrite of %s", k).isEqualTo(b));
        assertThat(TaskDriver.list(S3.client(), "w-recut")).hasSize(2);
        assertThat(resources.metrics.getObjectsWritten()).as("the same batches are found there (412), not rewritten")
                .isZero();

        after.rotateOnSchedule(T0 + 1000, true);
        assertThat(after.committableOffset()).isEqualTo(15L);
        assertThat(meta("w-recut", key(10))).containsEntry(S3ArchiveSinkTask.META_BATCH_START, "10")
                .containsEntry(S3ArchiveSinkTask.META_BATCH_END, "15");
    }

    @Test
    void aReCutBatchWhoseLastRecordsAreSkippedClosesOnTheLastOne() throws Exception {
        Map<String, String> p = wallClockProps("w-recut-tombstones");
        p.put("behavior.on.null.values", "ignore");
        List<SinkRecord> log = new ArrayList<>();
        for (long o = 0; o < 8; o++) {
            log.add(o < 5 ? record(o) : rec("t", 0, o, T0 + o, null, null));
        }
        TopicPartitionWriter before = writer(p);
        log.forEach(before::write);
        before.rotateOnSchedule(T0 + 200, true);
        assertThat(meta("w-recut-tombstones", key(0))).containsEntry(S3ArchiveSinkTask.META_BATCH_END, "8");
        byte[] object = bytes("w-recut-tombstones", key(0));

        TopicPartitionWriter after = writer(p);
        log.subList(0, 7).forEach(after::write);
        assertThat(after.committableOffset()).isEqualTo(0L);
        after.write(log.get(7));
        assertThat(after.committableOffset()).isEqualTo(8L);
        assertThat(bytes("w-recut-tombstones", key(0))).isEqualTo(object);
    }

    @Test
    void aReCutBatchCutEarlyByASchemaChangeEndsTheRecovery() throws Exception {
        Map<String, String> p = wallClockProps("w-recut-early");
        p.put("s3.key.template", "{kafka.topic}+{kafka.partition}+{kafka.start_offset}");
        p.put("s3.format", "avro"); // a schema change cuts Avro batches, never JSON Lines ones
        p.put("s3.compression", "none");
        TopicPartitionWriter w = writer(p);
        // Batches [0, 10) and [5, 7) of an earlier, inconsistent layout (only the metadata matters here).
        for (long[] batch : new long[][] {{0, 10}, {5, 7}}) {
            Map<String, String> meta = Map.of(S3ArchiveSinkTask.META_BATCH_START, Long.toString(batch[0]),
                    S3ArchiveSinkTask.META_BATCH_END, Long.toString(batch[1]));
            resources.uploader.upload("t+0+" + TopicPartitionWriter.pad(batch[0]) + ".avro", "text/plain",
                    meta, out -> out.write(1));
        }
        for (long o = 0; o < 10; o++) {
            w.write(struct(o, o < 5 ? V1 : V2));
        }
        assertThat(w.committableOffset()).as("[0, 5) uploaded; from 5 the clock decides again, not [5, 7)")
                .isEqualTo(5L);
        assertThat(meta("w-recut-early", "t+0+" + TopicPartitionWriter.pad(0) + ".avro"))
                .containsEntry(S3ArchiveSinkTask.META_BATCH_END, "5");
        w.rotateOnSchedule(T0 + 200, true);
        // The clock's [5, 10) meets the claim [5, 7) on start 5, which is adopted: re-read from 5, cut at 7.
        assertThat(seeks).containsEntry(TP, 5L);
        assertThat(w.committableOffset()).isEqualTo(5L);
        w.deliveredBeforeRewind();
        for (long o = 5; o < 10; o++) {
            w.write(struct(o, V2));
        }
        assertThat(w.committableOffset()).isEqualTo(7L);
        w.rotateOnSchedule(T0 + 400, true);
        assertThat(w.committableOffset()).isEqualTo(10L);
        assertThat(meta("w-recut-early", "t+0+" + TopicPartitionWriter.pad(7) + ".avro"))
                .containsEntry(S3ArchiveSinkTask.META_BATCH_END, "10");
    }

    /** The ids of every archived record, in key order (duplicates kept). */
    private static List<String> archivedIds(String bucket) throws Exception {
        List<String> ids = new ArrayList<>();
        readJsonl(S3.client(), bucket).values().forEach(l -> l.forEach(n -> ids.add(n.path("id").asText())));
        return ids;
    }

    private static List<String> ids(long from, long to) {
        List<String> ids = new ArrayList<>();
        for (long o = from; o < to; o++) {
            ids.add("evt-0-" + o);
        }
        return ids;
    }

    /**
     * Two owners of the partition at once, both from offset 0, cutting differently (flush.size 10 vs 4, as
     * across a change of flush.size): the zombie's claim on batch start 0 makes the successor adopt [0, 10),
     * then the successor's claim on 10 makes the zombie adopt [10, 14), and so on.
     */
    private void twoOwnersCuttingDifferently(String bucket, String conditional) throws Exception {
        Map<String, String> zp = props(bucket);
        zp.put("s3.conditional.writes", conditional);
        zp.put("flush.size", "10");
        Map<String, String> sp = new java.util.HashMap<>(zp);
        sp.put("flush.size", "4");
        TopicPartitionWriter zombie = writer(zp);
        WriterResources zr = resources;
        TopicPartitionWriter successor = writer(sp);
        WriterResources sr = resources;

        write(zombie, 0, 10);
        write(successor, 0, 6);
        if (!"disabled".equals(conditional)) {
            assertThat(seeks).as("seek back to the adopted batch").containsEntry(TP, 0L);
            assertThat(successor.committableOffset()).isEqualTo(0L);
            assertThat(sr.metrics.getBatchesAdopted()).isEqualTo(1);
        }
        successor.deliveredBeforeRewind(); // put() returned; the worker delivers from the seek offset
        write(successor, 0, 14);
        write(zombie, 10, 20);
        zombie.deliveredBeforeRewind();
        write(zombie, 10, 30);
        successor.deliveredBeforeRewind();
        write(successor, 14, 30);
        successor.deliveredBeforeRewind();
        write(successor, 14, 30);
        if (!"disabled".equals(conditional)) {
            assertThat(zr.metrics.getBatchesAdopted()).as("zombie adopted [10, 14)").isEqualTo(1);
            assertThat(sr.metrics.getBatchesAdopted()).as("successor adopted [0, 10) and [14, 24)").isEqualTo(2);
            assertThat(sr.metrics.getObjectsFound() + zr.metrics.getObjectsFound()).isEqualTo(3);
            assertThat(successor.committableOffset()).isEqualTo(28L);
        }
    }

    @Test
    void twoOwnersAtOnceWithDifferentFlushSizesAdoptEachOthersClaimsAndArchiveEachRecordOnce() throws Exception {
        twoOwnersCuttingDifferently("w-zombie", "required");
        assertThat(archivedIds("w-zombie")).as("[0, 28) once each, in the zombie's and successor's batches")
                .containsExactlyInAnyOrderElementsOf(ids(0, 28));
        assertThat(TaskDriver.list(S3.client(), "w-zombie")).extracting(o -> o.key())
                .containsExactly(key(0), key(10), key(14), key(24));
    }

    @Test
    void withoutConditionalWritesTwoOwnersCuttingDifferentlyArchiveRecordsTwice() throws Exception {
        // The hole conditional writes close: the same race with unconditional writes.
        twoOwnersCuttingDifferently("w-zombie-unconditional", "disabled");
        List<String> ids = archivedIds("w-zombie-unconditional");
        assertThat(ids).hasSizeGreaterThan(new java.util.HashSet<>(ids).size());
    }

    @Test
    void aWallClockCutOfAnotherOwnerIsAdoptedInsteadOfWritingADifferentOne() throws Exception {
        Map<String, String> p = wallClockProps("w-zombie-clock");
        TopicPartitionWriter zombie = writer(p);
        TopicPartitionWriter successor = writer(p);
        WriterResources sr = resources;
        write(zombie, 0, 6);
        write(successor, 0, 4);
        zombie.rotateOnSchedule(T0 + 200, true); // the zombie's clock cuts [0, 6) first
        successor.rotateOnSchedule(T0 + 200, true); // the successor's [0, 4) is refused: adopt [0, 6)
        assertThat(sr.metrics.getBatchesAdopted()).isEqualTo(1);
        assertThat(seeks).containsEntry(TP, 0L);
        assertThat(successor.committableOffset()).isEqualTo(0L);
        successor.deliveredBeforeRewind();
        clock.set(T0 + 300);
        write(successor, 0, 8); // [0, 6) closes on its recorded end, found there; [6, 8) open
        assertThat(successor.committableOffset()).isEqualTo(6L);
        assertThat(sr.metrics.getObjectsFound()).isEqualTo(1);
        successor.rotateOnSchedule(T0 + 500, true); // claims 6 with [6, 8)
        write(zombie, 6, 10);
        zombie.rotateOnSchedule(T0 + 500, true); // [6, 10) refused: the zombie adopts [6, 8)
        zombie.deliveredBeforeRewind();
        write(zombie, 6, 10);
        zombie.rotateOnSchedule(T0 + 800, true);
        successor.deliveredBeforeRewind();
        write(successor, 8, 10);
        successor.rotateOnSchedule(T0 + 800, true); // [8, 10): claimed by the zombie at 8 already, same cut
        assertThat(archivedIds("w-zombie-clock")).containsExactlyInAnyOrderElementsOf(ids(0, 10));
        assertThat(zombie.committableOffset()).isEqualTo(10L);
        assertThat(successor.committableOffset()).isEqualTo(10L);
    }

    @Test
    void aClaimRefusedInPreCommitIsAdoptedByTheNextPutNotSoughtFromThere() throws Exception {
        Map<String, String> p = wallClockProps("w-zombie-precommit");
        TopicPartitionWriter zombie = writer(p);
        TopicPartitionWriter successor = writer(p);
        write(zombie, 0, 6);
        write(successor, 0, 4);
        zombie.rotateOnSchedule(T0 + 200, true);
        successor.rotateOnSchedule(T0 + 200, false); // preCommit: the partition may be closing
        assertThat(seeks).as("no seek from preCommit").isEmpty();
        assertThat(successor.committableOffset()).isEqualTo(0L);
        successor.uploadPending(true); // the next put()
        assertThat(seeks).containsEntry(TP, 0L);
    }

    @Test
    void aConditionalPutObjectAnswered409IsRetried() throws Exception {
        try (FaultProxy proxy = new FaultProxy(S3.endpoint(), FaultProxy.Service.S3, 3)) {
            proxy.conditionalConflictRate(0.5).start();
            Map<String, String> p = props("w-409");
            p.put("aws.endpoint.url", proxy.endpoint().toString());
            p.put("aws.max.retries", "0");
            p.put("flush.size", "2");
            TopicPartitionWriter w = writer(p);
            write(w, 0, 20);
            assertThat(proxy.conditionalConflicts()).isPositive();
            assertThat(resources.metrics.getUploadRetries()).isEqualTo(proxy.conditionalConflicts());
            assertThat(w.committableOffset()).isEqualTo(20L);
            assertThat(archivedIds("w-409")).containsExactlyInAnyOrderElementsOf(ids(0, 20));
        }
    }

    /** Records of {@code size} bytes (a multipart upload per batch with s3.part.size at 5 MiB). */
    private static SinkRecord big(long offset, int size) {
        Map<String, Object> v = event(0, offset);
        v.put("pad", "x".repeat(size));
        return rec(TP.topic(), TP.partition(), offset, T0, v, null);
    }

    @Test
    void a409OnCompleteMultipartUploadStartsANewMultipartUploadOnTheNextAttempt() throws Exception {
        try (FaultProxy proxy = new FaultProxy(S3.endpoint(), FaultProxy.Service.S3)) {
            // Only CompleteMultipartUpload (POST ?uploadId=) carries If-None-Match among multipart calls.
            proxy.onlyFor(r -> r.method().equals("POST") && r.path().contains("uploadId="))
                    .conditionalConflictRate(1.0).start();
            Map<String, String> p = props("w-409-mpu");
            p.put("aws.endpoint.url", proxy.endpoint().toString());
            p.put("s3.compression", "none");
            p.put("s3.part.size", Integer.toString(5 << 20));
            p.put("flush.size", "2");
            TopicPartitionWriter w = writer(p);
            w.write(big(0, 3 << 20));
            assertThatThrownBy(() -> w.write(big(1, 3 << 20))).isInstanceOf(RetriableException.class)
                    .hasMessageContaining("ConditionalRequestConflict");
            assertThat(proxy.conditionalConflicts()).isEqualTo(1);
            assertThat(S3.client().listMultipartUploads(b -> b.bucket("w-409-mpu")).uploads())
                    .as("the conflicted upload is aborted").isEmpty();
            proxy.heal();
            w.uploadPending(true);
            assertThat(w.committableOffset()).isEqualTo(2L);
            assertThat(meta("w-409-mpu", key(0).replace(".jsonl.gz", ".jsonl")))
                    .containsEntry(S3ArchiveSinkTask.META_RECORD_COUNT, "2");
        }
    }

    @Test
    void aStoreAnswering501ToConditionalWritesFailsRequiredAndFallsBackUnderAuto() throws Exception {
        try (FaultProxy store = new FaultProxy(S3.endpoint(), FaultProxy.Service.S3)) {
            store.conditionalNotImplemented(true).start();
            Map<String, String> p = props("w-501");
            p.put("aws.endpoint.url", store.endpoint().toString());
            p.put("flush.size", "2");
            TopicPartitionWriter required = writer(p);
            required.write(record(0));
            assertThatThrownBy(() -> required.write(record(1))).isInstanceOf(ConnectException.class)
                    .hasMessageContaining("does not implement conditional writes")
                    .hasMessageContaining("s3.conditional.writes=disabled");

            p.put("s3.conditional.writes", "auto");
            TopicPartitionWriter auto = writer(p);
            assertThat(resources.uploader.conditional()).as("the start probe saw 501").isFalse();
            write(auto, 0, 4);
            assertThat(auto.committableOffset()).isEqualTo(4L);
            assertThat(archivedIds("w-501")).containsExactlyInAnyOrderElementsOf(ids(0, 4));
        }
        Map<String, String> p = props("w-auto");
        p.put("s3.conditional.writes", "auto");
        writer(p);
        assertThat(resources.uploader.conditional()).as("S3Proxy refuses the probe's second write").isTrue();
        assertThat(TaskDriver.list(S3.client(), "w-auto")).as("the probe object is deleted").isEmpty();
    }

    @Test
    void tagsGoUrlEncodedOnPutObjectAndCreateMultipartUpload() throws Exception {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        try (FaultProxy proxy = new FaultProxy(S3.endpoint(), FaultProxy.Service.S3)) {
            // No faults: the filter only records what each write request carried.
            proxy.onlyFor(r -> {
                boolean put = r.method().equals("PUT") && !r.path().contains("partNumber=");
                boolean create = r.method().equals("POST") && r.path().contains("?uploads");
                if (put || create) {
                    seen.add((put ? "PutObject " : "CreateMultipartUpload ") + r.header("x-amz-tagging"));
                }
                return false;
            }).start();
            Map<String, String> p = props("w-tags");
            p.put("aws.endpoint.url", proxy.endpoint().toString());
            p.put("s3.compression", "none");
            p.put("s3.part.size", Integer.toString(5 << 20));
            p.put("flush.size", "1");
            p.put("s3.object.tagging", "project=msk bridge&owner=data/eng+ops&tier=a=b");
            TopicPartitionWriter w = writer(p);
            w.write(record(0));
            w.write(big(1, 6 << 20));
            assertThat(w.committableOffset()).isEqualTo(2L);
        }
        String tags = "project=msk%20bridge&owner=data%2Feng%2Bops&tier=a%3Db";
        assertThat(seen).containsExactly("PutObject " + tags, "CreateMultipartUpload " + tags);
    }

    @Test
    void redeliveredRecordsAreStoredOnce() throws Exception {
        Map<String, String> p = props("w-redelivery");
        p.put("flush.size", "5");
        TopicPartitionWriter w = writer(p);
        write(w, 0, 4);
        write(w, 0, 4); // Connect's redelivery after a RetriableException
        w.write(record(4));
        assertThat(w.committableOffset()).isEqualTo(5L);
        assertThat(readJsonl(S3.client(), "w-redelivery").get(key(0))).hasSize(5);
    }

    @Test
    void aFailedUploadHoldsThePartitionAtItsBatchUntilARetrySucceeds() {
        Map<String, String> p = TaskDriver.props(S3.endpoint(), "w-failure"); // no such bucket yet
        p.put("flush.size", "3");
        TopicPartitionWriter w = writer(p);
        write(w, 0, 2);
        assertThatThrownBy(() -> w.write(record(2))).isInstanceOf(ConnectException.class)
                .hasMessageContaining("Upload of s3://w-failure/" + key(0) + " failed");
        assertThat(resources.metrics.getUploadFailures()).isEqualTo(1);
        assertThat(w.committableOffset()).isEqualTo(0L);
        assertThatThrownBy(() -> w.write(record(3))).isInstanceOf(RetriableException.class)
                .hasMessageContaining("still pending");

        S3.client().createBucket(b -> b.bucket("w-failure"));
        w.uploadPending(true);
        assertThat(w.committableOffset()).isEqualTo(3L);
        assertThat(meta("w-failure", key(0))).containsEntry(S3ArchiveSinkTask.META_RECORD_COUNT, "3");
        w.write(record(3));
        assertThat(w.committableOffset()).isEqualTo(3L);
        assertThat(w.openObjects()).isEqualTo(1);
    }

    @Test
    void recordsHandedToTheReporterAreSkippedWithoutHoldingBackTheCommit() {
        Map<String, String> p = props("w-reporter");
        p.put("flush.size", "3");
        p.put("behavior.on.null.values", "fail");
        SinkRecord tombstone0 = rec("t", 0, 0, T0, null, null);
        SinkRecord tombstone4 = rec("t", 0, 4, T0, null, null);

        TopicPartitionWriter failing = writer(p);
        assertThatThrownBy(() -> failing.write(tombstone0)).isInstanceOf(DataException.class)
                .hasMessageContaining("behavior.on.null.values=fail");

        TopicPartitionWriter w = writer(p, (r, e) -> {
            reported.add(r);
            return CompletableFuture.completedFuture(null);
        });
        w.write(tombstone0);
        assertThat(w.committableOffset()).isEqualTo(1L);
        write(w, 1, 4);
        assertThat(w.committableOffset()).isEqualTo(4L);
        w.write(tombstone4);
        assertThat(w.committableOffset()).isEqualTo(5L);
        assertThat(reported).containsExactly(tombstone0, tombstone4);
        assertThat(TaskDriver.list(S3.client(), "w-reporter")).hasSize(1);
    }

    @Test
    void discardDropsTheOpenBatchAndItsMemoryWithoutUploading() {
        Map<String, String> p = props("w-discard");
        p.put("flush.size", "10");
        TopicPartitionWriter w = writer(p);
        write(w, 0, 4);
        assertThat(resources.budget.used()).isPositive();
        assertThat(w.openObjects()).isEqualTo(1);
        w.discard();
        assertThat(resources.budget.used()).isZero();
        assertThat(w.openObjects()).isZero();
        assertThat(TaskDriver.list(S3.client(), "w-discard")).isEmpty();
    }

    /** A reporter collecting what it is handed: record → reason. */
    private ErrantRecordReporter collecting(Map<SinkRecord, Throwable> into) {
        return (r, e) -> {
            into.put(r, e);
            reported.add(r);
            return CompletableFuture.completedFuture(null);
        };
    }

    /** Every object of the bucket: key → bytes. */
    private static Map<String, byte[]> objects(String bucket) {
        Map<String, byte[]> out = new java.util.TreeMap<>();
        TaskDriver.list(S3.client(), bucket).forEach(o -> out.put(o.key(), bytes(bucket, o.key())));
        return out;
    }

    @Test
    void aKeyOverS3sLimitIsARecordErrorAndTheRecordsAroundItAreArchivedTheSameOnReplay() throws Exception {
        Map<String, String> p = props("w-longkey");
        p.put("flush.size", "5");
        p.put("s3.key.template", "{event_type}/{kafka.topic}+{kafka.partition}+{kafka.start_offset}");
        Map<SinkRecord, Throwable> errors = new java.util.LinkedHashMap<>();
        List<SinkRecord> records = new ArrayList<>();
        for (long o = 0; o < 11; o++) {
            Map<String, Object> v = event(0, o);
            if (o == 3) {
                v.put("event_type", "x".repeat(1000));
            }
            records.add(rec("t", 0, o, T0, v, null));
        }
        TopicPartitionWriter w = writer(p, collecting(errors));
        records.forEach(w::write);
        assertThat(w.committableOffset()).isEqualTo(11L); // batches [0, 6) without offset 3, and [6, 11)
        assertThat(errors).containsOnlyKeys(records.get(3));
        assertThat(errors.get(records.get(3)).getMessage()).contains("topic=t, partition=0, offset=3", "1024",
                "s3.key.template", "[event_type]");
        Map<String, byte[]> first = objects("w-longkey");
        List<String> ids = new ArrayList<>();
        readJsonl(S3.client(), "w-longkey").values().forEach(l -> l.forEach(n -> ids.add(n.path("id").asText())));
        assertThat(ids).hasSize(10).doesNotContain("evt-0-3");

        // A replay from the start (the next owner after a crash) skips the same record and cuts the same objects.
        S3.client().deleteObjects(b -> b.bucket("w-longkey").delete(d -> d.objects(first.keySet().stream()
                .map(k -> software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder().key(k).build())
                .collect(java.util.stream.Collectors.toList()))));
        TopicPartitionWriter replay = writer(p, collecting(errors));
        records.forEach(replay::write);
        Map<String, byte[]> second = objects("w-longkey");
        assertThat(second.keySet()).isEqualTo(first.keySet());
        first.forEach((k, b) -> assertThat(second.get(k)).as(k).isEqualTo(b));

        TopicPartitionWriter noDlq = writer(p);
        assertThatThrownBy(() -> noDlq.write(records.get(3))).isInstanceOf(DataException.class)
                .hasMessageContaining("offset=3");
    }

    @Test
    void keyValuesAreEncodedSoTheyCannotChangeTheKeyLayout() throws Exception {
        Map<String, String> p = props("w-keysafe");
        p.put("flush.size", "1");
        p.put("s3.key.template", "event_type={event_type}/{kafka.topic}+{kafka.partition}+{kafka.start_offset}");
        TopicPartitionWriter w = writer(p);
        String[] values = {"a/../b", "..", "", "50%\n"};
        for (int o = 0; o < values.length; o++) {
            Map<String, Object> v = event(0, o);
            v.put("event_type", values[o]);
            w.write(rec("t", 0, o, T0, v, null));
        }
        assertThat(objects("w-keysafe").keySet()).containsExactlyInAnyOrder(
                "event_type=a%2F..%2Fb/t+0+" + TopicPartitionWriter.pad(0) + ".jsonl.gz",
                "event_type=%2E%2E/t+0+" + TopicPartitionWriter.pad(1) + ".jsonl.gz",
                "event_type=__HIVE_DEFAULT_PARTITION__/t+0+" + TopicPartitionWriter.pad(2) + ".jsonl.gz",
                "event_type=50%25%0A/t+0+" + TopicPartitionWriter.pad(3) + ".jsonl.gz");
    }

    @Test
    void avroFieldNamesAvroRejectsAreRecordErrorsOrScrubbed() throws Exception {
        Schema bad = SchemaBuilder.struct().name("E").field("id", Schema.STRING_SCHEMA)
                .field("event-type", Schema.OPTIONAL_STRING_SCHEMA).build();
        List<SinkRecord> records = new ArrayList<>();
        for (long o = 0; o < 6; o++) {
            records.add(o == 2 ? rec("t", 0, o, T0, new Struct(bad).put("id", "s-2").put("event-type", "click"), bad)
                    : struct(o, V1));
        }
        Map<String, String> p = props("w-avro-names");
        p.put("s3.format", "avro");
        p.put("s3.compression", "none");
        p.put("flush.size", "100");
        Map<SinkRecord, Throwable> errors = new java.util.LinkedHashMap<>();
        TopicPartitionWriter w = writer(p, collecting(errors));
        records.forEach(w::write);
        assertThat(errors).containsOnlyKeys(records.get(2));
        assertThat(errors.get(records.get(2))).isInstanceOf(DataException.class);
        assertThat(errors.get(records.get(2)).getMessage()).contains("topic=t, partition=0, offset=2",
                "field 'event-type'", "s3.avro.scrub.invalid.names");

        Map<String, String> scrub = props("w-avro-scrub");
        scrub.putAll(Map.of("s3.format", "avro", "s3.compression", "none", "flush.size", "100",
                "s3.avro.scrub.invalid.names", "true"));
        errors.clear();
        TopicPartitionWriter s = writer(scrub, collecting(errors));
        s.write(records.get(2));
        s.write(rec("t", 0, 3, T0, new Struct(bad).put("id", "s-3"), bad));
        s.write(struct(4, V1)); // a schema change: uploads the batch of 2..3
        assertThat(errors).isEmpty();
        String key = "t/2026/01/01/00/t+0+" + TopicPartitionWriter.pad(2) + ".avro";
        try (org.apache.avro.file.DataFileStream<org.apache.avro.generic.GenericRecord> r =
                     new org.apache.avro.file.DataFileStream<>(new java.io.ByteArrayInputStream(bytes("w-avro-scrub", key)),
                             new org.apache.avro.generic.GenericDatumReader<>())) {
            org.apache.avro.generic.GenericRecord g = r.next();
            assertThat(g.getSchema().getField("event_type")).isNotNull();
            assertThat(g.get("event_type").toString()).isEqualTo("click");
            assertThat(r.next().get("event_type")).isNull();
        }
    }

    @Test
    void aParquetEmptyStructIsARecordErrorInPutNotAFailedBatch() {
        Schema empty = SchemaBuilder.struct().name("Meta").optional().build();
        Schema withEmpty = SchemaBuilder.struct().name("E").field("id", Schema.STRING_SCHEMA).field("meta", empty).build();
        Map<String, String> p = props("w-parquet-empty");
        p.put("s3.format", "parquet");
        p.put("s3.compression", "snappy");
        p.put("s3.buffer.max.bytes", String.valueOf(32 << 20));
        p.put("s3.parquet.row.group.bytes", String.valueOf(1 << 20));
        p.put("flush.size", "4");
        Map<SinkRecord, Throwable> errors = new java.util.LinkedHashMap<>();
        TopicPartitionWriter w = writer(p, collecting(errors));
        SinkRecord poison = rec("t", 0, 1, T0, new Struct(withEmpty).put("id", "s-1"), withEmpty);
        w.write(struct(0, V1));
        w.write(poison);
        for (long o = 2; o < 5; o++) {
            w.write(struct(o, V1));
        }
        assertThat(errors).containsOnlyKeys(poison);
        assertThat(errors.get(poison).getMessage()).contains("offset=1", "field 'meta'", "parquet");
        assertThat(w.committableOffset()).isEqualTo(5L);
        assertThat(meta("w-parquet-empty", "t/2026/01/01/00/t+0+" + TopicPartitionWriter.pad(0) + ".parquet"))
                .containsEntry(S3ArchiveSinkTask.META_RECORD_COUNT, "4");
    }

    @Test
    void bytesFormatWritesTheValueBytesAsTheyCameWithTheSeparator() throws Exception {
        Map<String, String> p = props("w-rawbytes");
        p.put("s3.format", "bytes");
        p.put("s3.compression", "none");
        p.put("flush.size", "3");
        byte[] gz;
        java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(bo)) {
            g.write("{\"id\":\"zipped\"}".getBytes(StandardCharsets.UTF_8));
        }
        gz = bo.toByteArray();
        Map<SinkRecord, Throwable> errors = new java.util.LinkedHashMap<>();
        TopicPartitionWriter w = writer(p, collecting(errors));
        SinkRecord notBytes = rec("t", 0, 1, T0, Map.of("id", "map"), null);
        w.write(rec("t", 0, 0, T0, "{\"id\":1}".getBytes(StandardCharsets.UTF_8), Schema.OPTIONAL_BYTES_SCHEMA));
        w.write(notBytes);
        w.write(rec("t", 0, 2, T0, gz, Schema.OPTIONAL_BYTES_SCHEMA));
        w.write(rec("t", 0, 3, T0, java.nio.ByteBuffer.wrap(new byte[] {0, (byte) 0xff}), Schema.OPTIONAL_BYTES_SCHEMA));
        assertThat(errors).containsOnlyKeys(notBytes);
        assertThat(errors.get(notBytes).getMessage()).contains("offset=1",
                "org.apache.kafka.connect.converters.ByteArrayConverter");
        java.io.ByteArrayOutputStream want = new java.io.ByteArrayOutputStream();
        want.writeBytes("{\"id\":1}\n".getBytes(StandardCharsets.UTF_8));
        want.writeBytes(gz);
        want.write('\n');
        want.writeBytes(new byte[] {0, (byte) 0xff, '\n'});
        String key = "t/2026/01/01/00/t+0+" + TopicPartitionWriter.pad(0) + ".bin";
        assertThat(bytes("w-rawbytes", key)).isEqualTo(want.toByteArray());
        assertThat(meta("w-rawbytes", key)).containsEntry(S3ArchiveSinkTask.META_RECORD_COUNT, "3");

        Map<String, String> none = props("w-rawbytes-nosep");
        none.putAll(Map.of("s3.format", "bytes", "s3.compression", "gzip", "flush.size", "2", "s3.bytes.separator", ""));
        TopicPartitionWriter n = writer(none);
        n.write(rec("t", 0, 0, T0, new byte[] {1, 2}, Schema.OPTIONAL_BYTES_SCHEMA));
        n.write(rec("t", 0, 1, T0, new byte[] {3}, Schema.OPTIONAL_BYTES_SCHEMA));
        assertThat(TaskDriver.gunzip(bytes("w-rawbytes-nosep", "t/2026/01/01/00/t+0+" + TopicPartitionWriter.pad(0)
                + ".bin.gz"))).containsExactly(1, 2, 3);
    }
}
