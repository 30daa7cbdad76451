package io.mskbridge.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsClientFactory;
import io.mskbridge.aws.AwsErrors;
import io.mskbridge.aws.AwsSettings;
import io.mskbridge.common.KeyTemplate;
import io.mskbridge.s3.S3ArchiveSinkConfig.NullBehavior;

/**
 * Writes the records of its topic-partitions to S3 as batches of objects.
 *
 * <p><b>Exactly-once.</b> Per topic-partition, records form consecutive <i>batches</i>: a batch starts at the
 * first record after the previous batch and ends on {@code flush.size} records, a change of record-time
 * interval, a value schema change, or {@code s3.object.max.bytes}, all functions of the records alone. A
 * batch holds one object per distinct rendered key (e.g. per {@code {event_type}} and hour), named with the
 * offset of its first record. Offsets are committed only up to the start of the open batch, so after a crash
 * or rebalance Connect redelivers from a batch boundary and the same objects are produced again with the
 * same bytes (an overwrite with identical content). In-progress state is dropped on {@code close()}.
 *
 * <p><b>Bounded memory.</b> Records are stored serialized (not compressed) in {@link SpillableBuffer}s under a
 * task-wide {@link MemoryBudget}: when the heap tails exceed it, the largest are spilled to local disk.
 * Compression and upload stream from the buffer through one reusable part buffer.
 */
public class S3ArchiveSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(S3ArchiveSinkTask.class);

    /** Stands for {kafka.start_offset} until the object's first offset is known. */
    private static final String START_MARKER = "\u0000start\u0000";
    private static final int SCRATCH_KEEP = 64 * 1024;

    static final String TASK_ID = "mskbridge.task.id";
    public static final String META_RECORD_COUNT = "mskbridge-record-count";
    public static final String META_FIRST_OFFSET = "mskbridge-first-offset";
    public static final String META_LAST_OFFSET = "mskbridge-last-offset";
    /** The offsets [start, end) of the batch the object belongs to: how a restarted task re-cuts it. */
    public static final String META_BATCH_START = "mskbridge-batch-start";
    public static final String META_BATCH_END = "mskbridge-batch-end";

    private S3ArchiveSinkConfig config;
    private KeyTemplate keyTemplate;
    private RecordEncoder encoder;
    private String extension;
    private AwsClientFactory clients;
    private S3Uploader uploader;
    private MemoryBudget budget;
    private SinkTaskMetrics metrics;
    private Path spillDir;
    private ErrantRecordReporter reporter;
    private final RecordEncoder.PatchableBytes scratch = new RecordEncoder.PatchableBytes(4096);
    private final Map<TopicPartition, PartitionState> states = new HashMap<>();
    private long spillSeq;

    @Override
    public String version() {
        return S3ArchiveSinkConnector.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new S3ArchiveSinkConfig(props);
        keyTemplate = config.keyTemplate();
        encoder = RecordEncoder.create(config);
        extension = config.extension();
        String connector = props.getOrDefault("name", "s3-archive-sink");
        String taskId = props.getOrDefault(TASK_ID, "0");
        metrics = new SinkTaskMetrics();
        // The part buffer, the Parquet writer and the encode scratch live outside the budget for open objects.
        long reserve = config.uploadReserve();
        budget = new MemoryBudget(config.bufferMaxBytes() - reserve - SCRATCH_KEEP);
        metrics.gauges(() -> budget.used() + reserve, config::bufferMaxBytes, () -> budget.spilledBytes(),
                () -> states.values().stream().mapToInt(s -> s.batch == null ? 0 : s.batch.groups.size()).sum());
        metrics.register(connector, taskId);
        spillDir = Paths.get(config.spillDir()).resolve("mskbridge-s3-" + SinkTaskMetrics.sanitize(connector) + "-"
                + taskId + "-" + UUID.randomUUID());
        clients = new AwsClientFactory(AwsSettings.from(config));
        uploader = S3Uploader.create(config, clients, metrics);
        try {
            reporter = context == null ? null : context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            reporter = null;
        }
        log.info("S3 archive sink task {} of {} started: s3://{}/{}{} flush.size={} buffer={} bytes, spill dir {}",
                taskId, connector, config.bucket(), keyTemplate, extension, config.flushSize(),
                config.bufferMaxBytes(), spillDir);
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            PartitionState old = states.put(tp, newState());
            if (old != null) {
                old.discard();
            }
        }
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        // No upload here: the batch is rebuilt identically by whoever gets the partition, from the committed offset.
        for (TopicPartition tp : partitions) {
            PartitionState s = states.remove(tp);
            if (s != null) {
                s.discard();
            }
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        uploadSealed();
        for (SinkRecord r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.kafkaPartition());
            PartitionState st = states.computeIfAbsent(tp, k -> newState());
            if (r.kafkaOffset() <= st.lastSeen) {
                continue; // redelivered after a RetriableException of ours: already stored
            }
            if (st.sealed != null) {
                throw new RetriableException("Upload of " + tp + " still pending");
            }
            if (st.batch != null && st.batch.end != null && r.kafkaOffset() >= st.batch.end) {
                rotate(st, true); // a re-cut batch ends where it ended before, whatever this record is
            }
            String key;
            try {
                if (r.value() == null) {
                    if (config.nullBehavior() == NullBehavior.IGNORE) {
                        skip(st, r);
                        continue;
                    }
                    throw new DataException("Null value (tombstone) in record topic=" + r.topic() + ", partition="
                            + r.kafkaPartition() + ", offset=" + r.kafkaOffset() + " and "
                            + S3ArchiveSinkConfig.NULL_VALUES + "=fail");
                }
                key = keyTemplate.render(r, v -> START_MARKER);
                scratch.reset();
                encoder.encode(r, scratch);
            } catch (DataException | IOException e) {
                if (reporter == null) {
                    throw e instanceof DataException ? (DataException) e : new DataException(e);
                }
                reporter.report(r, e);
                skip(st, r);
                continue;
            }
            Batch b = st.batch;
            if (b != null && (schemaChanged(b, r.valueSchema()) || b.end == null && timeBucket(r) != b.timeBucket)) {
                rotate(st, false);
                b = null;
            }
            if (b == null) {
                Long end = st.recovering ? recoveredEnd(st, tp, key, r.kafkaOffset()) : null;
                b = st.batch = new Batch(r.kafkaOffset(), timeBucket(r), r.valueSchema(), end);
            }
            Group g = b.groups.get(key);
            if (g == null) {
                g = new Group(key, r.kafkaOffset(), new SpillableBuffer(budget, spillDir.resolve((spillSeq++) + ".spill")));
                b.groups.put(key, g);
            }
            g.buffer.write(scratch.array(), 0, scratch.size());
            g.lastOffset = r.kafkaOffset();
            g.count++;
            b.count++;
            b.bytes += scratch.size();
            st.lastSeen = r.kafkaOffset();
            if (scratch.size() > SCRATCH_KEEP) {
                scratch.trim(SCRATCH_KEEP);
            }
            budget.enforce();
            if (b.end != null ? r.kafkaOffset() + 1 >= b.end
                    : b.count >= config.flushSize() || b.bytes >= config.objectMaxBytes()) {
                rotate(st, b.end != null);
            }
        }
        rotateOnSchedule();
    }

    private PartitionState newState() {
        PartitionState st = new PartitionState();
        // Only wall-clock rotation cuts batches that a replay cannot reproduce from the records alone.
        st.recovering = config.rotateScheduleInterval().toMillis() > 0;
        return st;
    }

    /**
     * With wall-clock rotation, the end of the batch that a previous owner of the partition uploaded starting
     * at {@code offset} (read from the object's metadata), so that the replay cuts it at the same offset and
     * rewrites the same objects instead of archiving its records a second time under other names. Returns
     * null, and stops probing the partition, at the first batch start that has no such object: nothing after
     * it was uploaded, since a partition's batches are uploaded in order. One HEAD per replayed batch.
     */
    private Long recoveredEnd(PartitionState st, TopicPartition tp, String key, long offset) {
        String objectKey = key.replace(START_MARKER, pad(offset)) + extension;
        Map<String, String> meta;
        try {
            meta = uploader.metadataOf(objectKey);
        } catch (RuntimeException e) {
            if (AwsErrors.isRetriable(e)) {
                context.timeout(1000);
                throw new RetriableException("Cannot check s3://" + config.bucket() + "/" + objectKey + " for a batch "
                        + "uploaded before " + tp + " was reassigned, will retry: " + AwsErrors.describe(e), e);
            }
            throw new ConnectException("Cannot read s3://" + config.bucket() + "/" + objectKey + " to recover the "
                    + "batch boundaries of " + tp + ": " + AwsErrors.describe(e) + ". With "
                    + S3ArchiveSinkConfig.ROTATE_SCHEDULE_INTERVAL_MS + " set, the connector's IAM role needs "
                    + "s3:GetObject on the archived objects and s3:ListBucket on the bucket.", e);
        }
        Long end = meta == null ? null : parseBatchEnd(meta, offset);
        if (end == null) {
            st.recovering = false;
        } else if (log.isDebugEnabled()) {
            log.debug("{}: re-cutting the batch [{}, {}) that s3://{}/{} was uploaded from", tp, offset, end,
                    config.bucket(), objectKey);
        }
        return end;
    }

    /** The batch end recorded in an object whose batch started at {@code offset}; null if it did not. */
    private static Long parseBatchEnd(Map<String, String> meta, long offset) {
        try {
            String start = meta.get(META_BATCH_START);
            String end = meta.get(META_BATCH_END);
            if (start == null || end == null || Long.parseLong(start) != offset) {
                return null; // written by an older version, or a different batch layout: nothing to reproduce
            }
            long e = Long.parseLong(end);
            return e > offset ? e : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void skip(PartitionState st, SinkRecord r) {
        st.lastSeen = r.kafkaOffset();
        if (st.batch == null && st.sealed == null) {
            st.committable = r.kafkaOffset() + 1;
        } else if (st.batch != null && st.batch.end != null && r.kafkaOffset() + 1 >= st.batch.end) {
            // The re-cut batch's last offset is a skipped record (tombstone, DLQ): it is complete now.
            rotate(st, true);
        }
    }

    private long timeBucket(SinkRecord r) {
        long interval = config.rotateInterval().toMillis();
        if (interval <= 0 || r.timestamp() == null) {
            return Long.MIN_VALUE;
        }
        return Math.floorDiv(r.timestamp(), interval);
    }

    private static boolean schemaChanged(Batch b, Schema s) {
        return b.schema != s && (b.schema == null || !b.schema.equals(s));
    }

    private void rotateOnSchedule() {
        long interval = config.rotateScheduleInterval().toMillis();
        if (interval <= 0) {
            return;
        }
        long now = System.currentTimeMillis();
        for (PartitionState st : states.values()) {
            // A re-cut batch ends where its first upload did, never on the clock.
            if (st.batch != null && st.batch.end == null && st.sealed == null && now - st.batch.openedAtMs >= interval) {
                rotate(st, false);
            }
        }
    }

    /**
     * Seals the open batch and uploads it; on failure it stays sealed and put() retries it first.
     *
     * @param reachedEnd a re-cut batch got to the end its first upload recorded (rather than being cut early,
     *                   by a schema change): it ends there, even if the offsets just before do not exist any more
     */
    private void rotate(PartitionState st, boolean reachedEnd) {
        Batch b = st.batch;
        st.batch = null;
        if (b.end != null && reachedEnd) {
            b.nextOffset = b.end;
        } else {
            b.nextOffset = st.lastSeen + 1;
            if (b.end != null) {
                // Cut before its recorded end: the earlier layout no longer applies to what follows.
                st.recovering = false;
            }
        }
        st.sealed = b;
        upload(st);
    }

    private void uploadSealed() {
        for (PartitionState st : states.values()) {
            if (st.sealed != null) {
                upload(st);
            }
        }
    }

    private void upload(PartitionState st) {
        Batch b = st.sealed;
        for (Group g : b.groups.values()) {
            if (g.uploaded) {
                continue;
            }
            String key = g.key.replace(START_MARKER, pad(g.firstOffset)) + extension;
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put(META_RECORD_COUNT, Long.toString(g.count));
            meta.put(META_FIRST_OFFSET, Long.toString(g.firstOffset));
            meta.put(META_LAST_OFFSET, Long.toString(g.lastOffset));
            meta.put(META_BATCH_START, Long.toString(b.start));
            meta.put(META_BATCH_END, Long.toString(b.nextOffset));
            try {
                long size = uploader.upload(key, encoder.contentType(), meta, out -> {
                    try (InputStream in = g.buffer.open()) {
                        encoder.writeObject(in, out, key, b.schema);
                    }
                });
                g.uploaded = true;
                g.buffer.discard();
                metrics.objectWritten(size, g.count);
                if (log.isDebugEnabled()) {
                    log.debug("Uploaded s3://{}/{} ({} records, {} bytes)", config.bucket(), key, g.count, size);
                }
            } catch (IOException e) {
                metrics.uploadFailure();
                throw new UncheckedIOException("Cannot read the stored records of " + key, e);
            } catch (RuntimeException e) {
                metrics.uploadFailure();
                if (AwsErrors.isRetriable(e) || "NoSuchUpload".equals(AwsErrors.errorCode(e))) {
                    context.timeout(1000);
                    throw new RetriableException("Upload of s3://" + config.bucket() + "/" + key + " failed, will "
                            + "retry: " + AwsErrors.describe(e), e);
                }
                throw new ConnectException("Upload of s3://" + config.bucket() + "/" + key + " failed: "
                        + AwsErrors.describe(e) + ". Check the bucket, its policy and the connector's IAM role "
                        + "(s3:PutObject, s3:AbortMultipartUpload).", e);
            }
        }
        st.sealed = null;
        st.committable = b.nextOffset;
    }

    static String pad(long offset) {
        String s = Long.toString(offset);
        return "0".repeat(Math.max(0, S3ArchiveSinkConfig.START_OFFSET_DIGITS - s.length())) + s;
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        try {
            uploadSealed();
            rotateOnSchedule();
        } catch (RetriableException e) {
            log.debug("Upload before commit failed; committing what is uploaded: {}", e.getMessage());
        }
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : currentOffsets.keySet()) {
            PartitionState st = states.get(tp);
            if (st == null) {
                continue;
            }
            Long off = st.sealed != null ? Long.valueOf(st.sealed.start)
                    : st.batch != null ? Long.valueOf(st.batch.start) : st.committable;
            if (off != null) {
                out.put(tp, new OffsetAndMetadata(off));
            }
        }
        return out;
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        // preCommit decides; flush is not used
    }

    @Override
    public void stop() {
        for (PartitionState s : states.values()) {
            s.discard();
        }
        states.clear();
        if (metrics != null) {
            metrics.close();
        }
        if (clients != null) {
            clients.close();
        }
        deleteSpillDir();
        log.info("S3 archive sink task stopped");
    }

    private void deleteSpillDir() {
        if (spillDir == null || !Files.exists(spillDir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(spillDir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("Cannot delete spill directory {}: {}", spillDir, e.toString());
        }
    }

    /** For tests and the benchmark. */
    SinkTaskMetrics metrics() {
        return metrics;
    }

    MemoryBudget budget() {
        return budget;
    }

    private static final class PartitionState {
        long lastSeen = -1;
        Long committable;
        /** Still replaying batches a previous owner uploaded (see recoveredEnd). */
        boolean recovering;
        Batch batch;
        Batch sealed;

        void discard() {
            for (Batch b : new Batch[] {batch, sealed}) {
                if (b != null) {
                    b.groups.values().forEach(g -> g.buffer.discard());
                }
            }
            batch = null;
            sealed = null;
        }
    }

    private static final class Batch {
        final long start;
        final long timeBucket;
        final Schema schema;
        /** Exclusive end offset when this batch re-cuts one uploaded before a restart, else null. */
        final Long end;
        final long openedAtMs = System.currentTimeMillis();
        final LinkedHashMap<String, Group> groups = new LinkedHashMap<>();
        int count;
        long bytes;
        long nextOffset;

        Batch(long start, long timeBucket, Schema schema, Long end) {
            this.start = start;
            this.timeBucket = timeBucket;
            this.schema = schema;
            this.end = end;
        }
    }

    private static final class Group {
        final String key;
        final long firstOffset;
        final SpillableBuffer buffer;
        long lastOffset;
        long count;
        boolean uploaded;

        Group(String key, long firstOffset, SpillableBuffer buffer) {
            this.key = key;
            this.firstOffset = firstOffset;
            this.buffer = buffer;
        }
    }
}
