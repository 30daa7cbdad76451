package io.mskbridge.dynamodb;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.common.record.TimestampType;

/** The seed's configuration (pk/sk/ttl) with the table check off, and record builders. */
final class TestConfigs {

    static final long TS = 1_700_000_000_123L;

    private TestConfigs() {
    }

    static Map<String, String> seed() {
        Map<String, String> m = new HashMap<>();
        m.put("name", "ddb-test");
        m.put(DynamoDbSinkConfig.TABLE, "mskbridge-events-dev");
        m.put(DynamoDbSinkConfig.PARTITION_ATTRIBUTE, "pk");
        m.put(DynamoDbSinkConfig.PARTITION_TEMPLATE, "{event_type}#{user_id|anonymous}");
        m.put(DynamoDbSinkConfig.SORT_ATTRIBUTE, "sk");
        m.put(DynamoDbSinkConfig.SORT_TEMPLATE, "{timestamp}");
        m.put(DynamoDbSinkConfig.TTL_ATTRIBUTE, "ttl");
        m.put(DynamoDbSinkConfig.TABLE_CHECK, "false");
        m.put("aws.region", "us-east-1");
        m.put("aws.credentials.provider", "static");
        m.put("aws.access.key.id", "AKIDEXAMPLE");
        m.put("aws.secret.access.key", "secret");
        return m;
    }

    static Map<String, String> seed(String... overrides) {
        Map<String, String> m = seed();
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                m.remove(overrides[i]);
            } else {
                m.put(overrides[i], overrides[i + 1]);
            }
        }
        return m;
    }

    static SinkRecord record(Object key, Object value, long offset) {
        return new SinkRecord("transactions", 0, Schema.OPTIONAL_STRING_SCHEMA, key, null, value, offset, TS,
                TimestampType.CREATE_TIME);
    }

    static SinkRecord record(Schema valueSchema, Object value, long offset) {
        return new SinkRecord("transactions", 0, Schema.OPTIONAL_STRING_SCHEMA, null, valueSchema, value, offset, TS,
                TimestampType.CREATE_TIME);
    }

    static Map<String, Object> event(String type, String user, String ts) {
        Map<String, Object> m = new HashMap<>();
        m.put("event_type", type);
        if (user != null) {
            m.put("user_id", user);
        }
        m.put("timestamp", ts);
        return m;
    }
}
