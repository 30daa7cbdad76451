package io.mskbridge.kinesis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.apache.kafka.connect.util.ConnectorUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsClientFactory;
import io.mskbridge.aws.AwsConfig;
import io.mskbridge.aws.AwsErrors;
import io.mskbridge.aws.AwsSettings;
import io.mskbridge.aws.ReachabilityProbe;
import io.mskbridge.aws.Retry;
import io.mskbridge.common.Backoff;
import io.mskbridge.common.Version;
import io.mskbridge.common.config.ConfigErrors;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.EncryptionType;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

/**
 * Kinesis Data Streams → Kafka. Lists the shards of the configured streams (ListShards, paginated), assigns
 * the open shards and the closed shards that are not finished yet to {@code min(tasks.max, shards)} tasks
 * with {@link ConnectorUtils#groupPartitions}, and re-lists them every
 * {@code kinesis.shard.discovery.interval.ms} on a background thread (and at once when a task in this JVM
 * reads a shard to its end, see {@link ReshardSignal}), asking Connect to reconfigure the tasks when a shard
 * appeared that no task reads (a split or merge). Offsets, task placement and rebalancing are Connect's.
 *
 * <p>Connect compares the task configs it gets with the ones it has and, when any differs, stops and restarts
 * every task of the connector. So a parent that finished or a shard that expired does not change the task
 * configs: the tasks see that themselves (from offsets, or by reading nothing more). They drop out with the
 * next change that has to restart the tasks anyway.
 *
 * <p>{@code kinesis.position=LATEST} is resolved once, when the connector first starts, into an AT_TIMESTAMP
 * of that moment, carried to the tasks in {@link KinesisSourceConfig#TASK_LATEST_MS} and stamped by them on
 * every offset; a restarted connector takes it back from the committed offsets. So restarts and rebalances
 * never move the start of a shard that has no offset yet, and a brand-new connector still starts at "now".
 */
public class KinesisSourceConnector extends SourceConnector {

    private static final Logger log = LoggerFactory.getLogger(KinesisSourceConnector.class);

    static final String VERSION = Version.read(KinesisSourceConnector.class,
            "kinesis-source-connector-version.properties");

    /** How long {@link #stop()} waits for a discovery under way (Connect gives a connector's stop about 5 s). */
    static final long DISCOVERY_STOP_WAIT_MS = 4_000;

    private final Function<KinesisSourceConfig, KinesisClient> clientSupplier;
    /** For tests: the async client of validate()'s SubscribeToShard probe (null: built from the settings). */
    private final Function<KinesisSourceConfig, KinesisAsyncClient> asyncClientSupplier;
    private Map<String, String> props;
    private KinesisSourceConfig config;
    private AwsClientFactory aws;
    private KinesisClient kinesis;
    private ScheduledExecutorService discovery;
    /** What the tasks were last given (see the class comment for why finished shards stay in it). */
    private volatile List<ShardSpec> assignment = List.of();
    /** Shards of the first listing: only shards appearing later are known to be children born while we ran. */
    private final Set<String> initialShards = new HashSet<>();
    /** Finished is forever: shards found finished are never probed again. */
    private final Set<String> finished = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** With kinesis.position=LATEST: the moment LATEST was resolved to (epoch millis); otherwise null. */
    private volatile Long latestMs;
    /** With kinesis.consumer.mode=efo: the stream consumers' ARNs for the task configs; otherwise null. */
    private volatile String efoConsumers;
    private final AtomicBoolean listingRequested = new AtomicBoolean();
    /** Per stream, the highest shard id of the last listing: a shard id above it is a new (child) shard. */
    private volatile Map<String, String> newestShards = Map.of();
    /**
     * How often, between discoveries, the connector asks whether a stream has shards newer than it knows (one
     * ListShards call per stream from the newest known shard id). Children of a split thus get assigned within
     * seconds whichever worker the task that met the parent's end runs on. Package-private for tests.
     */
    long newShardCheckMs = NEW_SHARD_CHECK_MS;
    static final long NEW_SHARD_CHECK_MS = 5_000;
    private final Runnable listShardsNow = this::listShardsNow;

    public KinesisSourceConnector() {
        this(null);
    }

    KinesisSourceConnector(Function<KinesisSourceConfig, KinesisClient> clientSupplier) {
        this(clientSupplier, null);
    }

    KinesisSourceConnector(Function<KinesisSourceConfig, KinesisClient> clientSupplier,
                           Function<KinesisSourceConfig, KinesisAsyncClient> asyncClientSupplier) {
        this.clientSupplier = clientSupplier;
        this.asyncClientSupplier = asyncClientSupplier;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public ConfigDef config() {
        return KinesisSourceConfig.configDef();
    }

    @Override
    public Class<? extends Task> taskClass() {
        return KinesisSourceTask.class;
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        // Offsets are exact per record (sequence + sub-sequence) and resuming from them repeats nothing, so
        // Connect's transactional offset commits give exactly-once; POLL transaction boundaries suffice.
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = new HashMap<>(props);
        this.config = new KinesisSourceConfig(props);
        if (clientSupplier != null) {
            kinesis = clientSupplier.apply(config);
        } else {
            aws = new AwsClientFactory(AwsSettings.from(config));
            kinesis = aws.kinesis(2);
        }
        // Throttling or a blip at start must not fail the connector: retry for a minute, then let Connect show it.
        assignment = Retry.builder(new Backoff(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5)))
                .deadline(java.time.Duration.ofSeconds(60)).build()
                .call("Listing the shards of " + config.streamNames(), () -> discover(true));
        log.info("Kinesis source {}: streams {}, {} assignable shard(s): {}", props.get("name"), config.streamNames(),
                assignment.size(), ShardSpec.encodeAll(assignment));
        if (config.consumerMode() == KinesisSourceConfig.ConsumerMode.EFO) {
            // Register (or reuse) the stream consumers and wait until they are ACTIVE before any task subscribes.
            StreamConsumers consumers = new StreamConsumers(kinesis, config.efoConsumerName());
            efoConsumers = Retry.builder(new Backoff(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5)))
                    .deadline(java.time.Duration.ofSeconds(60)).build()
                    .call("Registering stream consumer " + consumers.name() + " on " + config.streamNames(),
                            () -> consumers.ensureAll(config.streamNames()));
            log.info("Kinesis source {}: enhanced fan-out with stream consumer(s) {}", props.get("name"), efoConsumers);
        }
        discovery = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kinesis-shard-discovery-" + props.get("name"));
            t.setDaemon(true);
            return t;
        });
        long every = config.discoveryInterval().toMillis();
        discovery.scheduleWithFixedDelay(this::rediscover, every, every, TimeUnit.MILLISECONDS);
        if (newShardCheckMs < every) {
            discovery.scheduleWithFixedDelay(this::checkForNewShards, newShardCheckMs, newShardCheckMs,
                    TimeUnit.MILLISECONDS);
        }
        ReshardSignal.register(props.get("name"), listShardsNow);
    }

    /** Runs a discovery now, on the discovery thread (never two at once), unless one is already pending. */
    private void listShardsNow() {
        if (listingRequested.compareAndSet(false, true)) {
            try {
                discovery.execute(() -> {
                    listingRequested.set(false);
                    rediscover();
                });
            } catch (RejectedExecutionException e) {
                // Stopping.
                listingRequested.set(false);
            }
        }
    }

    /**
     * Lists each stream's shards after its newest known one (ListShards allows 1,000 calls/s per stream, from
     * AWS docs, so one call per stream every few seconds is nothing) and runs a discovery when there is any.
     */
    private void checkForNewShards() {
        try {
            for (Map.Entry<String, String> e : newestShards.entrySet()) {
                String stream = e.getKey();
                String newest = e.getValue();
                ListShardsResponse r = kinesis.listShards(b -> b.streamName(stream).exclusiveStartShardId(newest));
                // Compared here too: an endpoint that ignores ExclusiveStartShardId returns every shard.
                if (r.shards().stream().anyMatch(s -> s.shardId().compareTo(newest) > 0)) {
                    log.info("Kinesis source {}: stream {} has shards after {} (resharding); listing the shards now",
                            props.get("name"), stream, newest);
                    listShardsNow();
                    return;
                }
            }
        } catch (RuntimeException e) {
            if (log.isDebugEnabled()) {
                log.debug("Kinesis source {}: new-shard check failed (the next discovery covers it): {}",
                        props.get("name"), AwsErrors.describe(e));
            }
        }
    }

    private void rediscover() {
        try {
            List<ShardSpec> next = discover(false);
            List<ShardSpec> prev = assignment;
            Set<String> added = keys(next);
            added.removeAll(keys(prev));
            Set<String> gone = keys(prev);
            gone.removeAll(keys(next));
            if (added.isEmpty()) {
                if (!gone.isEmpty() && log.isDebugEnabled()) {
                    log.debug("Kinesis source {}: {} finished or expired, kept in the task configs until the next "
                            + "change (a change restarts every task)", props.get("name"), gone);
                }
                return;
            }
            log.info("Kinesis source {}: new shards (resharding) {}; finished or expired {}; now {} assignable; "
                    + "reconfiguring tasks", props.get("name"), added, gone, next.size());
            assignment = next;
            context.requestTaskReconfiguration();
        } catch (RuntimeException e) {
            log.warn("Kinesis source {}: shard discovery failed, will retry: {}", props.get("name"),
                    AwsErrors.describe(e));
        }
    }

    private static Set<String> keys(List<ShardSpec> specs) {
        Set<String> s = new HashSet<>();
        specs.forEach(x -> s.add(x.stream() + "/" + x.shardId()));
        return s;
    }

    /** The assignable shards, ordered by stream then shard id (stable, so unchanged sets compare equal). */
    List<ShardSpec> discover(boolean first) {
        OffsetStorageReader reader = context == null ? null : context().offsetStorageReader();
        Map<String, Map<String, Shard>> listed = new LinkedHashMap<>();
        Map<String, String> newest = new HashMap<>();
        for (String stream : config.streamNames()) {
            Map<String, Shard> shards = listShards(stream);
            listed.put(stream, shards);
            shards.keySet().stream().max(Comparator.naturalOrder()).ifPresent(id -> newest.put(stream, id));
        }
        newestShards = newest;
        if (first) {
            listed.forEach((stream, shards) -> shards.keySet().forEach(id -> initialShards.add(stream + "/" + id)));
            if (config.position() == KinesisSourceConfig.Position.LATEST && latestMs == null) {
                latestMs = resolveLatest(reader, listed);
            }
        }
        List<ShardSpec> out = new ArrayList<>();
        listed.forEach((stream, shards) -> {
            Lineage lineage = new Lineage(stream, shards, reader);
            for (Shard s : shards.values()) {
                if (!lineage.finished(s)) {
                    out.add(lineage.spec(s));
                }
            }
        });
        out.sort(Comparator.comparing(ShardSpec::stream).thenComparing(ShardSpec::shardId));
        return out;
    }

    /**
     * The moment LATEST stands for: the one a previous run of this connector resolved and its tasks stamped on
     * their offsets, else now. (Connect writes offsets only with records, so a connector restarted before any of
     * its records was committed cannot know its earlier moment and takes now again.)
     */
    private long resolveLatest(OffsetStorageReader reader, Map<String, Map<String, Shard>> listed) {
        Long earliest = null;
        if (reader != null) {
            List<Map<String, Object>> partitions = new ArrayList<>();
            listed.forEach((stream, shards) -> shards.keySet().forEach(id -> partitions.add(Offsets.partition(stream, id))));
            for (Map<String, Object> o : reader.offsets(partitions).values()) {
                Offsets.Position p = Offsets.Position.from(o);
                if (p != null && p.latestMs() != null && (earliest == null || p.latestMs() < earliest)) {
                    earliest = p.latestMs();
                }
            }
        }
        if (earliest != null) {
            log.info("Kinesis source {}: kinesis.position=LATEST stands for {}, as resolved by an earlier run (from "
                    + "the committed offsets)", props.get("name"), java.time.Instant.ofEpochMilli(earliest));
            return earliest;
        }
        long now = System.currentTimeMillis();
        log.info("Kinesis source {}: kinesis.position=LATEST resolved to {}: shards without an offset start there, "
                + "across restarts and rebalances", props.get("name"), java.time.Instant.ofEpochMilli(now));
        return now;
    }

    /**
     * One stream's listing during one discovery: where each shard starts, whether it is finished, and the
     * parents a child must wait for. Memoized, since children ask about their parents.
     */
    private final class Lineage {
        private final String stream;
        private final Map<String, Shard> listed;
        private final OffsetStorageReader reader;
        private final Map<String, Offsets.Position> committed = new HashMap<>();
        private final Map<String, Boolean> done = new HashMap<>();
        private final Map<String, ShardSpec.Start> starts = new HashMap<>();

        Lineage(String stream, Map<String, Shard> listed, OffsetStorageReader reader) {
            this.stream = stream;
            this.listed = listed;
            this.reader = reader;
        }

        Offsets.Position committed(String shardId) {
            if (reader == null) {
                return null;
            }
            return committed.computeIfAbsent(shardId, id -> ShardProgress.committed(reader, stream, id));
        }

        /**
         * The start of a shard without an offset: TRIM_HORIZON when it was born after the connector's start
         * point (a parent was or will be read, so the parent closed after that point; or it appeared while the
         * connector ran), since then all of it is to be read; otherwise the configured start (TRIM_HORIZON, or
         * the AT_TIMESTAMP of kinesis.position.timestamp or of resolved LATEST), which children inherit.
         */
        ShardSpec.Start start(Shard s) {
            ShardSpec.Start known = starts.get(s.shardId());
            if (known != null) {
                return known;
            }
            ShardSpec.Start configured = config.start(latestMs);
            if (configured.equals(ShardSpec.Start.TRIM_HORIZON)) {
                return configured;
            }
            boolean bornAfter = !initialShards.contains(stream + "/" + s.shardId());
            for (String p : parents(s)) {
                Shard parent = listed.get(p);
                if (committed(p) != null || (parent != null && !finished(parent))) {
                    bornAfter = true;
                }
            }
            ShardSpec.Start start = bornAfter ? ShardSpec.Start.TRIM_HORIZON : configured;
            starts.put(s.shardId(), start);
            return start;
        }

        /** Closed, and nothing in it from its start on is left undelivered (see {@link ShardProgress}). */
        boolean finished(Shard s) {
            String key = stream + "/" + s.shardId();
            if (finished.contains(key)) {
                return true;
            }
            Boolean known = done.get(s.shardId());
            if (known != null) {
                return known;
            }
            boolean closed = s.sequenceNumberRange() != null && s.sequenceNumberRange().endingSequenceNumber() != null;
            boolean result = false;
            if (closed && reader != null) {
                Offsets.Position c = committed(s.shardId());
                ShardSpec self = spec(s, List.of());
                result = ShardProgress.finished(kinesis, self, c, new ReadPacing(config.maxReadShare()));
                if (result) {
                    finished.add(key);
                    if (c == null) {
                        log.info("Kinesis source {}: closed shard {} holds nothing at or after its start ({}); "
                                + "skipped, its children need not wait for it", props.get("name"), key, self.start());
                    } else {
                        log.info("Kinesis source {}: closed shard {} is finished (all its records committed)",
                                props.get("name"), key);
                    }
                }
            }
            done.put(s.shardId(), result);
            return result;
        }

        /** The assignment entry of a shard: its unfinished listed parents are what a task waits for. */
        ShardSpec spec(Shard s) {
            List<ShardSpec> parents = new ArrayList<>();
            for (String p : parents(s)) {
                Shard parent = listed.get(p);
                if (parent != null && !finished(parent)) {
                    parents.add(spec(parent, List.of()));
                }
            }
            return spec(s, parents);
        }

        private ShardSpec spec(Shard s, List<ShardSpec> parents) {
            ShardSpec.HashRange range = s.hashKeyRange() == null ? null
                    : ShardSpec.HashRange.of(s.hashKeyRange().startingHashKey(), s.hashKeyRange().endingHashKey());
            return new ShardSpec(stream, s.shardId(), start(s), range, parents);
        }

        private List<String> parents(Shard s) {
            List<String> out = new ArrayList<>(2);
            if (s.parentShardId() != null) {
                out.add(s.parentShardId());
            }
            if (s.adjacentParentShardId() != null) {
                out.add(s.adjacentParentShardId());
            }
            return out;
        }
    }

    private Map<String, Shard> listShards(String stream) {
        Map<String, Shard> shards = new LinkedHashMap<>();
        String token = null;
        do {
            String t = token;
            ListShardsResponse r = t == null ? kinesis.listShards(b -> b.streamName(stream))
                    : kinesis.listShards(b -> b.nextToken(t));
            r.shards().forEach(s -> shards.put(s.shardId(), s));
            token = r.nextToken();
        } while (token != null);
        return shards;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<ShardSpec> shards = assignment;
        int n = Math.min(maxTasks, shards.size());
        List<Map<String, String>> configs = new ArrayList<>();
        if (n == 0) {
            return configs;
        }
        List<List<ShardSpec>> groups = ConnectorUtils.groupPartitions(shards, n);
        for (int i = 0; i < groups.size(); i++) {
            Map<String, String> c = new HashMap<>(props);
            c.put(KinesisSourceConfig.TASK_SHARDS, ShardSpec.encodeAll(groups.get(i)));
            c.put(KinesisSourceConfig.TASK_ID, String.valueOf(i));
            if (latestMs != null) {
                c.put(KinesisSourceConfig.TASK_LATEST_MS, String.valueOf(latestMs));
            }
            if (efoConsumers != null) {
                c.put(KinesisSourceConfig.TASK_EFO_CONSUMERS, efoConsumers);
            }
            configs.add(c);
        }
        log.info("Kinesis source {}: {} shard(s) over {} task(s) (tasks.max={})", props.get("name"), shards.size(),
                n, maxTasks);
        return configs;
    }

    @Override
    public void stop() {
        if (props != null) {
            ReshardSignal.unregister(props.get("name"), listShardsNow);
        }
        if (discovery != null) {
            discovery.shutdownNow();
            // A discovery under way uses the client: close it only once that thread is done. Bounded, because an
            // SDK call blocked on a socket does not answer the interrupt, and Connect waits 5 s for a stop().
            try {
                if (!discovery.awaitTermination(DISCOVERY_STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
                    log.warn("Kinesis source {}: shard discovery did not stop within {} ms; closing its client anyway",
                            props.get("name"), DISCOVERY_STOP_WAIT_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (aws != null) {
            aws.close();
        }
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        AwsConfig.validate(connectorConfigs, result);
        ConfigErrors errors = ConfigErrors.of(result);
        String position = connectorConfigs.get(KinesisSourceConfig.POSITION);
        String ts = connectorConfigs.get(KinesisSourceConfig.POSITION_TIMESTAMP);
        boolean atTimestamp = position != null && position.trim().equalsIgnoreCase("AT_TIMESTAMP");
        if (atTimestamp && (ts == null || ts.isBlank())) {
            errors.attach(KinesisSourceConfig.POSITION_TIMESTAMP, KinesisSourceConfig.POSITION_TIMESTAMP
                    + " is required with " + KinesisSourceConfig.POSITION + "=AT_TIMESTAMP");
        } else if (!atTimestamp && ts != null && !ts.isBlank()) {
            errors.attach(KinesisSourceConfig.POSITION_TIMESTAMP, KinesisSourceConfig.POSITION_TIMESTAMP
                    + " is only used with " + KinesisSourceConfig.POSITION + "=AT_TIMESTAMP; remove it or set the position");
        }
        String schemaError = KinesisSourceConfig.payloadSchemaFormatError(
                connectorConfigs.get(KinesisSourceConfig.PAYLOAD_SCHEMA),
                connectorConfigs.getOrDefault(KinesisSourceConfig.PAYLOAD_FORMAT, "bytes"));
        if (schemaError != null) {
            errors.attach(KinesisSourceConfig.PAYLOAD_SCHEMA, schemaError);
        }
        if (!errors.any()) {
            checkReachability(new KinesisSourceConfig(connectorConfigs), errors);
        }
        return result;
    }

    /**
     * Describes every stream once, and reads one record of each KMS-encrypted one ({@link KmsKeyCheck}), within
     * {@code kinesis.validate.timeout.ms}; errors go to the field to fix.
     */
    private void checkReachability(KinesisSourceConfig c, ConfigErrors errors) {
        AwsSettings settings = AwsSettings.from(c);
        String region = settings.region().map(Object::toString).orElse(null);
        ReachabilityProbe probe = ReachabilityProbe.of("Kinesis", settings, c.validateTimeout())
                .permissions("kinesis:DescribeStreamSummary, ListShards, GetShardIterator and GetRecords on the streams"
                        + " (and kms:Decrypt on the key of a KMS-encrypted stream)");
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        probe.run("DescribeStreamSummary(" + String.join(", ", c.streamNames()) + ")", KinesisSourceConfig.STREAM_NAMES,
                () -> {
                    try (AwsClientFactory factory = clientSupplier == null ? new AwsClientFactory(settings) : null) {
                        KinesisClient k = factory == null ? clientSupplier.apply(c)
                                : factory.kinesis(1, b -> b.overrideConfiguration(factory.overrideConfiguration().toBuilder()
                                        .apiCallTimeout(c.validateTimeout())
                                        .apiCallAttemptTimeout(c.validateTimeout())
                                        .build()));
                        for (String stream : c.streamNames()) {
                            StreamDescriptionSummary summary;
                            try {
                                summary = k.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary();
                            } catch (ResourceNotFoundException e) {
                                problems.add("Stream '" + stream + "' does not exist (or is not visible) at "
                                        + probe.where() + ": " + AwsErrors.describe(e));
                                continue;
                            }
                            if (summary != null && summary.encryptionType() == EncryptionType.KMS) {
                                String problem = KmsKeyCheck.problem(k, stream, summary.keyId(), region);
                                if (problem != null) {
                                    problems.add(problem);
                                }
                            }
                        }
                    }
                }, null).ifPresent(p -> errors.attach(p.field(), p.message()));
        new ArrayList<>(problems).forEach(m -> errors.attach(KinesisSourceConfig.STREAM_NAMES, m));
        if (problems.isEmpty() && !errors.any() && c.consumerMode() == KinesisSourceConfig.ConsumerMode.EFO) {
            checkFanOut(c, settings, errors);
        }
    }

    /**
     * With {@code kinesis.consumer.mode=efo}, for every stream, the steps of {@link FanOutProbe}: DescribeStreamConsumer,
     * RegisterStreamConsumer (without registering when the consumer exists; with
     * {@code kinesis.efo.validate.register=true}, registering it when it does not), and SubscribeToShard on one shard
     * once the consumer is ACTIVE, so that a missing permission is reported here, naming the call, rather than by a
     * failing start or task. Streams are checked up to {@value #FAN_OUT_CHECKS_AT_ONCE} at a time (each one's steps
     * in order), their problems reported in the order of {@code kinesis.stream.names}.
     */
    private void checkFanOut(KinesisSourceConfig c, AwsSettings settings, ConfigErrors errors) {
        String name = c.efoConsumerName();
        ReachabilityProbe probe = ReachabilityProbe.of("Kinesis", settings, c.validateTimeout())
                .permissions(FanOutProbe.PERMISSIONS);
        List<String> streams = c.streamNames();
        int atOnce = Math.min(FAN_OUT_CHECKS_AT_ONCE, streams.size());
        // One set of clients for all streams; the async (Netty) client only once a consumer is there to subscribe with.
        try (AwsClientFactory factory = clientSupplier == null ? new AwsClientFactory(settings) : null) {
            KinesisClient k = factory == null ? clientSupplier.apply(c)
                    : factory.kinesis(atOnce, b -> b.overrideConfiguration(factory.overrideConfiguration().toBuilder()
                            .apiCallTimeout(c.validateTimeout())
                            .apiCallAttemptTimeout(c.validateTimeout())
                            .build()));
            // Registering in validate() only for a named connector (or consumer): the validate endpoint may be
            // called without a name, and the fallback name is nobody's consumer.
            boolean register = c.efoValidateRegister() && c.efoConsumerNameIsSet();
            Supplier<KinesisAsyncClient> async = new Supplier<>() {
                private KinesisAsyncClient client;

                @Override
                public synchronized KinesisAsyncClient get() {
                    if (client == null) {
                        client = asyncClientSupplier != null ? asyncClientSupplier.apply(c)
                                : factory == null ? null : FanOutReaders.asyncClient(factory, atOnce);
                    }
                    return client;
                }
            };
            String field = KinesisSourceConfig.EFO_CONSUMER_NAME;
            ExecutorService checks = Executors.newFixedThreadPool(atOnce, r -> {
                Thread t = new Thread(r, "mskbridge-validate-efo");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<Optional<ReachabilityProbe.Problem>>> results = new ArrayList<>();
                for (String stream : streams) {
                    results.add(checks.submit(() -> {
                        FanOutProbe steps = new FanOutProbe(k, stream, name, c.validateTimeout());
                        String of = "(consumer " + name + " of stream " + stream + ")";
                        return probe.run("DescribeStreamConsumer " + of, field, steps::describe, null)
                                .or(() -> probe.run("RegisterStreamConsumer " + of, field,
                                        () -> steps.register(register), null))
                                .or(() -> probe.run("SubscribeToShard " + of, field, () -> steps.subscribe(async),
                                        null));
                    }));
                }
                for (Future<Optional<ReachabilityProbe.Problem>> r : results) {
                    r.get().ifPresent(p -> errors.attach(p.field(), p.message()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                errors.attach(field, "Validation was interrupted during the enhanced fan-out checks");
            } catch (ExecutionException e) {
                // ReachabilityProbe.run reports failures as problems; anything else is a bug worth seeing whole.
                throw new IllegalStateException("Enhanced fan-out check failed", e.getCause());
            } finally {
                checks.shutdownNow();
            }
        }
    }

    /** How many streams validate() checks for enhanced fan-out at the same time. */
    static final int FAN_OUT_CHECKS_AT_ONCE = 4;

    /** Package-private view for tests. */
    List<ShardSpec> assignment() {
        return assignment;
    }
}
