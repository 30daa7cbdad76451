package io.mskbridge.aws.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsClientFactory;
import io.mskbridge.aws.AwsErrors;
import io.mskbridge.aws.AwsSettings;
import io.mskbridge.common.Backoff;
import io.mskbridge.common.metrics.Counter;
import io.mskbridge.common.metrics.MetricSample;
import io.mskbridge.common.metrics.MetricScope;
import io.mskbridge.common.metrics.MetricUnit;
import io.mskbridge.common.metrics.TaskMetrics;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.CompressionConfiguration;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StatisticSet;

/**
 * Publishes one task's {@link TaskMetrics} to CloudWatch from a daemon thread of its own: every
 * {@code metrics.cloudwatch.interval.ms} it drains the metrics into statistic sets, appends them to a bounded
 * buffer, and sends the buffer in {@code PutMetricData} requests of at most {@value #MAX_DATUMS_PER_REQUEST}
 * metrics and about {@value #MAX_REQUEST_BYTES} bytes (the API takes up to 1000 metrics and 1 MB per request, and
 * up to 30 dimensions per metric, from AWS docs: CloudWatch API Reference, PutMetricData). Dimensions:
 * {@code ConnectorName}, {@code Task} when asked, and the metric's own (a stream, a record field's value).
 *
 * <p>The data path only updates counters; nothing here can slow or fail it. When CloudWatch throttles, answers
 * 5xx, hangs or cannot be reached, the points stay in the buffer and sending backs off (jittered, up to
 * 10 intervals and at most {@value #MAX_BACKOFF_MS} ms), each attempt a request of at most {@value #PROBE_DATUMS}
 * points until one is answered; a full buffer drops its oldest points, counted in {@code MetricsPointsDropped}
 * (published with the rest once CloudWatch answers). A request CloudWatch refuses for good (access denied, an
 * invalid value) is dropped and counted the same way. {@link #close()} sends what is left, waiting at most
 * {@value #FLUSH_TIMEOUT_MS} ms.
 */
public final class CloudWatchPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CloudWatchPublisher.class);

    static final int MAX_DATUMS_PER_REQUEST = 1000;
    /**
     * After a failed request, the next attempt sends at most this many points: while CloudWatch throttles, fails
     * or cannot be reached, each attempt costs the publisher's thread one small request, not a full buffer
     * marshalled again. Once it is answered, the rest follows in full-size requests in the same round.
     */
    static final int PROBE_DATUMS = 20;
    /** Below the API's 1 MB, with room for the estimate's error and the request's envelope. */
    static final int MAX_REQUEST_BYTES = 800_000;
    static final int MAX_DIMENSION_VALUE_LENGTH = 1024;
    static final long MAX_BACKOFF_MS = 300_000;
    static final long FLUSH_TIMEOUT_MS = 5_000;
    /** Bounds one call, so a hanging endpoint holds the publisher's thread (never the data path) this long. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final CloudWatchClient client;
    private final AutoCloseable owner;
    private final CloudWatchMetricsConfig.Settings settings;
    private final TaskMetrics metrics;
    private final Map<String, String> baseDimensions;
    private final String taskName;
    private final LongSupplier clock;
    private final Backoff backoff;
    private final Deque<MetricDatum> buffer = new ArrayDeque<>();
    private final Counter dropped;
    private final Counter failedRequests;
    private final Counter sentPoints;
    private final ScheduledExecutorService thread;
    private int failures;
    private long nextAttemptMillis;
    private volatile boolean closed;

    CloudWatchPublisher(CloudWatchClient client, AutoCloseable owner, CloudWatchMetricsConfig.Settings settings,
                        TaskMetrics metrics, String connector, String task, LongSupplier clock, Backoff backoff) {
        this.client = client;
        this.owner = owner;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.backoff = backoff;
        this.taskName = connector + "-" + task;
        Map<String, String> dims = new LinkedHashMap<>();
        dims.put("ConnectorName", dimensionValue(connector));
        if (settings.taskDimension()) {
            dims.put("Task", dimensionValue(task));
        }
        this.baseDimensions = Collections.unmodifiableMap(dims);
        dropped = metrics.counter("MetricsPointsDropped", MetricUnit.COUNT, MetricScope.BOTH,
                "CloudWatch data points dropped: the oldest of a full buffer, or refused by CloudWatch");
        failedRequests = metrics.counter("MetricsRequestsFailed", MetricUnit.COUNT, MetricScope.JMX,
                "PutMetricData requests that failed (throttled, 5xx, unreachable, refused)");
        sentPoints = metrics.counter("MetricsPointsSent", MetricUnit.COUNT, MetricScope.JMX,
                "CloudWatch data points CloudWatch accepted");
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mskbridge-cloudwatch-" + taskName);
            t.setDaemon(true);
            return t;
        });
        long interval = settings.interval().toMillis();
        thread.scheduleAtFixedRate(this::tick, interval, interval, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts publishing {@code metrics} when {@code metrics.cloudwatch.enabled}; null when it is off. The client
     * uses the {@code aws.*} credentials and timeouts, the region and endpoint of {@code metrics.cloudwatch.*} or
     * else {@code aws.*}, no SDK retries (the publisher backs off itself) and calls bounded by 10 s.
     */
    public static CloudWatchPublisher start(CloudWatchMetricsConfig.Settings settings, AwsSettings aws,
                                           String connector, String task, TaskMetrics metrics) {
        return start(settings, aws, connector, task, metrics, backoff(settings.interval()));
    }

    static CloudWatchPublisher start(CloudWatchMetricsConfig.Settings settings, AwsSettings aws, String connector,
                                     String task, TaskMetrics metrics, Backoff backoff) {
        if (!settings.enabled()) {
            return null;
        }
        AwsClientFactory factory = new AwsClientFactory(aws);
        try {
            CloudWatchClient client = factory.cloudWatch(b -> {
                settings.region().ifPresent(b::region);
                settings.endpoint().ifPresent(b::endpointOverride);
                b.overrideConfiguration(factory.overrideConfiguration().toBuilder()
                        .apiCallTimeout(CALL_TIMEOUT)
                        .apiCallAttemptTimeout(CALL_TIMEOUT)
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        // Requests stay within the API's 1 MB uncompressed (MAX_REQUEST_BYTES), so gzip only saves
                        // bytes on the wire, and the SDK pays for them with the worker's CPU: it copies the whole
                        // body several times and compresses it more than once per attempt (for the payload's
                        // checksum and to send it; seen in a JFR allocation profile of CloudWatchOverheadBenchmark).
                        .compressionConfiguration(CompressionConfiguration.builder()
                                .requestCompressionEnabled(false).build())
                        .build());
            });
            log.info("Task {}-{}: publishing metrics to CloudWatch namespace {} every {} ms (region {}, endpoint {})",
                    connector, task, settings.namespace(), settings.interval().toMillis(),
                    settings.region().orElse(factory.region()),
                    settings.endpoint().or(aws::endpointOverride).map(Object::toString).orElse("<default>"));
            return new CloudWatchPublisher(client, factory, settings, metrics, connector, task,
                    System::currentTimeMillis, backoff);
        } catch (RuntimeException e) {
            factory.close();
            throw e;
        }
    }

    /** From one second (or the interval, if shorter) up to 10 intervals, at most 5 minutes. */
    static Backoff backoff(Duration interval) {
        long ms = interval.toMillis();
        return new Backoff(Duration.ofMillis(Math.min(1_000, ms)), Duration.ofMillis(Math.min(MAX_BACKOFF_MS, 10 * ms)));
    }

    /** Closes a publisher that may be null. */
    public static void close(CloudWatchPublisher publisher) {
        if (publisher != null) {
            publisher.close();
        }
    }

    private void tick() {
        try {
            collect();
            if (clock.getAsLong() >= nextAttemptMillis) {
                send();
            }
        } catch (Throwable t) {
            // The schedule stops for good if a run throws: never let it.
            log.warn("Task {}: CloudWatch publishing round failed: {}", taskName, t.toString());
        }
    }

    /** Drains the metrics into the buffer, dropping the oldest points past its bound. */
    void collect() {
        for (MetricSample s : metrics.drain()) {
            add(datum(s));
        }
    }

    private void add(MetricDatum d) {
        while (buffer.size() >= settings.bufferMaxPoints()) {
            buffer.pollFirst();
            dropped.increment();
        }
        buffer.addLast(d);
    }

    private MetricDatum datum(MetricSample s) {
        List<Dimension> dims = new ArrayList<>(baseDimensions.size() + s.dimensions().size());
        baseDimensions.forEach((k, v) -> dims.add(Dimension.builder().name(k).value(v).build()));
        s.dimensions().forEach((k, v) -> dims.add(Dimension.builder().name(k).value(dimensionValue(v)).build()));
        return MetricDatum.builder()
                .metricName(s.name())
                .unit(StandardUnit.fromValue(s.unit().cloudWatchName()))
                .timestamp(Instant.ofEpochMilli(s.timestampMillis()))
                .dimensions(dims)
                .statisticValues(StatisticSet.builder().sampleCount(s.count()).sum(s.sum()).minimum(s.min())
                        .maximum(s.max()).build())
                .build();
    }

    /** A dimension value CloudWatch takes: 1 to 1024 characters. */
    static String dimensionValue(String v) {
        if (v == null || v.isEmpty()) {
            return "None";
        }
        return v.length() > MAX_DIMENSION_VALUE_LENGTH ? v.substring(0, MAX_DIMENSION_VALUE_LENGTH) : v;
    }

    /** Sends the buffer in requests within the API's limits; stops at the first failure. True when emptied. */
    boolean send() {
        while (!buffer.isEmpty()) {
            int max = failures > 0 ? PROBE_DATUMS : MAX_DATUMS_PER_REQUEST;
            List<MetricDatum> batch = new ArrayList<>(Math.min(buffer.size(), max));
            long bytes = 0;
            for (MetricDatum d : buffer) {
                long size = estimatedSize(d);
                if (batch.size() == max || (!batch.isEmpty() && bytes + size > MAX_REQUEST_BYTES)) {
                    break;
                }
                batch.add(d);
                bytes += size;
            }
            try {
                client.putMetricData(r -> r.namespace(settings.namespace()).metricData(batch));
            } catch (RuntimeException e) {
                failedRequests.increment();
                AwsErrors.Kind kind = AwsErrors.classify(e);
                long delay = backoff.delayMillis(Math.min(failures++, 30));
                nextAttemptMillis = clock.getAsLong() + delay;
                if (kind == AwsErrors.Kind.FATAL) {
                    remove(batch.size());
                    dropped.add(batch.size());
                }
                if (failures == 1) {
                    log.warn("Task {}: PutMetricData failed ({}); {}, next attempt in {} ms: {}", taskName, kind,
                            kind == AwsErrors.Kind.FATAL ? batch.size() + " point(s) dropped"
                                    : buffer.size() + " point(s) kept", delay, AwsErrors.describe(e));
                } else if (log.isDebugEnabled()) {
                    log.debug("Task {}: PutMetricData failed again ({} in a row, {} point(s) buffered): {}", taskName,
                            failures, buffer.size(), AwsErrors.describe(e));
                }
                return false;
            }
            remove(batch.size());
            sentPoints.add(batch.size());
            if (failures > 0) {
                log.info("Task {}: PutMetricData works again after {} failure(s)", taskName, failures);
                failures = 0;
            }
            if (log.isDebugEnabled()) {
                log.debug("Task {}: sent {} point(s) to CloudWatch, ~{} bytes", taskName, batch.size(), bytes);
            }
        }
        return true;
    }

    private void remove(int n) {
        for (int i = 0; i < n; i++) {
            buffer.pollFirst();
        }
    }

    /** An upper estimate of the datum's encoded size (field names, strings, numbers, timestamp). */
    static long estimatedSize(MetricDatum d) {
        long size = 120 + d.metricName().length();
        for (Dimension dim : d.dimensions()) {
            size += 24 + dim.name().length() + 3L * dim.value().length();
        }
        return size;
    }

    /** Points waiting to be sent (for tests). */
    int buffered() throws ExecutionException, InterruptedException {
        return thread.submit(buffer::size).get();
    }

    /** Runs one publishing round now, on the publisher's thread (for tests). */
    void runOnce() throws ExecutionException, InterruptedException {
        thread.submit(this::tick).get();
    }

    /** Stops the schedule, then sends what is left (ignoring a backoff), waiting at most 5 s. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Future<?> flush = thread.submit(() -> {
            collect();
            send();
        });
        thread.shutdown();
        try {
            flush.get(FLUSH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("Task {}: CloudWatch did not take the last metrics within {} ms; they are not sent", taskName,
                    FLUSH_TIMEOUT_MS);
        } catch (ExecutionException e) {
            log.warn("Task {}: sending the last metrics to CloudWatch failed: {}", taskName, e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            thread.shutdownNow();
            try {
                owner.close();
            } catch (Exception e) {
                log.debug("Task {}: closing the CloudWatch client failed: {}", taskName, e.toString());
            }
        }
    }
}
