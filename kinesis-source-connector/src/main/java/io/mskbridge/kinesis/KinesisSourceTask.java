package io.mskbridge.kinesis;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsClientFactory;
import io.mskbridge.aws.AwsErrors;
import io.mskbridge.aws.AwsSettings;
import io.mskbridge.common.Backoff;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads the shards the connector assigned to it. A small pool of fetch threads runs one GetRecords loop
 * per shard (a shard is never fetched by two threads at once) into a {@link FetchQueue} bounded in
 * records and bytes; {@link #poll()} only drains that queue, waiting at most {@value #POLL_WAIT_MS} ms.
 *
 * <p>Positions: each shard remembers the last record it put in the queue. Whenever an iterator has to be
 * (re)acquired — start, throttling, 5xx, connection reset, ExpiredIterator — it is taken AT that sequence
 * number and the user records at or before the remembered (sequence, sub-sequence) are skipped, so within a
 * run nothing is lost or repeated, and after a restart the stored offset plays the same role. A child shard
 * waits until {@link ShardProgress#finished} holds for each parent the connector listed.
 */
public class KinesisSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(KinesisSourceTask.class);

    static final long POLL_WAIT_MS = 200;
    static final int POLL_MAX_RECORDS = 10_000;
    private static final long QUEUE_FULL_RETRY_MS = 50;

    private final Function<KinesisSourceConfig, KinesisClient> clientSupplier;
    private AwsClientFactory aws;
    private KinesisClient kinesis;
    private KinesisSourceConfig config;
    private FetchQueue queue;
    private ScheduledExecutorService pool;
    private TaskMetrics metrics;
    private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
    private final List<ShardReader> readers = new ArrayList<>();
    private volatile Throwable fatal;
    private volatile boolean stopping;
    private String taskName = "";

    public KinesisSourceTask() {
        this(null);
    }

    /** For tests: reads through the given client instead of one built from the AWS settings. */
    KinesisSourceTask(Function<KinesisSourceConfig, KinesisClient> clientSupplier) {
        this.clientSupplier = clientSupplier;
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
        if (clientSupplier != null) {
            kinesis = clientSupplier.apply(config);
        } else {
            aws = new AwsClientFactory(AwsSettings.from(config));
            kinesis = aws.kinesis(Math.max(2, config.fetchThreads() * 2));
        }
        queue = new FetchQueue(config.queueMaxRecords(), config.queueMaxBytes());
        metrics = new TaskMetrics(queue::size, queue::bytes);
        metrics.register(connector, taskId);

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
            readers.add(new ShardReader(s, p, new RecordConverter(config.payloadFormat(), structs),
                    metrics.shard(s.stream(), s.shardId())));
        }
        log.info("{}: assigned {} shard(s) {}; resuming {}; already finished {}", taskName, specs.size(),
                ShardSpec.encodeAll(specs), resumed, done);

        AtomicInteger n = new AtomicInteger();
        pool = Executors.newScheduledThreadPool(Math.min(config.fetchThreads(), Math.max(1, readers.size())), r -> {
            Thread t = new Thread(r, "kinesis-fetch-" + taskName + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        long stagger = 0;
        for (ShardReader r : readers) {
            schedule(r, stagger);
            stagger = (stagger + 20) % KinesisSourceConfig.MIN_CALL_INTERVAL_MS;
        }
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

    @Override
    public void stop() {
        stopping = true;
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
        if (metrics != null) {
            metrics.close();
        }
        if (aws != null) {
            aws.close();
        }
        log.info("{}: stopped", taskName);
    }

    private void schedule(ShardReader r, long delayMs) {
        if (stopping) {
            return;
        }
        try {
            pool.schedule(() -> step(r), delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    private void step(ShardReader r) {
        if (stopping) {
            return;
        }
        long next;
        try {
            next = r.fetchOnce();
        } catch (Throwable t) {
            if (stopping) {
                return;
            }
            log.error("{}: giving up on shard {}/{}: {}", taskName, r.spec.stream(), r.spec.shardId(),
                    AwsErrors.describe(t), t);
            fatal = t;
            return;
        }
        if (next >= 0) {
            schedule(r, next);
        }
    }

    /** Test hook: the parents a shard still waits for. */
    Set<String> waitingFor(String shardId) {
        for (ShardReader r : readers) {
            if (r.spec.shardId().equals(shardId)) {
                return Set.copyOf(r.waitingFor);
            }
        }
        return Set.of();
    }

    TaskMetrics metrics() {
        return metrics;
    }

    /** The GetRecords loop of one shard; only ever run by one thread at a time. */
    private final class ShardReader {
        final ShardSpec spec;
        final RecordConverter.ShardKey key;
        final RecordConverter converter;
        final TaskMetrics.ShardStats stats;
        final String topic;
        final Set<String> waitingFor;
        String lastSequence;
        long lastSub;
        boolean trimChecked;
        String iterator;
        int failures;
        long nextGateCheck;

        ShardReader(ShardSpec spec, Offsets.Position stored, RecordConverter converter, TaskMetrics.ShardStats stats) {
            this.spec = spec;
            this.key = RecordConverter.ShardKey.of(spec.stream(), spec.shardId());
            this.converter = converter;
            this.stats = stats;
            this.topic = config.topicFor(spec.stream());
            this.waitingFor = new LinkedHashSet<>(spec.parents());
            if (stored != null && stored.sequence() != null) {
                lastSequence = stored.sequence();
                lastSub = stored.subSequence();
            }
        }

        /** One step; returns the delay before the next one, or -1 when the shard is done. */
        long fetchOnce() {
            if (!waitingFor.isEmpty()) {
                long now = System.currentTimeMillis();
                if (now < nextGateCheck) {
                    return nextGateCheck - now;
                }
                OffsetStorageReader reader = context.offsetStorageReader();
                waitingFor.removeIf(p -> {
                    try {
                        return ShardProgress.finished(kinesis, spec.stream(), p,
                                ShardProgress.committed(reader, spec.stream(), p));
                    } catch (RuntimeException e) {
                        if (!AwsErrors.isRetriable(e)) {
                            throw e;
                        }
                        return false;
                    }
                });
                if (!waitingFor.isEmpty()) {
                    nextGateCheck = now + Math.min(config.discoveryInterval().toMillis(), 5_000);
                    log.debug("{}: shard {}/{} waits for parent(s) {}", taskName, spec.stream(), spec.shardId(),
                            waitingFor);
                    return nextGateCheck - now;
                }
                log.info("{}: parent(s) {} of shard {}/{} are finished; reading it", taskName, spec.parents(),
                        spec.stream(), spec.shardId());
            }
            if (!queue.hasRoom()) {
                return QUEUE_FULL_RETRY_MS;
            }
            GetRecordsResponse resp;
            try {
                if (iterator == null) {
                    iterator = acquireIterator();
                    if (iterator == null) {
                        return -1;
                    }
                }
                String it = iterator;
                resp = kinesis.getRecords(b -> b.shardIterator(it).limit(config.maxRecordsPerCall()));
            } catch (RuntimeException e) {
                return onFailure(e);
            }
            failures = 0;
            List<UserRecord> users = new ArrayList<>();
            for (Record rec : resp.records()) {
                for (UserRecord u : converter.split(rec)) {
                    if (lastSequence != null && u.sequenceNumber().equals(lastSequence) && u.subSequence() <= lastSub) {
                        continue;
                    }
                    users.add(u);
                }
            }
            boolean closed = resp.nextShardIterator() == null;
            List<SourceRecord> batch = new ArrayList<>(users.size());
            long[] sizes = new long[users.size()];
            long bytes = 0;
            for (int i = 0; i < users.size(); i++) {
                UserRecord u = users.get(i);
                batch.add(converter.toSourceRecord(key, topic, u, closed && i == users.size() - 1));
                sizes[i] = u.sizeInBytes();
                bytes += sizes[i];
            }
            // Metrics first: once in the queue, records can be polled (and observed) before we get further.
            metrics.recordBatch(stats, batch.size(), bytes, resp.millisBehindLatest());
            queue.addAll(batch, sizes);
            if (!users.isEmpty()) {
                UserRecord last = users.get(users.size() - 1);
                lastSequence = last.sequenceNumber();
                lastSub = last.subSequence();
            }
            if (log.isDebugEnabled()) {
                log.debug("{}: {}/{} GetRecords returned {} record(s), {} user record(s), {} ms behind", taskName,
                        spec.stream(), spec.shardId(), resp.records().size(), users.size(), resp.millisBehindLatest());
            }
            iterator = resp.nextShardIterator();
            if (closed) {
                log.info("{}: shard {}/{} is closed and fully read (children {}); its finished marker is {}",
                        taskName, spec.stream(), spec.shardId(),
                        resp.hasChildShards() ? resp.childShards().stream().map(c -> c.shardId()).toList() : "unknown",
                        users.isEmpty() ? "derived from the committed offset (last call returned no record)"
                                : "on its last record");
                return -1;
            }
            boolean behind = resp.records().size() >= config.maxRecordsPerCall()
                    || (resp.millisBehindLatest() != null && resp.millisBehindLatest() > 0);
            return behind ? KinesisSourceConfig.MIN_CALL_INTERVAL_MS : config.pollInterval().toMillis();
        }

        private String acquireIterator() {
            if (lastSequence != null) {
                if (!trimChecked) {
                    boolean trimmed = trimmed(lastSequence);
                    // Only a completed check counts: a throttled one is retried with the next acquisition.
                    trimChecked = true;
                    if (trimmed) {
                        return onTrimmed(null);
                    }
                }
                try {
                    return kinesis.getShardIterator(b -> b.streamName(spec.stream()).shardId(spec.shardId())
                            .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)
                            .startingSequenceNumber(lastSequence)).shardIterator();
                } catch (InvalidArgumentException e) {
                    return onTrimmed(e);
                } catch (ResourceNotFoundException e) {
                    return shardGone(e);
                }
            }
            GetShardIteratorRequest.Builder b = GetShardIteratorRequest.builder().streamName(spec.stream())
                    .shardId(spec.shardId());
            KinesisSourceConfig.Position pos = spec.fromTrimHorizon() ? KinesisSourceConfig.Position.TRIM_HORIZON
                    : config.position();
            switch (pos) {
                case LATEST:
                    b.shardIteratorType(ShardIteratorType.LATEST);
                    break;
                case AT_TIMESTAMP:
                    b.shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(config.positionTimestamp());
                    break;
                default:
                    b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
            }
            try {
                String it = kinesis.getShardIterator(b.build()).shardIterator();
                log.info("{}: shard {}/{} has no stored offset; starting at {}", taskName, spec.stream(),
                        spec.shardId(), pos);
                return it;
            } catch (ResourceNotFoundException e) {
                return shardGone(e);
            }
        }

        /** True when the oldest record still in the shard is newer than our position: data was trimmed. */
        private boolean trimmed(String sequence) {
            String it = kinesis.getShardIterator(b -> b.streamName(spec.stream()).shardId(spec.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(it).limit(1));
            if (r.records().isEmpty()) {
                return false;
            }
            return new BigInteger(r.records().get(0).sequenceNumber()).compareTo(new BigInteger(sequence)) > 0;
        }

        private String onTrimmed(RuntimeException cause) {
            String msg = String.format("Stored offset %s of shard %s/%s is no longer in the stream (past its "
                    + "retention period)", lastSequence, spec.stream(), spec.shardId());
            if (config.onTrimmedOffset() == KinesisSourceConfig.OnTrimmedOffset.FAIL) {
                throw new ConnectException(msg + "; " + KinesisSourceConfig.ON_TRIMMED_OFFSET + "=fail", cause);
            }
            log.warn("{}: {}. Restarting the shard at TRIM_HORIZON: records between the stored offset and the "
                    + "oldest retained record were LOST ({}=trim_horizon).", taskName, msg,
                    KinesisSourceConfig.ON_TRIMMED_OFFSET);
            lastSequence = null;
            lastSub = 0;
            return kinesis.getShardIterator(b -> b.streamName(spec.stream()).shardId(spec.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        }

        private String shardGone(ResourceNotFoundException e) {
            log.warn("{}: shard {}/{} no longer exists (expired past retention or stream deleted): {}", taskName,
                    spec.stream(), spec.shardId(), AwsErrors.describe(e));
            return null;
        }

        private long onFailure(RuntimeException e) {
            // Whatever happened, the next call starts from a fresh iterator at the last queued record.
            iterator = null;
            if (e instanceof ExpiredIteratorException) {
                log.info("{}: iterator of {}/{} expired; re-acquiring at sequence {}", taskName, spec.stream(),
                        spec.shardId(), lastSequence);
                return KinesisSourceConfig.MIN_CALL_INTERVAL_MS;
            }
            AwsErrors.Kind kind = AwsErrors.classify(e);
            if (kind == AwsErrors.Kind.FATAL) {
                throw e;
            }
            long delay = Math.max(KinesisSourceConfig.MIN_CALL_INTERVAL_MS, backoff.delayMillis(Math.min(failures, 20)));
            failures++;
            if (failures % 10 == 0) {
                log.warn("{}: {}/{} failed {} times in a row, latest: {}; retrying in {} ms", taskName,
                        spec.stream(), spec.shardId(), failures, AwsErrors.describe(e), delay);
            } else if (log.isDebugEnabled()) {
                log.debug("{}: {}/{} {} ({}); retrying in {} ms", taskName, spec.stream(), spec.shardId(), kind,
                        AwsErrors.describe(e), delay);
            }
            return delay;
        }
    }
}
