package io.mskbridge.dynamodb;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsClientFactory;
import io.mskbridge.aws.metrics.CloudWatchMetricsConfig;
import io.mskbridge.aws.metrics.CloudWatchPublisher;
import io.mskbridge.aws.metrics.RecordFieldMetrics;
import io.mskbridge.common.Backoff;
import io.mskbridge.common.SinkConnectorBase;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Writes sink records to DynamoDB. {@link #put} is synchronous: when it returns, every record it was given
 * is written (or deleted, skipped, or handed to the errant record reporter); otherwise it throws, so the
 * offsets Connect commits after it (the default {@link #preCommit}) only ever cover durable writes.
 *
 * <p>Within one put(), the last record per item key wins (Kafka order), because DynamoDB rejects a batch
 * holding the same key twice and the last write is what sequential writes would have left. When DynamoDB
 * rejects that last record, the one before it for the same key is written instead (and so on), so a poison
 * record never takes a valid earlier one down with it.
 */
public class DynamoDbSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(DynamoDbSinkTask.class);

    /**
     * How long Connect waits before redelivering after a RetriableException ({@code context.timeout}): put() has
     * already retried for dynamodb.retry.max.ms, so the table or the network needs a pause, growing while the
     * failures go on. The ceiling grows from 1 s to 60 s; the wait is jittered in its upper half so the tasks of
     * a connector do not come back at once.
     */
    static final Backoff REDELIVERY_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

    /** Task config key carrying the task number (for the metrics MBean name). */
    static final String TASK_ID = SinkConnectorBase.TASK_ID;

    private DynamoDbSinkConfig config;
    private ItemMapper mapper;
    private BatchWriter writer;
    private AwsClientFactory factory;
    private final DynamoDbSinkTaskMetrics metrics = new DynamoDbSinkTaskMetrics();
    private CloudWatchPublisher publisher;
    private RecordFieldMetrics fieldMetrics;
    private ErrantRecordReporter reporter;
    private int consecutiveRetriableFailures;
    private final DynamoDbClient injectedClient;

    public DynamoDbSinkTask() {
        this(null);
    }

    /** For tests: a client to use instead of one built from the AWS settings. */
    DynamoDbSinkTask(DynamoDbClient client) {
        this.injectedClient = client;
    }

    @Override
    public String version() {
        return DynamoDbSinkConnector.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new DynamoDbSinkConfig(props);
        mapper = new ItemMapper(config);
        DynamoDbClient client = injectedClient;
        if (client == null) {
            factory = new AwsClientFactory(config.aws());
            // One connection per in-flight request, plus one for table creation and the odd straggler.
            client = factory.dynamoDb(config.maxInFlight() + 1);
        }
        TableCreator creator = config.tableAutoCreate() ? new TableCreator(client, config) : null;
        TableSchemaCheck schemaCheck = new TableSchemaCheck(client, config);
        if (config.table().isConstant()) {
            // A mismatched key schema fails here, before any record is read; templated names are checked as
            // their tables are first met (BatchWriter).
            schemaCheck.ensure(config.table().render(null));
        }
        writer = new BatchWriter(client, config, metrics, creator == null ? null : creator::ensureExists,
                schemaCheck, System::nanoTime, Thread::sleep);
        reporter = errantRecordReporter();
        String connector = props.getOrDefault("name", "unknown");
        metrics.register(connector, props.getOrDefault(TASK_ID, "0"));
        CloudWatchMetricsConfig.Settings cloudWatch = CloudWatchMetricsConfig.Settings.from(config);
        fieldMetrics = RecordFieldMetrics.create(cloudWatch, metrics.taskMetrics());
        publisher = CloudWatchPublisher.start(cloudWatch, config.aws(), connector, props.getOrDefault(TASK_ID, "0"),
                metrics.taskMetrics());
        log.info("DynamoDB sink task {}-{} started: table={}, pk={}={}, sk={}, ttl={}, deletes={}, batch={}, "
                        + "in flight={}, retry budget={}, DLQ={}", connector, props.getOrDefault(TASK_ID, "0"),
                config.table(), config.partitionAttribute(), config.partitionTemplate(),
                config.sortAttribute().map(a -> a + "=" + config.sortTemplate().orElseThrow()).orElse("<none>"),
                config.ttlAttribute().map(a -> a + "+" + config.ttl()).orElse("<none>"), config.deleteOnTombstone(),
                config.batchSize(), config.maxInFlight(), config.retryMax(), reporter != null);
    }

    private ErrantRecordReporter errantRecordReporter() {
        if (context == null) {
            return null;
        }
        try {
            return context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            // Connect older than 2.6 has no reporter: unwritable records fail the task instead.
            return null;
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        // Every write per key, in Kafka order: the last is written, the earlier ones stand by in case it is rejected.
        Map<ItemKey, Deque<WriteOp>> byKey = new LinkedHashMap<>(records.size() * 2);
        List<Future<Void>> reported = new ArrayList<>();
        for (SinkRecord record : records) {
            if (fieldMetrics != null) {
                fieldMetrics.record(record);
            }
            WriteOp op;
            try {
                op = mapper.map(record);
            } catch (UnwritableRecordException e) {
                report(record, e, reported);
                continue;
            }
            if (op == null) {
                metrics.tombstonesSkipped.increment();
                continue;
            }
            Deque<WriteOp> writes = byKey.remove(op.key());
            if (writes != null) {
                metrics.duplicates.increment();
            } else {
                writes = new ArrayDeque<>(1);
            }
            writes.addLast(op);
            byKey.put(op.key(), writes);
        }
        List<WriteOp> round = new ArrayList<>(byKey.size());
        for (Deque<WriteOp> writes : byKey.values()) {
            round.add(writes.peekLast());
        }
        while (!round.isEmpty()) {
            List<BatchWriter.Rejected> rejected;
            long started = System.nanoTime();
            try {
                rejected = writer.write(round);
                metrics.batchLatency.record((System.nanoTime() - started) / 1_000_000.0);
            } catch (RetriableException e) {
                metrics.retriableFailures.increment();
                long timeout = redeliveryTimeoutMs(consecutiveRetriableFailures++);
                if (context != null) {
                    context.timeout(timeout);
                }
                log.warn("{} Redelivery in {} ms.", e.getMessage(), timeout);
                throw e;
            }
            round = new ArrayList<>();
            for (BatchWriter.Rejected r : rejected) {
                report(r.op().record(), new UnwritableRecordException(r.op().record(), r.field(), r.reason()),
                        reported);
                Deque<WriteOp> writes = byKey.get(r.op().key());
                writes.removeLast();
                if (!writes.isEmpty()) {
                    round.add(writes.peekLast());
                }
            }
            if (!round.isEmpty() && log.isDebugEnabled()) {
                log.debug("Writing {} earlier record(s) in place of rejected later ones with the same key",
                        round.size());
            }
        }
        consecutiveRetriableFailures = 0;
        // Connect waits for reported records before committing offsets too; waiting here keeps put() honest
        // about "everything handled" and surfaces a failing DLQ producer in this put().
        for (Future<Void> f : reported) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException("Interrupted while waiting for the errant record reporter", e);
            } catch (ExecutionException e) {
                throw new ConnectException("The errant record reporter failed: " + e.getCause(), e.getCause());
            }
        }
    }

    private void report(SinkRecord record, UnwritableRecordException e, List<Future<Void>> reported) {
        if (reporter == null) {
            throw new ConnectException(e.getMessage() + ". No dead letter queue is configured (errors.tolerance=all "
                    + "and errors.deadletterqueue.topic.name), so the task stops.", e);
        }
        if (log.isDebugEnabled()) {
            log.debug("Sending to the errant record reporter: {}", e.getMessage());
        }
        metrics.deadLettered();
        reported.add(reporter.report(record, e));
    }

    /** The wait before redelivery after the n-th consecutive retriable failure (0-based), in ms. */
    static long redeliveryTimeoutMs(int failures) {
        long ceiling = REDELIVERY_BACKOFF.ceilingMillis(Math.min(failures, 62));
        return ceiling - REDELIVERY_BACKOFF.delayMillis(Math.min(failures, 62)) / 2;
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        // put() only returns once everything is durable, so there is nothing buffered to flush.
    }

    @Override
    public void stop() {
        if (writer != null) {
            writer.close();
        }
        if (factory != null) {
            factory.close();
        }
        CloudWatchPublisher.close(publisher);
        publisher = null;
        metrics.close();
        log.info("DynamoDB sink task stopped: {} items written, {} deleted, {} retries, {} to DLQ",
                metrics.getItemsWritten(), metrics.getItemsDeleted(), metrics.getRetries(),
                metrics.getRecordsSentToDlq());
    }

    DynamoDbSinkTaskMetrics metrics() {
        return metrics;
    }
}
