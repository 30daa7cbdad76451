package io.mskbridge.smt;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;

/** Builders for test records. */
final class TestRecords {

    static final Instant NOW = Instant.parse("2026-11-22T05:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private TestRecords() {
    }

    static SinkRecord sink(Object value) {
        return new SinkRecord("events", 3, null, "k", null, value, 42L, 1_700_000_000_000L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME);
    }

    static SinkRecord sink(Schema schema, Object value) {
        return new SinkRecord("events", 3, Schema.STRING_SCHEMA, "k", schema, value, 42L, 1_700_000_000_000L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME);
    }

    static SourceRecord source(Object value) {
        Map<String, Object> partition = new HashMap<>();
        partition.put("shard", "shardId-000000000001");
        Map<String, Object> offset = new HashMap<>();
        offset.put("seq", "4960");
        return new SourceRecord(partition, offset, "events", 2, null, "k", null, value, 1_700_000_000_000L);
    }

    @SafeVarargs
    static Map<String, Object> map(Map.Entry<String, Object>... entries) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : entries) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    static Map.Entry<String, Object> e(String k, Object v) {
        return new java.util.AbstractMap.SimpleEntry<>(k, v);
    }

    /** The seed's full record: every field the Lambda reads. */
    static Map<String, Object> seedRecord() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event_type", "purchase");
        m.put("timestamp", "2026-11-22T04:59:00.123456");
        m.put("user_id", "user123");
        m.put("session_id", "s-1");
        Map<String, Object> meta = new HashMap<>();
        meta.put("source", "web");
        m.put("metadata", meta);
        m.put("amount", 19.99);
        m.put("version", "1.0");
        return m;
    }

    static final Schema SEED_SCHEMA = SchemaBuilder.struct().name("io.mskbridge.Event").version(1)
            .field("event_type", Schema.OPTIONAL_STRING_SCHEMA)
            .field("timestamp", Schema.OPTIONAL_STRING_SCHEMA)
            .field("user_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("session_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("metadata", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).optional().build())
            .field("amount", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("currency", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    static Struct seedStruct() {
        Map<String, String> meta = new HashMap<>();
        meta.put("source", "web");
        return new Struct(SEED_SCHEMA)
                .put("event_type", "purchase")
                .put("timestamp", "2026-11-22T04:59:00.123456")
                .put("user_id", "user123")
                .put("session_id", "s-1")
                .put("metadata", meta)
                .put("amount", 19.99);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    static Map<String, String> props(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
