package io.mskbridge.dynamodb;

import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.connect.sink.SinkRecord;

import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * What the benchmarks in {@code io.mskbridge.dynamodb.bench} need from this package: the seed's configuration of
 * {@link TestConfigs} and the package-private {@link ItemMapper}. Public for those benchmarks only; the classes
 * it reaches stay package-private.
 */
public final class BenchSupport {

    private BenchSupport() {
    }

    /** {@link TestConfigs#seed(String...)}: the seed's pk/sk/ttl configuration with overrides (null removes). */
    public static Map<String, String> seedConfig(String... overrides) {
        return TestConfigs.seed(overrides);
    }

    /** A task writing to an in-memory DynamoDB (every key schema is pk/sk strings): measures the task alone. */
    public static DynamoDbSinkTask taskWithInMemoryDynamoDb() {
        return new DynamoDbSinkTask(new FakeDynamoDb());
    }

    /** The task's own record → write request mapping ({@link ItemMapper}) for the configuration {@code props}. */
    public static Function<SinkRecord, WriteRequest> itemMapper(Map<String, String> props) {
        ItemMapper mapper = new ItemMapper(new DynamoDbSinkConfig(props));
        return record -> mapper.map(record).request();
    }
}
