package io.mskbridge.kinesis;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsErrors;

import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * The enhanced fan-out consumers of one connector, one per stream, all named {@code kinesis.efo.consumer.name}:
 * reused when registered (DescribeStreamConsumer), registered when not (RegisterStreamConsumer), and waited for
 * until ACTIVE, for at most {@link #ACTIVE_WAIT} (a clear error then). The connector makes sure of them before
 * its tasks start and hands their ARNs over in {@link KinesisSourceConfig#TASK_EFO_CONSUMERS}; a task renews one
 * when SubscribeToShard says it no longer exists (deregistered behind the connector's back).
 *
 * <p>Thread-safe; calls that register or wait hold the instance's lock, so a task's readers of one stream
 * register its consumer once.
 */
final class StreamConsumers {

    private static final Logger log = LoggerFactory.getLogger(StreamConsumers.class);

    /** Longest wait for a consumer to become ACTIVE (Kinesis takes seconds; the connector's start must end). */
    static final Duration ACTIVE_WAIT = Duration.ofSeconds(60);
    private static final long DESCRIBE_EVERY_MS = 1_000;

    private final KinesisClient kinesis;
    private final String name;
    private final Duration activeWait;
    private final long describeEveryMs;
    private final Map<String, String> arns = new LinkedHashMap<>();

    StreamConsumers(KinesisClient kinesis, String name) {
        this(kinesis, name, ACTIVE_WAIT, DESCRIBE_EVERY_MS);
    }

    /** For tests: a shorter wait and describe interval. */
    StreamConsumers(KinesisClient kinesis, String name, Duration activeWait, long describeEveryMs) {
        this.kinesis = kinesis;
        this.name = name;
        this.activeWait = activeWait;
        this.describeEveryMs = describeEveryMs;
    }

    String name() {
        return name;
    }

    /** Takes known ARNs (a task's config); they are trusted until a subscription says otherwise. */
    synchronized void seed(Map<String, String> known) {
        arns.putAll(known);
    }

    /** The ACTIVE consumer's ARN on {@code stream}, registering it and waiting for it when needed. */
    synchronized String arn(String stream) {
        String arn = arns.get(stream);
        if (arn == null) {
            arn = ensure(stream);
            arns.put(stream, arn);
        }
        return arn;
    }

    /**
     * SubscribeToShard answered ResourceNotFoundException with consumer {@code stale}: the consumer's current ARN
     * (the same one when the consumer exists, so the shard is what is gone; a new one when it had to be
     * registered again), or null when the stream itself no longer exists.
     */
    synchronized String renew(String stream, String stale) {
        String known = arns.get(stream);
        if (known != null && !known.equals(stale)) {
            return known;
        }
        arns.remove(stream);
        try {
            String arn = ensure(stream);
            arns.put(stream, arn);
            if (!arn.equals(stale)) {
                log.warn("Stream consumer {} of stream {} was deregistered (by someone else); registered it again as {}",
                        name, stream, arn);
            }
            return arn;
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    /** Every stream's consumer ARN, made sure of: {@code stream=arn,...} for the tasks' config. */
    synchronized String ensureAll(Iterable<String> streams) {
        StringJoiner out = new StringJoiner(",");
        for (String s : streams) {
            out.add(s + "=" + arn(s));
        }
        return out.toString();
    }

    /** The pairs of {@link #ensureAll}; empty for null or blank. */
    static Map<String, String> decode(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        if (s != null && !s.isBlank()) {
            for (String pair : s.split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
            }
        }
        return out;
    }

    /** Throws ResourceNotFoundException when the stream does not exist. */
    private String ensure(String stream) {
        try {
            return registerOrReuse(stream);
        } catch (RuntimeException e) {
            if (AwsErrors.isAccessDenied(e)) {
                throw new ConnectException("May not register or describe stream consumer '" + name + "' of stream '"
                        + stream + "': " + AwsErrors.describe(e) + ". Grant the connector's identity "
                        + FanOutProbe.PERMISSIONS, e);
            }
            throw e;
        }
    }

    private String registerOrReuse(String stream) {
        String streamArn = kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary()
                .streamARN();
        ConsumerDescription d = describe(streamArn);
        long deadline = System.currentTimeMillis() + activeWait.toMillis();
        while (d != null && d.consumerStatus() == ConsumerStatus.DELETING && System.currentTimeMillis() < deadline) {
            // A consumer being deregistered cannot be registered again under its name until it is gone.
            pause();
            d = describe(streamArn);
        }
        if (d == null) {
            try {
                String arn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(name)).consumer()
                        .consumerARN();
                log.info("Registered stream consumer {} on stream {}: {}", name, stream, arn);
            } catch (ResourceInUseException e) {
                // Registered at the same moment by another task or connector instance: reuse it.
                log.info("Stream consumer {} on stream {} was just registered elsewhere; reusing it", name, stream);
            }
        } else if (d.consumerStatus() == ConsumerStatus.ACTIVE) {
            log.info("Reusing stream consumer {} on stream {}: {}", name, stream, d.consumerARN());
            return d.consumerARN();
        }
        while (true) {
            d = describe(streamArn);
            if (d != null && d.consumerStatus() == ConsumerStatus.ACTIVE) {
                return d.consumerARN();
            }
            if (System.currentTimeMillis() >= deadline) {
                throw new ConnectException(String.format("Stream consumer '%s' of stream '%s' is not ACTIVE after %d s "
                        + "(status %s); check it with DescribeStreamConsumer, or set %s to another name",
                        name, stream, activeWait.toSeconds(), d == null ? "not registered" : d.consumerStatusAsString(),
                        KinesisSourceConfig.EFO_CONSUMER_NAME));
            }
            pause();
        }
    }

    /** The consumer's description, or null when no consumer of that name is registered on the stream. */
    private ConsumerDescription describe(String streamArn) {
        return describe(kinesis, streamArn, name);
    }

    /** The description of consumer {@code name} on the stream, or null when none of that name is registered. */
    static ConsumerDescription describe(KinesisClient kinesis, String streamArn, String name) {
        try {
            return kinesis.describeStreamConsumer(b -> b.streamARN(streamArn).consumerName(name)).consumerDescription();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    private void pause() {
        try {
            Thread.sleep(describeEveryMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while waiting for stream consumer " + name, e);
        }
    }
}
