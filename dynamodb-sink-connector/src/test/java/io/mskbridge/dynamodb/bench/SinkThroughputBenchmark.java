package io.mskbridge.dynamodb.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.sink.SinkRecord;

import io.mskbridge.aws.AwsClientFactory;
import io.mskbridge.aws.AwsSettings;
import io.mskbridge.dynamodb.BenchSupport;
import io.mskbridge.dynamodb.DynamoDbSinkConfig;
import io.mskbridge.dynamodb.DynamoDbSinkTask;
import io.mskbridge.harness.DynamoDbLocal;
import io.mskbridge.harness.TestAws;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Throughput of the sink task against DynamoDB Local, next to (a) a bare SDK loop of concurrent BatchWriteItem
 * calls on the same items with the same concurrency and HTTP client, and (b) one PutItem per record, as the seed
 * Lambda's {@code store_in_dynamodb} does. Not a unit test; run with
 * {@code mvn -B -o -pl dynamodb-sink-connector -am -Pbenchmarks verify -DskipTests -DskipITs -Dbench.items=10000}.
 * Fresh tables per run so no variant writes into a bigger table than another; best of two rounds.
 */
public final class SinkThroughputBenchmark {

    private static final int IN_FLIGHT = 8;
    private static final int POLL = 500; // Connect's default max.poll.records: the size of one put()

    private SinkThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int putItemN = Math.min(n, 2_000);
        try (DynamoDbLocal dynamo = new DynamoDbLocal()) {
            dynamo.start();
            Map<String, String> props = BenchSupport.seedConfig(DynamoDbSinkConfig.MAX_IN_FLIGHT, String.valueOf(IN_FLIGHT),
                    "aws.endpoint.url", dynamo.endpoint().toString(), "aws.access.key.id", TestAws.ACCESS_KEY,
                    "aws.secret.access.key", TestAws.SECRET_KEY, DynamoDbSinkConfig.TABLE, "{kafka.topic}");
            try (AwsClientFactory factory = new AwsClientFactory(AwsSettings.from(props))) {
                DynamoDbClient client = factory.dynamoDb(IN_FLIGHT + 1);
                ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
                // Warm-up: JIT, connection pool, DynamoDB Local's own warm-up.
                runTask(props, records("warm-task", 2_000));
                runSdk(client, pool, "warm-sdk", records("warm-sdk", 2_000), props);
                double sdk = 0;
                double task = 0;
                for (int round = 1; round <= 2; round++) {
                    sdk = Math.max(sdk, runSdk(client, pool, "sdk-" + round, records("sdk-" + round, n), props));
                    task = Math.max(task, runTask(props, records("task-" + round, n)));
                }
                double putItem = runPutItem(client, records("putitem", putItemN), props);
                pool.shutdownNow();
                String report = String.format("%n=== DynamoDB sink throughput vs DynamoDB Local (%d items, %d in flight,"
                                + " %d records per put) ===%n"
                                + "  bare SDK BatchWriteItem loop : %8.0f items/s%n"
                                + "  DynamoDbSinkTask.put()       : %8.0f items/s   ratio to SDK %.2f (target >= 0.9)%n"
                                + "  PutItem per record (seed)    : %8.0f items/s   task speed-up %.1fx (target >= 5x; %d items)%n",
                        n, IN_FLIGHT, POLL, sdk, task, task / sdk, putItem, task / putItem, putItemN);
                System.out.println(report);
            }
        }
    }

    private static void createTable(DynamoDbClient client, String name) {
        client.createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.S)));
    }

    /** Records of the seed's shape on topic {@code table} (the table template is {kafka.topic}). */
    static List<SinkRecord> records(String table, int n) {
        List<SinkRecord> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("event_type", i % 2 == 0 ? "purchase" : "refund");
            e.put("user_id", "u" + (i % 1000));
            e.put("timestamp", "2024-01-01T00:00:00." + String.format("%06d", i) + "Z");
            e.put("amount", 19.99 + i);
            e.put("currency", "EUR");
            e.put("quality_score", 0.95);
            e.put("seq", i);
            out.add(new SinkRecord(table, 0, null, null, null, e, i, 1_700_000_000_000L + i,
                    TimestampType.CREATE_TIME));
        }
        return out;
    }

    private static double runTask(Map<String, String> props, List<SinkRecord> records) {
        String table = records.get(0).topic();
        DynamoDbSinkTask task = new DynamoDbSinkTask();
        task.start(props);
        try (AwsClientFactory f = new AwsClientFactory(AwsSettings.from(props))) {
            createTable(f.dynamoDb(1), table);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < records.size(); i += POLL) {
            task.put(records.subList(i, Math.min(records.size(), i + POLL)));
        }
        double rate = records.size() / ((System.nanoTime() - t0) / 1e9);
        task.stop();
        return rate;
    }

    /** The same items (mapped outside the timing), written by IN_FLIGHT threads of plain BatchWriteItem. */
    private static double runSdk(DynamoDbClient client, ExecutorService pool, String table, List<SinkRecord> records,
                                 Map<String, String> props) throws Exception {
        createTable(client, table);
        Function<SinkRecord, WriteRequest> mapper = BenchSupport.itemMapper(props);
        List<WriteRequest> requests = new ArrayList<>(records.size());
        for (SinkRecord r : records) {
            requests.add(mapper.apply(r));
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < requests.size(); i += POLL) {
            List<WriteRequest> poll = requests.subList(i, Math.min(requests.size(), i + POLL));
            List<Future<?>> futures = new ArrayList<>();
            for (int j = 0; j < poll.size(); j += 25) {
                List<WriteRequest> chunk = poll.subList(j, Math.min(poll.size(), j + 25));
                futures.add(pool.submit(() -> {
                    List<WriteRequest> pending = chunk;
                    while (!pending.isEmpty()) {
                        List<WriteRequest> send = pending;
                        BatchWriteItemResponse resp = client.batchWriteItem(b -> b.requestItems(Map.of(table, send)));
                        pending = resp.unprocessedItems().getOrDefault(table, List.of());
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        return requests.size() / ((System.nanoTime() - t0) / 1e9);
    }

    /** One PutItem per record, sequentially, as the seed Lambda's handler loop does. */
    private static double runPutItem(DynamoDbClient client, List<SinkRecord> records, Map<String, String> props) {
        String table = records.get(0).topic();
        createTable(client, table);
        Function<SinkRecord, WriteRequest> mapper = BenchSupport.itemMapper(props);
        long t0 = System.nanoTime();
        for (SinkRecord r : records) {
            Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item =
                    new HashMap<>(mapper.apply(r).putRequest().item());
            client.putItem(b -> b.tableName(table).item(item));
        }
        return records.size() / ((System.nanoTime() - t0) / 1e9);
    }
}
