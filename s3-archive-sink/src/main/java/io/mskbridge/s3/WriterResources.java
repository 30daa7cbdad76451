package io.mskbridge.s3;

import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;

import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkTaskContext;

import io.mskbridge.common.KeyTemplate;

/**
 * What the writers of one task share: the settings, the encoder with its scratch buffer, the uploader, the
 * memory budget and spill files, the metrics, and the task's context.
 */
final class WriterResources {

    /** The encode scratch is trimmed back to this after a larger record; the budget leaves room for it. */
    static final int SCRATCH_KEEP = 64 * 1024;

    final S3ArchiveSinkConfig config;
    /** Where records' objects go: the key template, event time, pad width and extension. */
    final ObjectLayout layout;
    final KeyTemplate keyTemplate;
    /**
     * The layouts the connector wrote with before this one, newest first (see {@link LayoutHistory}): a partition's
     * writer probes them for batches uploaded but not committed before the layout changed.
     */
    final List<ObjectLayout> priorLayouts;
    final RecordEncoder encoder;
    final String extension;
    final S3Uploader uploader;
    final MemoryBudget budget;
    final S3ArchiveSinkTaskMetrics metrics;
    /** Null when the worker offers none (see {@link SinkTaskContext#errantRecordReporter()}). */
    final ErrantRecordReporter reporter;
    final SinkTaskContext context;
    /** Wall clock in epoch ms, for rotate.schedule.interval.ms; tests pass their own. */
    final LongSupplier clock;
    // One scratch for all partitions: a record is encoded and stored before the next is read.
    final RecordEncoder.PatchableBytes scratch = new RecordEncoder.PatchableBytes(4096);
    private final Path spillDir;
    private long spillSeq;

    WriterResources(S3ArchiveSinkConfig config, S3Uploader uploader, MemoryBudget budget, S3ArchiveSinkTaskMetrics metrics,
                    ErrantRecordReporter reporter, SinkTaskContext context, Path spillDir, LongSupplier clock) {
        this(config, uploader, budget, metrics, reporter, context, spillDir, clock, List.of());
    }

    WriterResources(S3ArchiveSinkConfig config, S3Uploader uploader, MemoryBudget budget, S3ArchiveSinkTaskMetrics metrics,
                    ErrantRecordReporter reporter, SinkTaskContext context, Path spillDir, LongSupplier clock,
                    List<ObjectLayout> priorLayouts) {
        this.config = config;
        this.layout = ObjectLayout.of(config);
        this.keyTemplate = layout.template;
        this.priorLayouts = List.copyOf(priorLayouts);
        this.encoder = RecordEncoder.create(config);
        this.extension = layout.extension;
        this.uploader = uploader;
        this.budget = budget;
        this.metrics = metrics;
        this.reporter = reporter;
        this.context = context;
        this.spillDir = spillDir;
        this.clock = clock;
    }

    /** A file name no other buffer of the task uses, in the task's spill directory. */
    Path nextSpillFile() {
        return spillDir.resolve((spillSeq++) + ".spill");
    }
}
