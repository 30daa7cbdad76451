package io.mskbridge.dynamodb;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsErrors;
import io.mskbridge.common.Backoff;
import io.mskbridge.aws.Retry;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes a set of key-distinct {@link WriteOp}s with BatchWriteItem: chunks of at most {@code batchSize},
 * up to {@code maxInFlight} chunks at once, and returns only when every write is durable.
 *
 * <p>Each chunk retries throttling, 5xx/IO faults and UnprocessedItems (only the unprocessed ones) with
 * full-jitter backoff until the put's deadline, then gives up with a {@link RetriableException}: Connect
 * redelivers the same records and, since the writes are idempotent, rewriting the chunks that did succeed
 * is harmless. A chunk rejected as invalid (ValidationException) is split into single writes so that
 * only the offending record is reported, the rest are written; unless the rejection is about the table's key
 * schema and {@link TableSchemaCheck} confirms the table does not match the configuration: that would reject
 * every item, so it fails the task instead of filling the DLQ. Other fatal errors (access denied, missing
 * table) fail with a {@link ConnectException} a user can act on.
 */
final class BatchWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    /**
     * A write DynamoDB rejected as invalid, to be reported as an errant record.
     *
     * @param field the attribute DynamoDB's message names, else {@code <item>}
     */
    record Rejected(WriteOp op, String field, String reason) {
    }

    private final DynamoDbClient client;
    private final int batchSize;
    private final long retryMaxNanos;
    private final Backoff backoff;
    private final DynamoDbSinkTaskMetrics metrics;
    private final Consumer<String> tableCreator;
    private final TableSchemaCheck schemaCheck;
    private final String partitionAttribute;
    private final String sortAttribute;
    private final LongSupplier nanoClock;
    private final Retry.Sleeper sleeper;
    private final ExecutorService executor;

    BatchWriter(DynamoDbClient client, DynamoDbSinkConfig config, DynamoDbSinkTaskMetrics metrics,
                Consumer<String> tableCreator, TableSchemaCheck schemaCheck, LongSupplier nanoClock,
                Retry.Sleeper sleeper) {
        this.client = client;
        this.batchSize = config.batchSize();
        this.retryMaxNanos = config.retryMax().toNanos();
        this.backoff = new Backoff(config.retryBackoff(), java.time.Duration.ofSeconds(5));
        this.metrics = metrics;
        this.tableCreator = tableCreator;
        this.schemaCheck = schemaCheck;
        this.partitionAttribute = config.partitionAttribute();
        this.sortAttribute = config.sortAttribute().orElse(null);
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        int threads = config.maxInFlight();
        int pool = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        // The put() thread writes one chunk itself, so maxInFlight - 1 helpers give maxInFlight in flight.
        this.executor = threads <= 1 ? null : new ThreadPoolExecutor(threads - 1, threads - 1, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "mskbridge-dynamodb-writer-" + pool + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Writes all ops (keys must be distinct per table).
     *
     * @return writes DynamoDB rejected as invalid (the caller reports them); everything else is written
     * @throws RetriableException when the retry budget ran out on throttling/transient faults
     * @throws ConnectException   on a fatal, non-record-specific error
     */
    List<Rejected> write(Collection<WriteOp> ops) {
        if (ops.isEmpty()) {
            return List.of();
        }
        long deadline = nanoClock.getAsLong() + retryMaxNanos;
        Map<String, List<WriteOp>> byTable = new LinkedHashMap<>();
        for (WriteOp op : ops) {
            byTable.computeIfAbsent(op.key().table(), t -> new ArrayList<>()).add(op);
        }
        List<List<WriteOp>> chunks = new ArrayList<>();
        byTable.forEach((table, list) -> {
            for (int i = 0; i < list.size(); i += batchSize) {
                chunks.add(list.subList(i, Math.min(list.size(), i + batchSize)));
            }
        });
        if (log.isDebugEnabled()) {
            log.debug("Writing {} items in {} BatchWriteItem chunks to {} table(s)", ops.size(), chunks.size(),
                    byTable.size());
        }
        List<Rejected> rejected = new ArrayList<>();
        RuntimeException failure = null;
        if (executor == null || chunks.size() == 1) {
            for (List<WriteOp> chunk : chunks) {
                rejected.addAll(writeChunk(chunk, deadline));
            }
            return rejected;
        }
        List<Future<List<Rejected>>> futures = new ArrayList<>(chunks.size() - 1);
        for (int i = 1; i < chunks.size(); i++) {
            List<WriteOp> chunk = chunks.get(i);
            futures.add(executor.submit(() -> writeChunk(chunk, deadline)));
        }
        try {
            rejected.addAll(writeChunk(chunks.get(0), deadline));
        } catch (RuntimeException e) {
            failure = e;
        }
        // Wait for every chunk, even after a failure, so nothing of this put() is still writing when it returns.
        boolean interrupted = false;
        for (Future<List<Rejected>> f : futures) {
            try {
                while (true) {
                    try {
                        rejected.addAll(f.get());
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
                        : new ConnectException(e.getCause());
                failure = worse(failure, cause);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
        return rejected;
    }

    /** A fatal failure wins over a retriable one: retrying cannot fix it. */
    private static RuntimeException worse(RuntimeException a, RuntimeException b) {
        if (a == null) {
            return b;
        }
        return a instanceof RetriableException && !(b instanceof RetriableException) ? b : a;
    }

    private List<Rejected> writeChunk(List<WriteOp> chunk, long deadline) {
        String table = chunk.get(0).key().table();
        Map<ItemKey, WriteOp> pending = new LinkedHashMap<>();
        for (WriteOp op : chunk) {
            pending.put(op.key(), op);
        }
        int attempt = 0;
        boolean createdTable = false;
        schemaCheck.ensure(table);
        while (true) {
            Throwable lastFault;
            try {
                List<WriteRequest> requests = new ArrayList<>(pending.size());
                for (WriteOp op : pending.values()) {
                    requests.add(op.request());
                }
                BatchWriteItemResponse response = client.batchWriteItem(b -> b.requestItems(Map.of(table, requests)));
                metrics.batchRequests.increment();
                List<WriteRequest> unprocessed = response.hasUnprocessedItems()
                        ? response.unprocessedItems().getOrDefault(table, List.of()) : List.of();
                Map<ItemKey, WriteOp> left = new LinkedHashMap<>();
                for (WriteRequest r : unprocessed) {
                    WriteOp op = pending.get(keyOf(table, r));
                    if (op == null) {
                        throw new ConnectException("DynamoDB returned an unprocessed item for table " + table
                                + " whose key matches no request sent: " + r);
                    }
                    left.put(op.key(), op);
                }
                for (WriteOp op : pending.values()) {
                    if (!left.containsKey(op.key())) {
                        (op.put() ? metrics.itemsWritten : metrics.itemsDeleted).increment();
                    }
                }
                if (left.isEmpty()) {
                    return List.of();
                }
                metrics.unprocessed.add(left.size());
                pending = left;
                lastFault = null;
            } catch (ResourceNotFoundException e) {
                if (tableCreator == null || createdTable) {
                    throw new ConnectException("DynamoDB table '" + table + "' does not exist (" + AwsErrors.describe(e)
                            + "). Create it or set " + DynamoDbSinkConfig.TABLE_AUTO_CREATE + "=true.", e);
                }
                tableCreator.accept(table);
                createdTable = true;
                schemaCheck.ensure(table);
                continue;
            } catch (RuntimeException e) {
                if (e instanceof ConnectException) {
                    throw e;
                }
                AwsErrors.Kind kind = AwsErrors.classify(e);
                if (kind == AwsErrors.Kind.FATAL) {
                    if ("ValidationException".equals(AwsErrors.errorCode(e))) {
                        if (TableSchemaCheck.isKeySchemaError(e)) {
                            schemaCheck.confirmKeyError(table, e);
                        }
                        return isolate(table, pending, e, deadline);
                    }
                    throw new ConnectException("BatchWriteItem on DynamoDB table '" + table + "' failed: "
                            + AwsErrors.describe(e) + ". Check the table, the IAM permissions (dynamodb:BatchWriteItem) "
                            + "and the AWS settings.", e);
                }
                if (kind == AwsErrors.Kind.THROTTLING) {
                    metrics.throttled.increment();
                }
                lastFault = e;
            }
            long delay = backoff.delayMillis(attempt++);
            long now = nanoClock.getAsLong();
            if (now + TimeUnit.MILLISECONDS.toNanos(delay) > deadline) {
                String why = lastFault != null ? AwsErrors.describe(lastFault) : "DynamoDB kept returning them as "
                        + "UnprocessedItems (table throughput exhausted?)";
                throw new RetriableException(pending.size() + " of " + chunk.size() + " writes to DynamoDB table '"
                        + table + "' are still unwritten after " + attempt + " attempts within "
                        + TimeUnit.NANOSECONDS.toMillis(retryMaxNanos) + " ms (" + DynamoDbSinkConfig.RETRY_MAX_MS
                        + "): " + why + ". Connect will redeliver the records.", lastFault);
            }
            metrics.retries.increment();
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new RetriableException("Interrupted while backing off writes to " + table, ie);
            }
        }
    }

    /** Writes a rejected chunk one item at a time, so only the invalid items are reported. */
    private List<Rejected> isolate(String table, Map<ItemKey, WriteOp> pending, RuntimeException e, long deadline) {
        if (pending.size() == 1) {
            WriteOp op = pending.values().iterator().next();
            String described = AwsErrors.describe(e);
            return List.of(new Rejected(op, attributeNamed(op, described), "DynamoDB rejected the write to table '"
                    + table + "': " + described));
        }
        log.debug("A chunk of {} writes to {} was rejected ({}); writing them one by one", pending.size(), table,
                AwsErrors.describe(e));
        List<Rejected> rejected = new ArrayList<>();
        for (WriteOp op : pending.values()) {
            rejected.addAll(writeChunk(List.of(op), deadline));
        }
        return rejected;
    }

    /** The longest attribute name of the write that DynamoDB's message names as a word, else {@code <item>}. */
    static String attributeNamed(WriteOp op, String message) {
        WriteRequest r = op.request();
        Map<String, AttributeValue> attributes = r.putRequest() != null ? r.putRequest().item()
                : r.deleteRequest().key();
        String best = null;
        for (String name : attributes.keySet()) {
            if ((best == null || name.length() > best.length())
                    && java.util.regex.Pattern.compile("(?<![\\w.-])" + java.util.regex.Pattern.quote(name)
                    + "(?![\\w.-])").matcher(message).find()) {
                best = name;
            }
        }
        return best != null ? best : "<item>";
    }

    private ItemKey keyOf(String table, WriteRequest r) {
        Map<String, AttributeValue> key = r.putRequest() != null ? r.putRequest().item() : r.deleteRequest().key();
        AttributeValue pk = key.get(partitionAttribute);
        AttributeValue sk = sortAttribute == null ? null : key.get(sortAttribute);
        return new ItemKey(table, ItemMapper.keyString(pk), ItemMapper.keyString(sk));
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
