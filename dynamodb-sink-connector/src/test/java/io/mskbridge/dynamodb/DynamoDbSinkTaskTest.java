package io.mskbridge.dynamodb;

import static io.mskbridge.dynamodb.TestConfigs.event;
import static io.mskbridge.dynamodb.TestConfigs.record;
import static io.mskbridge.dynamodb.TestConfigs.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

class DynamoDbSinkTaskTest {

    private final FakeDynamoDb ddb = new FakeDynamoDb();
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private final List<Long> timeouts = new CopyOnWriteArrayList<>();
    private DynamoDbSinkTask task;

    private DynamoDbSinkTask start(boolean withReporter, String... overrides) {
        if (task != null) {
            task.stop();
        }
        task = new DynamoDbSinkTask(ddb);
        task.initialize(context(withReporter ? (r, e) -> {
            reported.add(r.kafkaOffset() + ":" + e.getMessage());
            return CompletableFuture.completedFuture(null);
        } : null));
        task.start(seed(overrides));
        return task;
    }

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
    }

    private static List<SinkRecord> events(int n, int distinctUsers) {
        List<SinkRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> e = event("purchase", "u" + (i % distinctUsers), "t");
            e.put("seq", i);
            out.add(record(null, e, i));
        }
        return out;
    }

    @Test
    void writesInBatchesOfAtMost25() {
        start(true, DynamoDbSinkConfig.MAX_IN_FLIGHT, "4");
        task.put(events(260, 1000));
        assertThat(ddb.items).hasSize(260);
        assertThat(ddb.batchSizes).hasSize(11).allMatch(s -> s <= 25);
        assertThat(task.metrics().getItemsWritten()).isEqualTo(260);

        start(true, DynamoDbSinkConfig.BATCH_SIZE, "10", DynamoDbSinkConfig.MAX_IN_FLIGHT, "1");
        ddb.batchSizes.clear();
        task.put(events(25, 1000));
        assertThat(ddb.batchSizes).containsExactly(10, 10, 5);
    }

    @Test
    void sameKeyTwiceInOnePutKeepsTheLastRecord() {
        start(true);
        task.put(events(100, 7));
        assertThat(ddb.items).hasSize(7);
        // user u3 was last written by seq 94 (94 % 7 == 3)
        assertThat(ddb.items.get("purchase#u3|t").get("seq").n()).isEqualTo("94");
        assertThat(task.metrics().getDuplicatesCollapsed()).isEqualTo(93);
    }

    @Test
    void unprocessedItemsAreRetriedUntilWritten() {
        start(true, DynamoDbSinkConfig.RETRY_BACKOFF_MS, "1");
        AtomicInteger calls = new AtomicInteger();
        // Every other call leaves half of the batch unprocessed.
        ddb.script = reqs -> calls.incrementAndGet() % 2 == 1 && reqs.size() > 1
                ? new ArrayList<>(reqs.subList(0, reqs.size() / 2)) : null;
        task.put(events(100, 1000));
        assertThat(ddb.items).hasSize(100);
        assertThat(task.metrics().getUnprocessedItems()).isGreaterThan(0);
        assertThat(task.metrics().getRetries()).isGreaterThan(0);
        assertThat(task.metrics().getItemsWritten()).isEqualTo(100);
    }

    @Test
    void throttlingAndServerErrorsAreRetried() {
        start(true, DynamoDbSinkConfig.RETRY_BACKOFF_MS, "1");
        AtomicInteger calls = new AtomicInteger();
        ddb.script = reqs -> {
            int c = calls.incrementAndGet();
            return c % 3 == 1 ? FakeDynamoDb.error(400, "ProvisionedThroughputExceededException")
                    : c % 3 == 2 ? FakeDynamoDb.error(500, "InternalServerError") : null;
        };
        task.put(events(60, 1000));
        assertThat(ddb.items).hasSize(60);
        assertThat(task.metrics().getThrottledRequests()).isGreaterThan(0);
    }

    @Test
    void exhaustedRetryBudgetThrowsRetriableAndRedeliveryCompletes() {
        start(true, DynamoDbSinkConfig.RETRY_MAX_MS, "100", DynamoDbSinkConfig.RETRY_BACKOFF_MS, "5");
        ddb.script = reqs -> new ArrayList<>(reqs);
        List<SinkRecord> batch = events(30, 1000);
        assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class)
                .hasMessageContaining("still unwritten").hasMessageContaining(DynamoDbSinkConfig.RETRY_MAX_MS);
        assertThat(task.metrics().getRetriableFailures()).isEqualTo(1);
        ddb.script = reqs -> null;
        task.put(batch);
        assertThat(ddb.items).hasSize(30);
    }

    @Test
    void aRetriableFailureAsksConnectToBackOffBeforeRedeliveringAndTheWaitGrows() {
        start(true, DynamoDbSinkConfig.RETRY_MAX_MS, "0", DynamoDbSinkConfig.RETRY_BACKOFF_MS, "1");
        ddb.script = reqs -> FakeDynamoDb.error(500, "InternalServerError");
        List<SinkRecord> batch = events(3, 1000);
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class);
        }
        assertThat(timeouts).hasSize(4);
        assertThat(timeouts.get(0)).isBetween(500L, 1000L);
        assertThat(timeouts.get(3)).isBetween(4000L, 8000L);
        ddb.script = reqs -> null;
        task.put(batch);
        assertThat(timeouts).hasSize(4);
        // After a success the wait starts small again.
        ddb.script = reqs -> FakeDynamoDb.error(500, "InternalServerError");
        assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class);
        assertThat(timeouts.get(4)).isBetween(500L, 1000L);
    }

    @Test
    void aValueThatIsTheStringNullIsARecordErrorAndTheOthersAreWritten() {
        // JsonConverter turns the JSON string "null" into the Java string null; a constant key template reads no
        // value field, so nothing stops the record before it becomes an item.
        start(true, DynamoDbSinkConfig.PARTITION_TEMPLATE, "{kafka.topic}#{kafka.offset}",
                DynamoDbSinkConfig.SORT_TEMPLATE, "{kafka.partition}");
        List<SinkRecord> batch = events(4, 1000);
        batch.add(2, record(null, "null", 50));
        task.put(batch);
        assertThat(ddb.items).hasSize(4);
        assertThat(reported).singleElement().satisfies(s -> assertThat(s).startsWith("50:")
                .contains("topic=transactions, partition=0, offset=50").contains("field '<value>'")
                .contains("JSON null"));
    }

    @Test
    void whenTheLastRecordOfAKeyIsRejectedTheEarlierOneIsWrittenInstead() {
        start(true);
        List<SinkRecord> batch = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Map<String, Object> e = event("purchase", "u1", "t");
            e.put("seq", i);
            e.put("bad", i >= 2); // DynamoDB rejects #2 and #3; #1 is the last good one
            batch.add(record(null, e, i));
        }
        batch.addAll(events(3, 1000).subList(2, 3)); // another key, written as usual
        ddb.script = reqs -> reqs.stream().anyMatch(r -> Boolean.TRUE.equals(
                r.putRequest().item().getOrDefault("bad", AttributeValue.fromBool(false)).bool()))
                ? FakeDynamoDb.error(400, "ValidationException",
                "One or more parameter values were invalid: Type mismatch for Index Key bad Expected: S Actual: BOOL")
                : null;
        task.put(batch);
        assertThat(ddb.items.get("purchase#u1|t").get("seq").n()).isEqualTo("1");
        assertThat(ddb.items).containsKey("purchase#u2|t");
        assertThat(reported).hasSize(2);
        assertThat(reported.get(0)).startsWith("3:").contains("offset=3").contains("field 'bad'");
        assertThat(reported.get(1)).startsWith("2:").contains("offset=2").contains("field 'bad'");
    }

    @Test
    void aTableWhoseKeyTypeDoesNotMatchFailsTheTaskAtStartNamingTheSetting() {
        ddb.describe = name -> FakeDynamoDb.table(name, "pk", "N", "sk", "S");
        assertThatThrownBy(() -> start(true)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("mskbridge-events-dev").hasMessageContaining("type N")
                .hasMessageContaining(DynamoDbSinkConfig.PARTITION_TYPE + "=N");
        task = null;
        // With the type configured, the same table is fine and gets numeric keys.
        start(true, DynamoDbSinkConfig.PARTITION_TYPE, "N", DynamoDbSinkConfig.PARTITION_TEMPLATE, "{seq}");
        task.put(events(3, 1000));
        assertThat(ddb.items).containsOnlyKeys("0|t", "1|t", "2|t");
        assertThat(ddb.items.get("1|t").get("pk").n()).isEqualTo("1");
    }

    @Test
    void aTemplatedTableIsCheckedWhenFirstMetAndAMismatchFailsWithoutTouchingTheDlq() {
        ddb.describe = name -> name.equals("other-table") ? FakeDynamoDb.table(name, "id", "S", null, null)
                : FakeDynamoDb.table(name, "pk", "S", "sk", "S");
        start(true, DynamoDbSinkConfig.TABLE, "{table}");
        assertThat(ddb.described).isEmpty();
        List<SinkRecord> good = events(2, 1000);
        good.forEach(r -> ((Map<String, Object>) r.value()).put("table", "good-table"));
        task.put(good);
        task.put(good);
        assertThat(ddb.described).containsExactly("good-table");
        List<SinkRecord> bad = events(2, 1000);
        bad.forEach(r -> ((Map<String, Object>) r.value()).put("table", "other-table"));
        assertThatThrownBy(() -> task.put(bad)).isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class).hasMessageContaining("other-table")
                .hasMessageContaining(DynamoDbSinkConfig.PARTITION_ATTRIBUTE + "=id");
        assertThat(reported).isEmpty();
    }

    @Test
    void aKeySchemaRejectionIsAConfigErrorOnceDescribeTableConfirmsIt() {
        start(true);
        // The table changed under the running task: DynamoDB now wants a numeric pk.
        ddb.describe = name -> FakeDynamoDb.table(name, "pk", "N", "sk", "S");
        ddb.script = reqs -> FakeDynamoDb.error(400, "ValidationException",
                "One or more parameter values were invalid: Type mismatch for key pk expected: N actual: S");
        assertThatThrownBy(() -> task.put(events(5, 1000))).isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class).hasMessageContaining("Type mismatch for key pk")
                .hasMessageContaining(DynamoDbSinkConfig.PARTITION_TYPE + "=N");
        assertThat(reported).isEmpty();
        assertThat(task.metrics().getRecordsSentToDlq()).isZero();

        // Without DescribeTable permission the key-schema message alone decides.
        ddb.describe = name -> FakeDynamoDb.error(400, "AccessDeniedException");
        start(true);
        assertThatThrownBy(() -> task.put(events(5, 1000))).isInstanceOf(ConnectException.class)
                .hasMessageContaining("key schema").hasMessageContaining(DynamoDbSinkConfig.PARTITION_TYPE);
        assertThat(reported).isEmpty();
    }

    @Test
    void aTaskWithoutDescribeTablePermissionStillWrites() {
        ddb.describe = name -> FakeDynamoDb.error(400, "AccessDeniedException");
        start(true);
        task.put(events(3, 1000));
        assertThat(ddb.items).hasSize(3);
    }

    @Test
    void unwritableRecordsGoToTheReporterAndTheRestIsWritten() {
        start(true);
        List<SinkRecord> batch = events(5, 1000);
        batch.add(record(null, Map.of("event_type", "x", "timestamp", "t", "v", Double.NaN), 99));
        task.put(batch);
        assertThat(ddb.items).hasSize(5);
        assertThat(reported).singleElement().satisfies(s -> assertThat(s).startsWith("99:").contains("field 'v'"));
        assertThat(task.metrics().getRecordsSentToDlq()).isEqualTo(1);
    }

    @Test
    void withoutReporterAnUnwritableRecordFailsTheTask() {
        start(false);
        assertThatThrownBy(() -> task.put(List.of(record(null, Map.of("timestamp", "t"), 12))))
                .isInstanceOf(ConnectException.class).isNotInstanceOf(RetriableException.class)
                .hasMessageContaining("offset=12").hasMessageContaining("field 'pk'")
                .hasMessageContaining("No dead letter queue");
    }

    @Test
    void aBatchRejectedAsInvalidIsSplitSoOnlyTheCulpritIsReported() {
        start(true);
        ddb.script = reqs -> reqs.stream().anyMatch(r -> FakeDynamoDb.key(r).startsWith("purchase#u3|"))
                ? FakeDynamoDb.error(400, "ValidationException") : null;
        task.put(events(10, 1000));
        assertThat(ddb.items).hasSize(9).doesNotContainKey("purchase#u3|t");
        assertThat(reported).singleElement().satisfies(s -> assertThat(s).startsWith("3:")
                .contains("ValidationException"));
    }

    @Test
    void fatalErrorsFailWithAnActionableMessage() {
        start(true);
        ddb.script = reqs -> FakeDynamoDb.error(400, "AccessDeniedException");
        assertThatThrownBy(() -> task.put(events(3, 1000))).isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class).hasMessageContaining("AccessDeniedException")
                .hasMessageContaining("dynamodb:BatchWriteItem");
    }

    @Test
    void tombstonesDeleteOrSkip() {
        start(true, DynamoDbSinkConfig.DELETE_ON_TOMBSTONE, "true",
                DynamoDbSinkConfig.DELETE_PARTITION_TEMPLATE, "{key:event_type}#{key:user_id|anonymous}",
                DynamoDbSinkConfig.DELETE_SORT_TEMPLATE, "{key:timestamp}");
        task.put(events(3, 1000));
        SinkRecord tomb = new SinkRecord("t", 0, null, Map.of("event_type", "purchase", "user_id", "u1",
                "timestamp", "t"), null, null, 10, 1L, TimestampType.CREATE_TIME);
        task.put(List.of(tomb));
        assertThat(ddb.items).containsOnlyKeys("purchase#u0|t", "purchase#u2|t");
        assertThat(task.metrics().getItemsDeleted()).isEqualTo(1);

        start(true);
        task.put(List.of(tomb));
        assertThat(ddb.items).hasSize(2);
        assertThat(task.metrics().getTombstonesSkipped()).isEqualTo(1);
    }

    @Test
    void metricsMBeanIsRegisteredAndRemovedOnStop() throws Exception {
        start(true);
        task.put(events(3, 1000));
        var name = DynamoDbSinkTaskMetrics.objectName("ddb-test", "0");
        assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(name, "ItemsWritten")).isEqualTo(3L);
        task.stop();
        task = null;
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(name)).isFalse();
    }

    private SinkTaskContext context(ErrantRecordReporter reporter) {
        return new SinkTaskContext() {
            @Override
            public Map<String, String> configs() {
                return Map.of();
            }

            @Override
            public void offset(Map<TopicPartition, Long> offsets) {
            }

            @Override
            public void offset(TopicPartition tp, long offset) {
            }

            @Override
            public void timeout(long timeoutMs) {
                timeouts.add(timeoutMs);
            }

            @Override
            public Set<TopicPartition> assignment() {
                return Set.of();
            }

            @Override
            public void pause(TopicPartition... partitions) {
            }

            @Override
            public void resume(TopicPartition... partitions) {
            }

            @Override
            public void requestCommit() {
            }

            @Override
            public ErrantRecordReporter errantRecordReporter() {
                return reporter;
            }
        };
    }

    static Future<Void> done() {
        return CompletableFuture.completedFuture(null);
    }

    static List<WriteRequest> none() {
        return List.of();
    }
}
