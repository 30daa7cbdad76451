package io.mskbridge.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsClientFactory;
import io.mskbridge.aws.AwsErrors;
import io.mskbridge.aws.AwsSettings;
import io.mskbridge.aws.metrics.CloudWatchMetricsConfig;
import io.mskbridge.aws.metrics.CloudWatchPublisher;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Reads the shards the connector assigned to it. Each shard not yet finished gets a {@link ShardFeed}
 * (position from the stored offset, parent gate, converter) and a {@link ShardReader} that fetches it on a
 * small pool of fetch threads into a {@link FetchQueue} bounded in records and bytes; {@link #poll()} only
 * drains that queue, waiting at most {@value #POLL_WAIT_MS} ms, and fails the task once a reader gave up.
 */
public class KinesisSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(KinesisSourceTask.class);

    static final long POLL_WAIT_MS = 200;
    static final int POLL_MAX_RECORDS = 10_000;

    private final Function<KinesisSourceConfig, KinesisClient> clientSupplier;
    private final Function<KinesisSourceConfig, KinesisAsyncClient> asyncClientSupplier;
    private AwsClientFactory aws;
    private CloudWatchPublisher publisher;
    private InvalidTopics invalidTopics;
    private KinesisClient kinesis;
    /** kinesis.consumer.mode=efo only. */
    private KinesisAsyncClient kinesisAsync;
    private KinesisSourceConfig config;
    private FetchQueue queue;
    private ScheduledExecutorService pool;
    private KinesisSourceTaskMetrics metrics;
    private final List<ShardFeed> feeds = new ArrayList<>();
    private final List<ShardReader> readers = new ArrayList<>();
    private volatile Throwable fatal;
    private String taskName = "";

    public KinesisSourceTask() {
        this(null);
    }

    /** For tests: reads through the given client instead of one built from the AWS settings. */
    KinesisSourceTask(Function<KinesisSourceConfig, KinesisClient> clientSupplier) {
        this(clientSupplier, null);
    }

    /** For tests: also the async client of enhanced fan-out. */
    KinesisSourceTask(Function<KinesisSourceConfig, KinesisClient> clientSupplier,
                      Function<KinesisSourceConfig, KinesisAsyncClient> asyncClientSupplier) {
        this.clientSupplier = clientSupplier;
        this.asyncClientSupplier = asyncClientSupplier;
    }

    @Override
    public String version() {
        return KinesisSourceConnector.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new KinesisSourceConfig(props);
        String connector = props.getOrDefault("name", "kinesis-source");
        String taskId = props.getOrDefault(KinesisSourceConfig.TASK_ID, "0");
        taskName = connector + "-" + taskId;
        List<ShardSpec> specs = ShardSpec.decodeAll(props.get(KinesisSourceConfig.TASK_SHARDS));
        try {
            startReading(connector, taskId, specs, props);
            ExactlyOnceDetection.Mode eos = ExactlyOnceDetection.detect(context, connector, taskId);
            metrics.exactlyOnce(eos.metric);
            if (eos == ExactlyOnceDetection.Mode.UNKNOWN) {
                log.warn("{}: exactly-once delivery: {}", taskName, eos.description);
            } else {
                log.info("{}: exactly-once delivery: {}: {}", taskName, eos, eos.description);
            }
        } catch (RuntimeException | Error e) {
            // Connect 3.7 calls stop() after a start() that threw, but a host need not: a failed start releases
            // the client, its credentials provider, the threads and the MBean itself (stop() may then run again).
            release();
            throw e;
        }
    }

    private void startReading(String connector, String taskId, List<ShardSpec> specs, Map<String, String> props) {
        if (clientSupplier != null) {
            kinesis = clientSupplier.apply(config);
        } else {
            aws = new AwsClientFactory(AwsSettings.from(config));
            kinesis = aws.kinesis(Math.max(2, config.fetchThreads() * 2));
        }
        queue = new FetchQueue(config.queueMaxRecords(), config.queueMaxBytes());
        metrics = new KinesisSourceTaskMetrics(queue::size, queue::bytes);
        metrics.register(connector, taskId);
        invalidTopics = InvalidTopics.from(props);
        publisher = CloudWatchPublisher.start(CloudWatchMetricsConfig.Settings.from(config), AwsSettings.from(config),
                connector, taskId, metrics.taskMetrics());

        List<Map<String, Object>> partitions = new ArrayList<>();
        for (ShardSpec s : specs) {
            partitions.add(Offsets.partition(s.stream(), s.shardId()));
        }
        Map<Map<String, Object>, Map<String, Object>> stored = partitions.isEmpty() ? Map.of()
                : context.offsetStorageReader().offsets(partitions);
        // json + kinesis.payload.schema: the Avro schema is parsed and converted once, shared by every shard.
        org.apache.avro.Schema avro = config.payloadFormat() == KinesisSourceConfig.PayloadFormat.JSON
                ? config.payloadSchema() : null;
        JsonStructReader structs = avro == null ? null : JsonStructReader.forAvroSchema(avro);
        if (structs != null) {
            log.info("{}: json payloads become Structs of Avro record {}", taskName, avro.getFullName());
        }
        log.info("{}: payloads read as {} after {} decompression (at most {} bytes decompressed)", taskName,
                config.payloadFormat(), config.payloadCompression(), config.payloadMaxDecompressedBytes());
        ShardFeed.Shared shared = new ShardFeed.Shared(taskName, config, queue, metrics, this::shardFailed);
        List<String> resumed = new ArrayList<>();
        List<String> done = new ArrayList<>();
        for (ShardSpec s : specs) {
            Offsets.Position p = Offsets.Position.from(stored.get(Offsets.partition(s.stream(), s.shardId())));
            if (p != null && p.finished()) {
                done.add(s.stream() + "/" + s.shardId());
                continue;
            }
            if (p != null) {
                resumed.add(s.stream() + "/" + s.shardId() + "@" + p.sequence() + "." + p.subSequence());
            }
            feeds.add(new ShardFeed(shared, s, p, new RecordConverter(config, structs),
                    new ParentGate(taskName, s, kinesis, context, config.discoveryInterval(),
                            new ReadPacing(config.maxReadShare()))));
        }
        log.info("{}: assigned {} shard(s) {}; resuming {}; already finished {}", taskName, specs.size(),
                ShardSpec.encodeAll(specs), resumed, done);

        AtomicInteger n = new AtomicInteger();
        pool = Executors.newScheduledThreadPool(Math.min(config.fetchThreads(), Math.max(1, feeds.size())), r -> {
            Thread t = new Thread(r, "kinesis-fetch-" + taskName + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        if (config.consumerMode() == KinesisSourceConfig.ConsumerMode.EFO) {
            readers.addAll(FanOutReaders.create(config, feeds, kinesis, this::asyncClient, pool, metrics));
        } else {
            for (ShardFeed feed : feeds) {
                readers.add(new PollingShardReader(feed, kinesis, config, pool,
                        PollingShardReader.staggerMillis(readers.size())));
            }
        }
        readers.forEach(ShardReader::start);
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        Throwable f = fatal;
        if (f != null) {
            throw f instanceof ConnectException ? (ConnectException) f
                    : new ConnectException("Kinesis fetch failed: " + AwsErrors.describe(f), f);
        }
        List<SourceRecord> out = queue.drain(POLL_MAX_RECORDS, POLL_WAIT_MS);
        return out.isEmpty() ? null : out;
    }

    /**
     * Counts a record the transforms routed to an invalid-records topic as {@code ProcessingErrors}: the written
     * topic is in {@code metadata}, after the transforms; {@code record} is the one {@code poll()} returned.
     */
    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        KinesisSourceTaskMetrics m = metrics;
        if (metadata != null && m != null && invalidTopics != null
                && invalidTopics.isInvalid(record.topic(), metadata.topic())) {
            m.processingError();
        }
    }

    @Override
    public void stop() {
        release();
        log.info("{}: stopped", taskName);
    }

    /** Stops the readers and frees what {@link #start} took; safe to call more than once. */
    private void release() {
        // Readers first: the interrupts of shutdownNow() must not be taken for failures.
        readers.forEach(ShardReader::stop);
        if (pool != null) {
            pool.shutdownNow();
            try {
                if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                    log.warn("{}: fetch threads did not stop within 10 s", taskName);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (queue != null) {
            queue.wakeUp();
        }
        CloudWatchPublisher.close(publisher);
        publisher = null;
        if (metrics != null) {
            metrics.close();
        }
        if (kinesisAsync != null && aws == null) {
            kinesisAsync.close();
        }
        if (kinesis != null) {
            // The factory closes the clients it built; a client handed in (tests) is closed here.
            kinesis.close();
        }
        if (aws != null) {
            aws.close();
        }
    }

    /** The async client of enhanced fan-out, built on first use. */
    private KinesisAsyncClient asyncClient(int streams) {
        if (kinesisAsync == null) {
            kinesisAsync = asyncClientSupplier != null ? asyncClientSupplier.apply(config)
                    : FanOutReaders.asyncClient(aws, streams);
        }
        return kinesisAsync;
    }

    private void shardFailed(ShardSpec shard, Throwable error) {
        // poll() throws it: Connect then fails the task, and a restart resumes from the committed offsets.
        fatal = error;
    }

    /** Test hook: the parents a shard still waits for. */
    Set<String> waitingFor(String shardId) {
        for (ShardFeed f : feeds) {
            if (f.spec().shardId().equals(shardId)) {
                return f.waitingFor();
            }
        }
        return Set.of();
    }

    KinesisSourceTaskMetrics metrics() {
        return metrics;
    }

    /** Test hook: the factory of the task's AWS clients (null with a client handed in). */
    AwsClientFactory awsClientFactory() {
        return aws;
    }
}
