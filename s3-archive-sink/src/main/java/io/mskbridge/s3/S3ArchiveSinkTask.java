package io.mskbridge.s3;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsClientFactory;
import io.mskbridge.aws.AwsSettings;
import io.mskbridge.aws.metrics.CloudWatchMetricsConfig;
import io.mskbridge.aws.metrics.CloudWatchPublisher;
import io.mskbridge.aws.metrics.RecordFieldMetrics;
import io.mskbridge.common.SinkConnectorBase;

/**
 * Writes the records of its topic-partitions to S3 as batches of objects, one {@link TopicPartitionWriter}
 * per assigned partition; this class holds what the writers share and maps Connect's calls onto them.
 *
 * <p><b>Exactly-once.</b> Per topic-partition, records form consecutive <i>batches</i> whose boundaries are a
 * function of the records (see {@link TopicPartitionWriter}); a batch holds one object per distinct rendered key
 * (e.g. per {@code {event_type}} and hour), named with the offset of its first record. Offsets are committed
 * only up to the start of the open batch, so after a crash or rebalance Connect redelivers from a batch boundary
 * and the same objects are produced again with the same bytes (an overwrite with identical content).
 * In-progress state is dropped on {@code close()}.
 *
 * <p><b>Bounded memory.</b> Records are stored serialized (not compressed) in {@link SpillableBuffer}s under a
 * task-wide {@link MemoryBudget}: when the heap tails exceed it, the largest are spilled to local disk.
 * Compression and upload stream from the buffer through one reusable part buffer.
 */
public class S3ArchiveSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(S3ArchiveSinkTask.class);

    static final String TASK_ID = SinkConnectorBase.TASK_ID;
    public static final String META_RECORD_COUNT = "mskbridge-record-count";
    public static final String META_FIRST_OFFSET = "mskbridge-first-offset";
    public static final String META_LAST_OFFSET = "mskbridge-last-offset";
    /** The offsets [start, end) of the batch the object belongs to: how a restarted task re-cuts it. */
    public static final String META_BATCH_START = "mskbridge-batch-start";
    public static final String META_BATCH_END = "mskbridge-batch-end";

    private AwsClientFactory clients;
    private MemoryBudget budget;
    private S3ArchiveSinkTaskMetrics metrics;
    private CloudWatchPublisher publisher;
    private RecordFieldMetrics fieldMetrics;
    private Path spillDir;
    private SpillDirs spillDirs;
    private WriterResources shared;
    private final Map<TopicPartition, TopicPartitionWriter> writers = new HashMap<>();

    @Override
    public String version() {
        return S3ArchiveSinkConnector.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        S3ArchiveSinkConfig config = new S3ArchiveSinkConfig(props);
        String connector = props.getOrDefault("name", "s3-archive-sink");
        String taskId = props.getOrDefault(TASK_ID, "0");
        metrics = new S3ArchiveSinkTaskMetrics();
        // The part buffer, the Parquet writer and the encode scratch live outside the budget for open objects.
        long reserve = config.uploadReserve();
        budget = new MemoryBudget(config.bufferMaxBytes() - reserve - WriterResources.SCRATCH_KEEP);
        metrics.gauges(() -> budget.used() + reserve, config::bufferMaxBytes, () -> budget.spilledBytes(),
                () -> writers.values().stream().mapToInt(TopicPartitionWriter::openObjects).sum());
        metrics.register(connector, taskId);
        CloudWatchMetricsConfig.Settings cloudWatch = CloudWatchMetricsConfig.Settings.from(config);
        fieldMetrics = RecordFieldMetrics.create(cloudWatch, metrics.taskMetrics());
        publisher = CloudWatchPublisher.start(cloudWatch, AwsSettings.from(config), connector, taskId,
                metrics.taskMetrics());
        spillDirs = SpillDirs.create(Paths.get(config.spillDir()), connector, taskId);
        spillDir = spillDirs.dir();
        clients = new AwsClientFactory(AwsSettings.from(config));
        S3Uploader uploader = S3Uploader.create(config, clients, metrics);
        ErrantRecordReporter reporter;
        try {
            reporter = context == null ? null : context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            reporter = null;
        }
        List<ObjectLayout> earlier = LayoutHistory.update(config, ObjectLayout.of(config), uploader, connector);
        shared = new WriterResources(config, uploader, budget, metrics, reporter, context, spillDir,
                System::currentTimeMillis, earlier);
        metrics.valueFieldsDropped(shared.encoder::droppedFields);
        log.info("S3 archive sink task {} of {} started: s3://{}/{}{} flush.size={} buffer={} bytes, spill dir {}, "
                + "conditional writes {}", taskId, connector, config.bucket(), shared.keyTemplate, shared.extension,
                config.flushSize(), config.bufferMaxBytes(), spillDir, uploader.conditional() ? "on" : "off");
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            TopicPartitionWriter old = writers.put(tp, newWriter(tp));
            if (old != null) {
                old.discard();
            }
        }
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        // No upload here: the batch is rebuilt identically by whoever gets the partition, from the committed offset.
        for (TopicPartition tp : partitions) {
            TopicPartitionWriter w = writers.remove(tp);
            if (w != null) {
                w.discard();
            }
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        uploadPending(true);
        for (SinkRecord r : records) {
            if (fieldMetrics != null) {
                fieldMetrics.record(r);
            }
            writers.computeIfAbsent(new TopicPartition(r.topic(), r.kafkaPartition()), this::newWriter).write(r);
        }
        rotateOnSchedule(true);
        // Returning normally: the worker seeks where a writer asked (context.offset) before it delivers more.
        for (TopicPartitionWriter w : writers.values()) {
            w.deliveredBeforeRewind();
        }
    }

    private TopicPartitionWriter newWriter(TopicPartition tp) {
        return new TopicPartitionWriter(tp, shared);
    }

    private void uploadPending(boolean mayRewind) {
        for (TopicPartitionWriter w : writers.values()) {
            w.uploadPending(mayRewind);
        }
    }

    private void rotateOnSchedule(boolean mayRewind) {
        // One reading for all partitions, so they are measured against the same instant.
        long now = shared.clock.getAsLong();
        for (TopicPartitionWriter w : writers.values()) {
            w.rotateOnSchedule(now, mayRewind);
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        try {
            // No seek back from here: preCommit also runs for partitions being closed.
            uploadPending(false);
            rotateOnSchedule(false);
        } catch (RetriableException e) {
            log.debug("Upload before commit failed; committing what is uploaded: {}", e.getMessage());
        }
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : currentOffsets.keySet()) {
            TopicPartitionWriter w = writers.get(tp);
            Long off = w == null ? null : w.committableOffset();
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
        for (TopicPartitionWriter w : writers.values()) {
            w.discard();
        }
        writers.clear();
        CloudWatchPublisher.close(publisher);
        publisher = null;
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
        if (spillDirs != null) {
            spillDirs.delete();
            spillDirs = null;
        }
    }

    /** For tests and the benchmark. */
    S3ArchiveSinkTaskMetrics metrics() {
        return metrics;
    }

    MemoryBudget budget() {
        return budget;
    }

    /** The spill directory of the running task (tests). */
    Path spillDir() {
        return spillDir;
    }
}
