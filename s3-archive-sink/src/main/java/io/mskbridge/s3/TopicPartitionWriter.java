package io.mskbridge.s3;

import static io.mskbridge.s3.S3ArchiveSinkTask.META_BATCH_END;
import static io.mskbridge.s3.S3ArchiveSinkTask.META_BATCH_START;
import static io.mskbridge.s3.S3ArchiveSinkTask.META_FIRST_OFFSET;
import static io.mskbridge.s3.S3ArchiveSinkTask.META_LAST_OFFSET;
import static io.mskbridge.s3.S3ArchiveSinkTask.META_RECORD_COUNT;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsErrors;
import io.mskbridge.s3.S3ArchiveSinkConfig.NullBehavior;

/**
 * The archive of one topic-partition: cuts its records into consecutive batches, uploads each batch's objects
 * through the task's {@link S3Uploader}, and tells up to which offset the partition is archived.
 *
 * <p>A batch starts at the first record after the previous batch and ends on {@code flush.size} records, a
 * change of record-time interval ({@code rotate.interval.ms}), a value schema change, or
 * {@code s3.object.max.bytes}: all functions of the records alone, so a replay from a batch start cuts the same
 * batches. {@code rotate.schedule.interval.ms} also ends a batch on the wall clock, which a replay cannot
 * reproduce; with it on, a new writer first re-cuts the batches a previous owner uploaded at the offsets
 * recorded in their objects (see {@link #recoveredEnd}). A batch holds one object per distinct rendered key,
 * named with the offset of its first record.
 *
 * <p>With conditional writes ({@code If-None-Match: *}) the first object of a batch is its claim: when S3 refuses
 * it (412) because another owner of the partition (a zombie, or an earlier life of this task) wrote it first, the
 * writer reads that object's batch offsets. The same batch: its other objects are written or found there. A
 * different cut: the writer adopts it (see {@link #adopt}), asks the worker to seek back to the batch start and
 * re-cuts the replay at the recorded ends, as after a reassignment.
 *
 * <p>Only the task thread calls a writer.
 */
final class TopicPartitionWriter {

    private static final Logger log = LoggerFactory.getLogger(TopicPartitionWriter.class);

    private final TopicPartition tp;
    private final WriterResources shared;
    private final S3ArchiveSinkConfig config;
    private long lastSeen = -1;
    private Long committable;
    /** Still replaying batches a previous owner uploaded (see recoveredEnd). */
    private boolean recovering;
    private Batch batch;
    /** The batch being uploaded; it stays here when the upload fails, and goes up before any further record. */
    private Batch sealed;
    /** The schema the record just encoded is stored under (see {@link RecordEncoder#encode}). */
    private Schema storedSchema;
    /**
     * Set while the worker has been asked to seek back here (see {@link #adopt}): records delivered until then
     * are passed over, since the consumer hands them over again from this offset.
     */
    private Long rewindTo;
    /**
     * Until this partition's first batch under the current layout opens: the replayed records may belong to
     * batches that an earlier layout of the connector uploaded but did not commit (see {@link #archivedEarlier}).
     */
    private boolean probingPrior;
    /** The end of a batch already archived under an earlier layout that the records now replayed belong to. */
    private Long archivedUntil;

    TopicPartitionWriter(TopicPartition tp, WriterResources shared) {
        this.tp = tp;
        this.shared = shared;
        this.config = shared.config;
        // Only wall-clock rotation cuts batches that a replay cannot reproduce from the records alone.
        this.recovering = config.rotateScheduleInterval().toMillis() > 0;
        this.probingPrior = !shared.priorLayouts.isEmpty();
    }

    /**
     * Adds a record of this partition, in offset order, and uploads the batch it completes.
     *
     * @throws RetriableException while an earlier batch is not uploaded, or on a transient S3 failure; Connect
     *                            then redelivers the same records, and those already taken are passed over
     */
    void write(SinkRecord r) {
        if (rewindTo != null || r.kafkaOffset() <= lastSeen) {
            return; // redelivered after a RetriableException of ours (already stored), or before a seek back
        }
        if (sealed != null) {
            throw new RetriableException("Upload of " + tp + " still pending");
        }
        if (archivedUntil != null && r.kafkaOffset() >= archivedUntil) {
            committable = archivedUntil; // past the batch of the earlier layout (its last offsets were not delivered)
            archivedUntil = null;
        }
        if (archivedUntil != null || probingPrior && batch == null && archivedEarlier(r)) {
            passArchived(r);
            return;
        }
        if (batch != null && batch.end != null && r.kafkaOffset() >= batch.end) {
            rotate(true); // a re-cut batch ends where it ended before, whatever this record is
            if (rewindTo != null) {
                return;
            }
        }
        String key = encode(r);
        if (key != null) {
            append(r, key);
        }
    }

    /**
     * Renders the record's key and serializes it into the shared scratch buffer; returns null for a record
     * that is not archived (an ignored tombstone, or one handed to the errant record reporter).
     *
     * <p>Every failure here is the record's own (a function of its content), so it goes to the reporter and the
     * records around it are archived; a replay skips it again and cuts the same objects.
     */
    private String encode(SinkRecord r) {
        try {
            if (r.value() == null) {
                if (config.nullBehavior() == NullBehavior.IGNORE) {
                    skip(r);
                    return null;
                }
                throw new DataException("Null value (tombstone) in " + coordinates(r) + " and "
                        + S3ArchiveSinkConfig.NULL_VALUES + "=fail");
            }
            String key = shared.layout.render(r);
            checkKeyLength(r, key);
            shared.scratch.reset();
            storedSchema = shared.encoder.encode(r, joinableBatchSchema(r), shared.scratch);
            return key;
        } catch (IOException | RuntimeException e) {
            DataException error = recordError(r, e);
            if (shared.reporter == null) {
                throw error;
            }
            shared.reporter.report(r, error);
            shared.metrics.deadLettered();
            skip(r);
            return null;
        }
    }

    /** The schema of the open batch if {@code r} would join it but for its schema, else null. */
    private Schema joinableBatchSchema(SinkRecord r) {
        Batch b = batch;
        return b == null || b.end == null && timeBucket(r) != b.timeBucket ? null : b.schema;
    }

    /** S3 refuses keys over 1,024 UTF-8 bytes; a long field value must not fail its whole batch at upload. */
    private void checkKeyLength(SinkRecord r, String renderedKey) {
        String key = objectKey(renderedKey, r.kafkaOffset());
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > S3ArchiveSinkConfig.MAX_KEY_BYTES) {
            throw new DataException("The object key of " + coordinates(r) + " would be " + bytes + " bytes (UTF-8) "
                    + "and S3 allows " + S3ArchiveSinkConfig.MAX_KEY_BYTES + ": a value of the field(s) "
                    + shared.keyTemplate.fieldPaths() + shared.keyTemplate.keyFieldPaths() + " rendered by "
                    + S3ArchiveSinkConfig.KEY_TEMPLATE + " '" + shared.keyTemplate.template() + "' is too long; "
                    + "the key starts '" + key.substring(0, 120) + "'");
        }
    }

    /** The failure as a DataException whose message names the record (the reporter's DLQ headers carry it). */
    private static DataException recordError(SinkRecord r, Exception e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof DataException && msg.contains(coordinates(r))) {
            return (DataException) e;
        }
        return new DataException("Cannot archive " + coordinates(r) + ": " + msg, e);
    }

    private static String coordinates(SinkRecord r) {
        return "record topic=" + r.topic() + ", partition=" + r.kafkaPartition() + ", offset=" + r.kafkaOffset();
    }

    /** Stores the record encoded in the scratch buffer in its batch, starting or ending batches as due. */
    private void append(SinkRecord r, String key) {
        RecordEncoder.PatchableBytes scratch = shared.scratch;
        Batch b = batch;
        if (b != null && (schemaChanged(b, storedSchema) || b.end == null && timeBucket(r) != b.timeBucket)) {
            rotate(false);
            if (rewindTo != null) {
                return;
            }
            b = null;
        }
        if (b == null) {
            probingPrior = false; // batches go up in order: no earlier layout's batch starts after this one
            Long end = recovering ? recoveredEnd(key, r.kafkaOffset()) : null;
            b = batch = new Batch(r.kafkaOffset(), timeBucket(r), storedSchema, end, shared.clock.getAsLong());
        }
        Group g = b.groups.get(key);
        if (g == null) {
            g = new Group(key, r.kafkaOffset(), new SpillableBuffer(shared.budget, shared.nextSpillFile()));
            b.groups.put(key, g);
        }
        g.buffer.write(scratch.array(), 0, scratch.size());
        g.lastOffset = r.kafkaOffset();
        g.count++;
        b.count++;
        b.bytes += scratch.size();
        lastSeen = r.kafkaOffset();
        if (scratch.size() > WriterResources.SCRATCH_KEEP) {
            scratch.trim(WriterResources.SCRATCH_KEEP);
        }
        shared.budget.enforce();
        if (b.end != null ? r.kafkaOffset() + 1 >= b.end
                : b.count >= config.flushSize() || b.bytes >= config.objectMaxBytes()) {
            rotate(b.end != null);
        }
    }

    /**
     * With wall-clock rotation, the end of the batch that a previous owner of the partition uploaded starting
     * at {@code offset} (read from the object's metadata), so that the replay cuts it at the same offset and
     * rewrites the same objects instead of archiving its records a second time under other names. Returns
     * null, and stops probing the partition, at the first batch start that has no such object: nothing after
     * it was uploaded, since a partition's batches are uploaded in order. One HEAD per replayed batch.
     */
    private Long recoveredEnd(String key, long offset) {
        String objectKey = objectKey(key, offset);
        Map<String, String> meta = metadataOf(objectKey);
        Long end = meta == null ? null : parseBatchEnd(meta, offset);
        if (end == null) {
            recovering = false;
        } else if (log.isDebugEnabled()) {
            log.debug("{}: re-cutting the batch [{}, {}) that s3://{}/{} was uploaded from", tp, offset, end,
                    config.bucket(), objectKey);
        }
        return end;
    }

    /**
     * Whether a batch starting at {@code r} is archived under an earlier layout of the connector: the object its
     * first record would have had there (one HEAD per earlier layout) records a batch starting at r. Then its end
     * is kept in archivedUntil and its records are passed over, so a change of s3.key.template (or of the event
     * time field, pad width or format) between an upload and its commit does not archive the batch twice.
     */
    private boolean archivedEarlier(SinkRecord r) {
        for (ObjectLayout earlier : shared.priorLayouts) {
            String key;
            try {
                key = earlier.objectKey(earlier.render(r), r.kafkaOffset());
            } catch (RuntimeException e) {
                continue; // the record has no object under that layout (e.g. no event time there)
            }
            if (key.getBytes(StandardCharsets.UTF_8).length > S3ArchiveSinkConfig.MAX_KEY_BYTES) {
                continue; // a record error there too: no object
            }
            Map<String, String> meta = metadataOf(key);
            Long end = meta == null ? null : parseBatchEnd(meta, r.kafkaOffset());
            if (end != null) {
                archivedUntil = end;
                shared.metrics.objectFound();
                log.info("{}: the batch [{}, {}) is already archived under the earlier key layout {} (s3://{}/{}): "
                        + "passing over its records instead of writing them again", tp, r.kafkaOffset(), end,
                        earlier, config.bucket(), key);
                return true;
            }
        }
        if (log.isDebugEnabled()) {
            log.debug("{}: no batch of an earlier key layout starts at offset {}", tp, r.kafkaOffset());
        }
        return false;
    }

    /** A record of a batch archived under an earlier layout: taken as done; the batch end becomes committable. */
    private void passArchived(SinkRecord r) {
        lastSeen = r.kafkaOffset();
        if (r.kafkaOffset() + 1 >= archivedUntil) {
            committable = archivedUntil;
            archivedUntil = null;
        }
    }

    /** The user metadata of an archived object, or null when there is none; failures as the task must see them. */
    private Map<String, String> metadataOf(String objectKey) {
        try {
            return shared.uploader.metadataOf(objectKey);
        } catch (RuntimeException e) {
            if (AwsErrors.isRetriable(e)) {
                shared.context.timeout(1000);
                throw new RetriableException("Cannot read the batch offsets of s3://" + config.bucket() + "/"
                        + objectKey + " (" + tp + "), will retry: " + AwsErrors.describe(e), e);
            }
            throw new ConnectException("Cannot read s3://" + config.bucket() + "/" + objectKey + " to recover the "
                    + "batch boundaries of " + tp + ": " + AwsErrors.describe(e) + ". With "
                    + S3ArchiveSinkConfig.ROTATE_SCHEDULE_INTERVAL_MS + " set, conditional writes on or an earlier "
                    + "key layout recorded (" + S3ArchiveSinkConfig.LAYOUT_HISTORY_PREFIX + "), the "
                    + "connector's IAM role needs s3:GetObject on the archived objects and s3:ListBucket on the "
                    + "bucket.", e);
        }
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

    private void skip(SinkRecord r) {
        lastSeen = r.kafkaOffset();
        if (batch == null && sealed == null) {
            committable = r.kafkaOffset() + 1;
        } else if (batch != null && batch.end != null && r.kafkaOffset() + 1 >= batch.end) {
            // The re-cut batch's last offset is a skipped record (tombstone, DLQ): it is complete now.
            rotate(true);
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

    /**
     * Uploads the open batch if {@code rotate.schedule.interval.ms} has passed since it opened.
     *
     * @param mayRewind whether the worker will seek before it delivers records again (true in put(), false in
     *                  preCommit(), where a partition may be closing): false keeps a batch whose claim another
     *                  owner holds sealed, for the next put() to adopt
     */
    void rotateOnSchedule(long nowMs, boolean mayRewind) {
        long interval = config.rotateScheduleInterval().toMillis();
        // A re-cut batch ends where its first upload did, never on the clock.
        if (interval > 0 && batch != null && batch.end == null && sealed == null
                && nowMs - batch.openedAtMs >= interval) {
            rotate(false, mayRewind);
        }
    }

    /**
     * Seals the open batch and uploads it; on failure it stays sealed and is retried first.
     *
     * @param reachedEnd a re-cut batch got to the end its first upload recorded (rather than being cut early,
     *                   by a schema change): it ends there, even if the offsets just before do not exist any more
     */
    private void rotate(boolean reachedEnd) {
        rotate(reachedEnd, true);
    }

    private void rotate(boolean reachedEnd, boolean mayRewind) {
        Batch b = batch;
        batch = null;
        if (b.end != null && reachedEnd) {
            b.nextOffset = b.end;
        } else {
            b.nextOffset = lastSeen + 1;
            if (b.end != null) {
                // Cut before its recorded end: the earlier layout no longer applies to what follows.
                recovering = false;
            }
        }
        sealed = b;
        upload(mayRewind);
    }

    /** Retries the upload of a batch whose earlier attempt failed, if any (see rotateOnSchedule for mayRewind). */
    void uploadPending(boolean mayRewind) {
        if (sealed != null) {
            upload(mayRewind);
        }
    }

    private void upload(boolean mayRewind) {
        Batch b = sealed;
        // In insertion order: the group of the batch's first record goes first and is the batch's claim.
        for (Group g : b.groups.values()) {
            if (!g.uploaded && !upload(b, g, mayRewind)) {
                return;
            }
        }
        sealed = null;
        committable = b.nextOffset;
    }

    /** Uploads one object of the batch; false when the batch is another owner's to cut (adopted, or to adopt). */
    private boolean upload(Batch b, Group g, boolean mayRewind) {
        String key = objectKey(g.key, g.firstOffset);
        try {
            upload(b, g, key, shared.uploader.conditional());
            return true;
        } catch (S3Uploader.ObjectExistsException e) {
            return taken(b, g, key, mayRewind);
        }
    }

    /**
     * A conditional write of {@code key} was refused: an object is there. Its recorded batch says whose it is.
     * The same batch [start, end): it was written by another owner cutting the same way, or by an earlier attempt
     * of ours whose answer was lost, and stays. The first object of a batch with another end: another owner holds
     * the claim on this start, and its cut is adopted. Anything else (an object of a version that recorded no
     * batch, a batch starting elsewhere) is no claim of this partition's batch chain and is overwritten, as
     * versions before conditional writes did.
     */
    private boolean taken(Batch b, Group g, String key, boolean mayRewind) {
        Map<String, String> meta = metadataOf(key);
        if (meta == null) {
            shared.context.timeout(1000);
            throw new RetriableException("s3://" + config.bucket() + "/" + key + " was refused as existing but is "
                    + "gone (deleted meanwhile?); will write it again");
        }
        Long start = parseLong(meta.get(META_BATCH_START));
        Long end = parseLong(meta.get(META_BATCH_END));
        boolean sameStart = start != null && end != null && start == b.start && end > start;
        if (sameStart && end == b.nextOffset) {
            g.uploaded = true;
            g.buffer.discard();
            shared.metrics.objectFound();
            if (log.isDebugEnabled()) {
                log.debug("s3://{}/{} already holds this batch [{}, {}) of {}: kept", config.bucket(), key, start, end,
                        tp);
            }
            return true;
        }
        // A batch re-cut at this very end but cut early (by a schema change) cannot take that cut: adopting it
        // again would loop, so it is overwritten like an object of another layout.
        if (sameStart && g.firstOffset == b.start && !end.equals(b.end)) {
            if (mayRewind) {
                adopt(b, key, end);
            }
            return false;
        }
        log.warn("s3://{}/{} exists but records no batch of {} starting at {} (batch {}-{}): written by an older "
                + "version or another layout; overwriting it", config.bucket(), key, tp, b.start, start, end);
        upload(b, g, key, false);
        return true;
    }

    /**
     * Drops the sealed batch, whose first object another owner wrote with the batch [b.start, end), and asks the
     * worker to deliver the partition again from b.start; the replay then re-cuts at the recorded ends
     * (recovering), so both owners' objects are the same and each record is archived once.
     */
    private void adopt(Batch b, String key, long end) {
        log.info("{}: s3://{}/{} already claims the batch [{}, {}) for another owner (this task cut [{}, {})); "
                + "adopting that cut: reading {} again from offset {}", tp, config.bucket(), key, b.start, end,
                b.start, b.nextOffset, tp, b.start);
        b.groups.values().forEach(x -> x.buffer.discard());
        shared.metrics.batchAdopted();
        sealed = null;
        recovering = true;
        rewindTo = b.start;
        committable = b.start;
        shared.context.offset(tp, b.start);
    }

    /**
     * The worker has delivered everything it fetched before the seek back asked for by {@link #adopt} (put()
     * returned): from now on the partition's records come from the rewind offset again.
     */
    void deliveredBeforeRewind() {
        if (rewindTo != null) {
            lastSeen = rewindTo - 1;
            rewindTo = null;
        }
    }

    private static Long parseLong(String s) {
        try {
            return s == null ? null : Long.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void upload(Batch b, Group g, String key, boolean ifNoneMatch) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(META_RECORD_COUNT, Long.toString(g.count));
        meta.put(META_FIRST_OFFSET, Long.toString(g.firstOffset));
        meta.put(META_LAST_OFFSET, Long.toString(g.lastOffset));
        meta.put(META_BATCH_START, Long.toString(b.start));
        meta.put(META_BATCH_END, Long.toString(b.nextOffset));
        RecordEncoder encoder = shared.encoder;
        long started = System.nanoTime();
        try {
            long size = shared.uploader.upload(key, encoder.contentType(), meta, out -> {
                try (InputStream in = g.buffer.open()) {
                    encoder.writeObject(in, out, key, b.schema);
                }
            }, ifNoneMatch);
            g.uploaded = true;
            g.buffer.discard();
            shared.metrics.objectWritten(size, g.count, (System.nanoTime() - started) / 1_000_000.0);
            if (log.isDebugEnabled()) {
                log.debug("Uploaded s3://{}/{} ({} records, {} bytes)", config.bucket(), key, g.count, size);
            }
        } catch (IOException e) {
            shared.metrics.uploadFailure();
            throw new UncheckedIOException("Cannot read the stored records of " + key, e);
        } catch (S3Uploader.ObjectExistsException e) {
            throw e;
        } catch (RuntimeException e) {
            shared.metrics.uploadFailure();
            // A 409 on CompleteMultipartUpload: S3 asks for a new multipart upload, which the retry makes.
            if (AwsErrors.isRetriable(e) || "NoSuchUpload".equals(AwsErrors.errorCode(e))
                    || S3Uploader.isConditionalConflict(e)) {
                shared.context.timeout(1000);
                throw new RetriableException("Upload of s3://" + config.bucket() + "/" + key + " failed, will "
                        + "retry: " + AwsErrors.describe(e), e);
            }
            throw new ConnectException("Upload of s3://" + config.bucket() + "/" + key + " failed: "
                    + AwsErrors.describe(e) + ". Check the bucket, its policy and the connector's IAM role "
                    + "(s3:PutObject, s3:AbortMultipartUpload"
                    + (config.objectTagging() != null ? ", s3:PutObjectTagging for " + S3ArchiveSinkConfig.OBJECT_TAGGING
                    : "") + ").", e);
        }
    }

    private String objectKey(String renderedKey, long firstOffset) {
        return shared.layout.objectKey(renderedKey, firstOffset);
    }

    static String pad(long offset) {
        return pad(offset, S3ArchiveSinkConfig.START_OFFSET_DIGITS);
    }

    /** {@code offset} zero-padded to {@code width} digits (s3.object.offset.pad.width). */
    static String pad(long offset, int width) {
        String s = Long.toString(offset);
        return "0".repeat(Math.max(0, width - s.length())) + s;
    }

    /**
     * The offset this partition may commit: the start of the batch not uploaded yet, else the end of the last
     * one uploaded (or past the last skipped record); null before either exists.
     */
    Long committableOffset() {
        return rewindTo != null ? rewindTo : sealed != null ? Long.valueOf(sealed.start) : batch != null ? Long.valueOf(batch.start) : committable;
    }

    /** The objects of the open batch, for the OpenObjects gauge. */
    int openObjects() {
        return batch == null ? 0 : batch.groups.size();
    }

    /** Drops what is not uploaded, without uploading it: a replay from the committed offset rebuilds it. */
    void discard() {
        for (Batch b : new Batch[] {batch, sealed}) {
            if (b != null) {
                b.groups.values().forEach(g -> g.buffer.discard());
            }
        }
        batch = null;
        sealed = null;
    }

    private static final class Batch {
        final long start;
        final long timeBucket;
        final Schema schema;
        /** Exclusive end offset when this batch re-cuts one uploaded before a restart, else null. */
        final Long end;
        final long openedAtMs;
        final LinkedHashMap<String, Group> groups = new LinkedHashMap<>();
        int count;
        long bytes;
        long nextOffset;

        Batch(long start, long timeBucket, Schema schema, Long end, long openedAtMs) {
            this.start = start;
            this.timeBucket = timeBucket;
            this.schema = schema;
            this.end = end;
            this.openedAtMs = openedAtMs;
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
