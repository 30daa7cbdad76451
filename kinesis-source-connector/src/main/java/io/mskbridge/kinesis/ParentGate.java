package io.mskbridge.kinesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsErrors;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Holds a child shard back until {@link ShardProgress#finished} holds for each parent the connector listed,
 * so a partition key's parent records reach Kafka before its child records. Whatever way a reader fetches
 * (GetRecords or a SubscribeToShard subscription), it asks {@link #waitMillis()} before its first read.
 *
 * <p>Not thread-safe: only the shard's reader calls it, one thread at a time.
 */
final class ParentGate {

    private static final Logger log = LoggerFactory.getLogger(ParentGate.class);

    /** Cap on the re-check interval: the discovery interval can be minutes, a child should not wait that long. */
    private static final long MAX_RECHECK_MS = 5_000;

    private final String taskName;
    private final ShardSpec spec;
    private final KinesisClient kinesis;
    private final SourceTaskContext context;
    private final long recheckMs;
    private final ReadPacing probePacing;
    private final List<ShardSpec> waitingFor;
    private long nextCheck;

    ParentGate(String taskName, ShardSpec spec, KinesisClient kinesis, SourceTaskContext context,
               Duration discoveryInterval, ReadPacing probePacing) {
        this.taskName = taskName;
        this.spec = spec;
        this.kinesis = kinesis;
        this.context = context;
        // At least 1 ms: a wait of 0 would tell the caller the gate is open.
        this.recheckMs = Math.max(1, Math.min(discoveryInterval.toMillis(), MAX_RECHECK_MS));
        this.waitingFor = new ArrayList<>(spec.parents());
        this.probePacing = probePacing;
    }

    /**
     * 0 once every parent is finished (then it stays 0); otherwise how long to wait before asking again. A
     * check is made at most once per re-check interval; a throttled or transient failure counts as "not yet",
     * any other failure is thrown.
     */
    long waitMillis() {
        if (waitingFor.isEmpty()) {
            return 0;
        }
        long now = System.currentTimeMillis();
        if (now < nextCheck) {
            return nextCheck - now;
        }
        OffsetStorageReader reader = context.offsetStorageReader();
        waitingFor.removeIf(p -> {
            try {
                return ShardProgress.finished(kinesis, p, ShardProgress.committed(reader, p.stream(), p.shardId()),
                        probePacing);
            } catch (RuntimeException e) {
                if (!AwsErrors.isRetriable(e)) {
                    throw e;
                }
                return false;
            }
        });
        if (!waitingFor.isEmpty()) {
            nextCheck = now + recheckMs;
            if (log.isDebugEnabled()) {
                log.debug("{}: shard {}/{} waits for parent(s) {}", taskName, spec.stream(), spec.shardId(),
                        waitingFor());
            }
            return nextCheck - now;
        }
        log.info("{}: parent(s) {} of shard {}/{} are finished; reading it", taskName, spec.parentIds(),
                spec.stream(), spec.shardId());
        return 0;
    }

    /** The parents still waited for (a copy; for tests and diagnostics). */
    Set<String> waitingFor() {
        return waitingFor.stream().map(ShardSpec::shardId).collect(Collectors.toUnmodifiableSet());
    }
}
