package io.mskbridge.dynamodb;

import static io.mskbridge.dynamodb.TestConfigs.TS;
import static io.mskbridge.dynamodb.TestConfigs.event;
import static io.mskbridge.dynamodb.TestConfigs.record;
import static io.mskbridge.dynamodb.TestConfigs.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ItemMapperTest {

    private static ItemMapper mapper(String... overrides) {
        return new ItemMapper(new DynamoDbSinkConfig(seed(overrides)), () -> 5_000_000L);
    }

    @Test
    void seedKeysAndTtlFromTheRecordTimestamp() {
        WriteOp op = mapper().map(record(null, event("purchase", "u1", "2024-01-01T00:00:00Z"), 7));
        Map<String, AttributeValue> item = op.request().putRequest().item();
        assertThat(item.get("pk").s()).isEqualTo("purchase#u1");
        assertThat(item.get("sk").s()).isEqualTo("2024-01-01T00:00:00Z");
        assertThat(item.get("ttl").n()).isEqualTo(String.valueOf(TS / 1000 + 30L * 86400));
        assertThat(item.get("event_type").s()).isEqualTo("purchase");
        assertThat(op.key()).isEqualTo(new ItemKey("mskbridge-events-dev", "purchase#u1", "2024-01-01T00:00:00Z"));
        assertThat(op.put()).isTrue();

        WriteOp anonymous = mapper().map(record(null, event("view", null, "t"), 8));
        assertThat(anonymous.key().partitionKey()).isEqualTo("view#anonymous");
    }

    @Test
    void aRedeliveredRecordGivesTheSameWrite() {
        SinkRecord r = record(null, event("purchase", "u1", "t1"), 7);
        assertThat(mapper().map(r).request()).isEqualTo(new ItemMapper(new DynamoDbSinkConfig(seed()), () -> 99L)
                .map(r).request());
    }

    @Test
    void jsonStringAndStructValues() {
        WriteOp op = mapper().map(record(null,
                "{\"event_type\":\"purchase\",\"timestamp\":\"t\",\"amount\":19.990,\"n\":12345678901234567890,"
                        + "\"tags\":[\"a\"],\"meta\":{\"x\":null}}", 1));
        Map<String, AttributeValue> item = op.request().putRequest().item();
        assertThat(item.get("amount").n()).isEqualTo("19.99");
        assertThat(item.get("n").n()).isEqualTo("12345678901234567890");
        assertThat(item.get("tags").l()).containsExactly(AttributeValue.fromS("a"));
        assertThat(item.get("meta").m().get("x").nul()).isTrue();
        assertThat(item.get("pk").s()).isEqualTo("purchase#anonymous");

        Schema schema = SchemaBuilder.struct().field("event_type", Schema.STRING_SCHEMA)
                .field("user_id", Schema.OPTIONAL_STRING_SCHEMA).field("timestamp", Schema.STRING_SCHEMA).build();
        WriteOp s = mapper().map(record(schema, new Struct(schema).put("event_type", "a").put("timestamp", "t"), 2));
        assertThat(s.key().partitionKey()).isEqualTo("a#anonymous");
        assertThat(s.request().putRequest().item().get("user_id").nul()).isTrue();
    }

    @Test
    void unwritableRecordsNameCoordinatesAndField() {
        assertThatThrownBy(() -> mapper().map(record(null, Map.of("event_type", "x", "timestamp", "t", "score",
                Double.NaN), 42)))
                .isInstanceOf(UnwritableRecordException.class)
                .hasMessageContaining("topic=transactions, partition=0, offset=42")
                .hasMessageContaining("field 'score'")
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> mapper(DynamoDbSinkConfig.PARTITION_TEMPLATE, "{event_type}")
                .map(record(null, event("", null, "t"), 1)))
                .hasMessageContaining("field 'pk'").hasMessageContaining("rendered empty");
        assertThatThrownBy(() -> mapper().map(record(null, event("x", null, ""), 1)))
                .hasMessageContaining("field 'sk'").hasMessageContaining("rendered empty");
        assertThatThrownBy(() -> mapper().map(record(null, Map.of("timestamp", "t"), 1)))
                .hasMessageContaining("field 'pk'").hasMessageContaining("event_type");
        assertThatThrownBy(() -> mapper().map(record(null, "not json", 1)))
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> mapper().map(record(null, 42L, 1)))
                .hasMessageContaining("Long");
        Map<String, Object> big = event("x", null, "t");
        big.put("blob", "x".repeat(401 * 1024));
        assertThatThrownBy(() -> mapper().map(record(null, big, 3)))
                .isInstanceOf(UnwritableRecordException.class)
                .hasMessageContaining("field 'blob'").hasMessageContaining("400 KB");
        assertThatThrownBy(() -> mapper(DynamoDbSinkConfig.TABLE, "{kafka.topic}!").map(record(null, event("x", null,
                "t"), 1))).hasMessageContaining("not a valid DynamoDB table name");
    }

    @Test
    void missingTimestampPolicies() {
        SinkRecord noTs = new SinkRecord("t", 0, null, null, null, event("x", null, "t"), 1, null,
                TimestampType.NO_TIMESTAMP_TYPE);
        assertThatThrownBy(() -> mapper().map(noTs)).hasMessageContaining("field 'ttl'")
                .hasMessageContaining(DynamoDbSinkConfig.TTL_MISSING_TIMESTAMP);
        assertThat(mapper(DynamoDbSinkConfig.TTL_MISSING_TIMESTAMP, "omit").map(noTs).request().putRequest().item())
                .doesNotContainKey("ttl");
        assertThat(mapper(DynamoDbSinkConfig.TTL_MISSING_TIMESTAMP, "wall-clock").map(noTs).request().putRequest()
                .item().get("ttl").n()).isEqualTo(String.valueOf(5000 + 30L * 86400));
        assertThat(mapper(DynamoDbSinkConfig.TTL_ATTRIBUTE, null).map(noTs).request().putRequest().item())
                .doesNotContainKey("ttl");
    }

    @Test
    void tombstonesDeleteByTheRecordKeyOrAreSkipped() {
        SinkRecord tomb = new SinkRecord("t", 0, null, Map.of("event_type", "purchase", "user_id", "u1",
                "timestamp", "t1"), null, null, 5, TS, TimestampType.CREATE_TIME);
        assertThat(mapper().map(tomb)).isNull();
        WriteOp del = mapper(DynamoDbSinkConfig.DELETE_ON_TOMBSTONE, "true",
                DynamoDbSinkConfig.DELETE_PARTITION_TEMPLATE, "{key:event_type}#{key:user_id|anonymous}",
                DynamoDbSinkConfig.DELETE_SORT_TEMPLATE, "{key:timestamp}").map(tomb);
        assertThat(del.put()).isFalse();
        assertThat(del.request().deleteRequest().key()).containsOnly(
                Map.entry("pk", AttributeValue.fromS("purchase#u1")), Map.entry("sk", AttributeValue.fromS("t1")));
        assertThat(del.key()).isEqualTo(new ItemKey("mskbridge-events-dev", "purchase#u1", "t1"));
    }

    @Test
    void aStringValueThatIsJsonNullIsAnUnwritableRecord() {
        // Jackson reads "null" as a null map; before, that became an IllegalArgumentException (a task failure).
        assertThatThrownBy(() -> mapper(DynamoDbSinkConfig.PARTITION_TEMPLATE, "{kafka.offset}",
                DynamoDbSinkConfig.SORT_TEMPLATE, "{kafka.partition}").map(record(null, "null", 9)))
                .isInstanceOf(UnwritableRecordException.class)
                .hasMessageContaining("offset=9").hasMessageContaining("field '<value>'")
                .hasMessageContaining("JSON null");
        // A field holding the string "null" is just a string.
        WriteOp op = mapper().map(record(null, "{\"event_type\":\"null\",\"user_id\":\"null\",\"timestamp\":\"t\"}", 1));
        assertThat(op.request().putRequest().item().get("user_id").s()).isEqualTo("null");
        assertThat(op.key().partitionKey()).isEqualTo("null#null");
    }

    @Test
    void numberKeysAreNormalisedDecimalsAndBadOnesNameTheKey() {
        ItemMapper m = mapper(DynamoDbSinkConfig.PARTITION_TYPE, "n", DynamoDbSinkConfig.PARTITION_TEMPLATE, "{id}",
                DynamoDbSinkConfig.SORT_TYPE, "N", DynamoDbSinkConfig.SORT_TEMPLATE, "{kafka.offset}");
        Map<String, Object> v = event("x", null, "t");
        v.put("id", "007.50");
        WriteOp op = m.map(record(null, v, 12));
        assertThat(op.request().putRequest().item().get("pk")).isEqualTo(AttributeValue.fromN("7.5"));
        assertThat(op.request().putRequest().item().get("sk")).isEqualTo(AttributeValue.fromN("12"));
        assertThat(op.key()).isEqualTo(new ItemKey("mskbridge-events-dev", "7.5", "12"));
        v.put("id", "12ab");
        assertThatThrownBy(() -> m.map(record(null, v, 13))).isInstanceOf(UnwritableRecordException.class)
                .hasMessageContaining("offset=13").hasMessageContaining("field 'pk'")
                .hasMessageContaining("not a decimal number").hasMessageContaining(DynamoDbSinkConfig.PARTITION_TYPE);
        v.put("id", "1".repeat(40));
        assertThatThrownBy(() -> m.map(record(null, v, 14))).hasMessageContaining("field 'pk'")
                .hasMessageContaining("38 significant digits");
    }

    @Test
    void binaryKeysAreDecodedFromBase64() {
        ItemMapper m = mapper(DynamoDbSinkConfig.PARTITION_TYPE, "B", DynamoDbSinkConfig.PARTITION_TEMPLATE, "{id}");
        Map<String, Object> v = event("x", null, "t");
        v.put("id", "AAEC/w==");
        WriteOp op = m.map(record(null, v, 1));
        assertThat(op.request().putRequest().item().get("pk").b().asByteArray()).containsExactly(0, 1, 2, 255);
        assertThat(op.key().partitionKey()).isEqualTo("AAEC/w==");
        v.put("id", "not base64!");
        assertThatThrownBy(() -> m.map(record(null, v, 2))).isInstanceOf(UnwritableRecordException.class)
                .hasMessageContaining("field 'pk'").hasMessageContaining("not base64");
    }
}
