package io.mskbridge.kinesis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

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
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Kinesis Data Streams → Kafka. Lists the shards of the configured streams (ListShards, paginated), assigns
 * the open shards and the closed shards that are not finished yet to {@code min(tasks.max, shards)} tasks
 * with {@link ConnectorUtils#groupPartitions}, and re-lists them every
 * {@code kinesis.shard.discovery.interval.ms} on a background thread, asking Connect to reconfigure the
 * tasks when the assignment changed (a split or merge added shards, a closed shard finished, a shard
 * expired). Offsets, task placement and rebalancing are Connect's.
 */
public class KinesisSourceConnector extends SourceConnector {

    private static final Logger log = LoggerFactory.getLogger(KinesisSourceConnector.class);

    static final String VERSION = Version.read(KinesisSourceConnector.class,
            "kinesis-source-connector-version.properties");

    /** How long {@link #stop()} waits for a discovery under way (Connect gives a connector's stop about 5 s). */
    static final long DISCOVERY_STOP_WAIT_MS = 4_000;

    private final Function<KinesisSourceConfig, KinesisClient> clientSupplier;
    private Map<String, String> props;
    private KinesisSourceConfig config;
    private AwsClientFactory aws;
    private KinesisClient kinesis;
    private ScheduledExecutorService discovery;
    private volatile List<ShardSpec> assignment = List.of();
    /** Shards of the first listing: only shards appearing later are known to be children born while we ran. */
    private final Set<String> initialShards = new HashSet<>();
    /** Finished is forever: shards found finished are never probed again. */
    private final Set<String> finished = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public KinesisSourceConnector() {
        this(null);
    }

    KinesisSourceConnector(Function<KinesisSourceConfig, KinesisClient> clientSupplier) {
        this.clientSupplier = clientSupplier;
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
        discovery = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kinesis-shard-discovery-" + props.get("name"));
            t.setDaemon(true);
            return t;
        });
        long every = config.discoveryInterval().toMillis();
        discovery.scheduleWithFixedDelay(this::rediscover, every, every, TimeUnit.MILLISECONDS);
    }

    private void rediscover() {
        try {
            List<ShardSpec> next = discover(false);
            List<ShardSpec> prev = assignment;
            if (!next.equals(prev)) {
                Set<String> before = keys(prev);
                Set<String> after = keys(next);
                Set<String> added = new HashSet<>(after);
                added.removeAll(before);
                Set<String> removed = new HashSet<>(before);
                removed.removeAll(after);
                log.info("Kinesis source {}: shards changed (resharding or finished shards): added {}, removed {}, "
                        + "now {} assignable; reconfiguring tasks", props.get("name"), added, removed, next.size());
                assignment = next;
                context.requestTaskReconfiguration();
            }
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
        List<ShardSpec> out = new ArrayList<>();
        for (String stream : config.streamNames()) {
            Map<String, Shard> listed = listShards(stream);
            if (first) {
                listed.keySet().forEach(id -> initialShards.add(stream + "/" + id));
            }
            // Pass 1: which closed shards are finished (their children need not wait for them).
            for (Shard s : listed.values()) {
                String key = stream + "/" + s.shardId();
                boolean closed = s.sequenceNumberRange() != null && s.sequenceNumberRange().endingSequenceNumber() != null;
                if (closed && !finished.contains(key) && reader != null) {
                    Offsets.Position committed = ShardProgress.committed(reader, stream, s.shardId());
                    if (ShardProgress.finished(kinesis, stream, s.shardId(), committed)) {
                        finished.add(key);
                        log.info("Kinesis source {}: closed shard {} is finished (all its records committed)",
                                props.get("name"), key);
                    }
                }
            }
            // Pass 2: the assignable set, each child with the parents it must still wait for.
            for (Shard s : listed.values()) {
                String key = stream + "/" + s.shardId();
                if (finished.contains(key)) {
                    continue;
                }
                List<String> parents = new ArrayList<>();
                boolean lineageRead = false;
                for (String p : new String[] {s.parentShardId(), s.adjacentParentShardId()}) {
                    if (p == null) {
                        continue;
                    }
                    String pk = stream + "/" + p;
                    if (listed.containsKey(p) && !finished.contains(pk)) {
                        parents.add(p);
                    }
                    if (finished.contains(pk) || (reader != null
                            && ShardProgress.committed(reader, stream, p) != null)) {
                        lineageRead = true;
                    }
                }
                boolean bornWhileRunning = !initialShards.contains(key);
                out.add(new ShardSpec(stream, s.shardId(), parents,
                        !parents.isEmpty() || lineageRead || bornWhileRunning));
            }
        }
        out.sort(Comparator.comparing(ShardSpec::stream).thenComparing(ShardSpec::shardId));
        return out;
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
            configs.add(c);
        }
        log.info("Kinesis source {}: {} shard(s) over {} task(s) (tasks.max={})", props.get("name"), shards.size(),
                n, maxTasks);
        return configs;
    }

    @Override
    public void stop() {
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

    /** Describes every stream once, within {@code kinesis.validate.timeout.ms}; errors go to the field to fix. */
    private void checkReachability(KinesisSourceConfig c, ConfigErrors errors) {
        AwsSettings settings = AwsSettings.from(c);
        ReachabilityProbe probe = ReachabilityProbe.of("Kinesis", settings, c.validateTimeout())
                .permissions("kinesis:DescribeStreamSummary, ListShards, GetShardIterator and GetRecords on the streams");
        List<String> missing = Collections.synchronizedList(new ArrayList<>());
        probe.run("DescribeStreamSummary(" + String.join(", ", c.streamNames()) + ")", KinesisSourceConfig.STREAM_NAMES,
                () -> {
                    try (AwsClientFactory factory = clientSupplier == null ? new AwsClientFactory(settings) : null) {
                        KinesisClient k = factory == null ? clientSupplier.apply(c)
                                : factory.kinesis(1, b -> b.overrideConfiguration(factory.overrideConfiguration().toBuilder()
                                        .apiCallTimeout(c.validateTimeout())
                                        .apiCallAttemptTimeout(c.validateTimeout())
                                        .build()));
                        for (String stream : c.streamNames()) {
                            try {
                                k.describeStreamSummary(b -> b.streamName(stream));
                            } catch (ResourceNotFoundException e) {
                                missing.add("Stream '" + stream + "' does not exist (or is not visible) at "
                                        + probe.where() + ": " + AwsErrors.describe(e));
                            }
                        }
                    }
                }, null).ifPresent(p -> errors.attach(p.field(), p.message()));
        new ArrayList<>(missing).forEach(m -> errors.attach(KinesisSourceConfig.STREAM_NAMES, m));
    }

    /** Package-private view for tests. */
    List<ShardSpec> assignment() {
        return assignment;
    }
}
