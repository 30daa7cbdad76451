package io.mskbridge.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mskbridge.harness.S3ProxyServer;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The shipped example {@code examples/s3-archive-processed-parquet.json}: processed seed events (schemaless JSON,
 * as the SMT chain leaves them, read with JsonConverter schemas.enable=false) archived as Parquet with its
 * s3.value.schema, then read back with DuckDB, an independent Parquet reader (C++, not parquet-java): every
 * row and the column types an Athena table over the archive declares; poison values in the DLQ naming the field.
 */
class ProcessedParquetArchiveTest {

    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z

    @TempDir
    Path tmp;

    /** The example's config, pointed at the test's S3Proxy bucket; flush.size small enough for the test. */
    private static Map<String, String> exampleConfig(String bucket) throws Exception {
        JsonNode example = JSON.readTree(Files.readString(Path.of("examples/s3-archive-processed-parquet.json")));
        Map<String, String> p = new HashMap<>();
        example.get("config").fields().forEachRemaining(e -> p.put(e.getKey(), e.getValue().asText()));
        S3.client().createBucket(b -> b.bucket(bucket));
        Map<String, String> local = TaskDriver.props(S3.endpoint(), bucket);
        p.putAll(local);
        p.put("flush.size", "8");
        return p;
    }

    /** A processed event as the shipped chain writes it (see local's SampleEvents and smt/README.md). */
    private static Map<String, Object> processed(String topic, int n) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", topic.substring(0, 3) + "-" + n);
        String hour = n % 4 == 3 ? "2025-12-31T22" : "2026-01-01T00"; // some events arrive two hours late
        f.put("timestamp", hour + ":00:00." + String.format("%06d", n));
        f.put("version", "1.0");
        if (n % 5 != 0) {
            f.put("user_id", "user-" + n);
        }
        f.put("session_id", "session-" + n);
        if (n % 2 == 0) {
            f.put("metadata", Map.of("device", "ios", "app_version", "2." + n, "screen", "1080p"));
        }
        if (topic.startsWith("transaction")) {
            f.put("event_type", "purchase");
            f.put("amount", 19.99 + n);
            f.put("amount_cents", 1999L + n * 100L);
            f.put("currency", "USD");
            f.put("merchant", "merchant-" + n);
            f.put("country", "US");
        } else {
            f.put("event_type", "telemetry");
            f.put("device_id", "device-" + n);
            f.put("temperature", 23.45);
        }
        f.put("environment", "dev");
        f.put("processed_timestamp", "2026-01-01T00:00:05.123Z");
        f.put("quality_score", 0.9);
        f.put("fraud_flag", n == 1);
        f.put("fraud_score", n == 1 ? 0.5 : 0.0);
        f.put("fraud_reasons", n == 1 ? List.of("high_amount") : List.of());
        f.put("debug", "not in the schema");
        return f;
    }

    /** The record a sink with JsonConverter (schemas.enable=false) gets for this JSON. */
    private static SinkRecord record(JsonConverter conv, String topic, long offset, Map<String, Object> value)
            throws Exception {
        byte[] json = JSON.writeValueAsBytes(value);
        SchemaAndValue v = conv.toConnectData(topic, json);
        return new SinkRecord(topic, 0, null, "k", v.schema(), v.value(), offset, T0 + offset * 1000,
                TimestampType.CREATE_TIME);
    }

    @Test
    void theProcessedTopicIsArchivedAsParquetThatDuckDbReadsWithTheAthenaColumnTypes() throws Exception {
        Map<String, String> p = exampleConfig("pq-processed");
        JsonConverter conv = new JsonConverter();
        conv.configure(Map.of("schemas.enable", "false"), false);
        String tx = "transactiondatastream-dev";
        String iot = "iotdatastream-dev";
        List<SinkRecord> records = new ArrayList<>();
        for (int n = 0; n < 8; n++) {
            records.add(record(conv, iot, n, processed(iot, n)));
        }
        int offset = 0;
        for (int n = 0; n < 8; n++) {
            if (n == 2) {
                Map<String, Object> bad = processed(tx, 100);
                bad.put("amount", "abc");
                records.add(record(conv, tx, offset++, bad));
            }
            if (n == 5) {
                Map<String, Object> bad = processed(tx, 101);
                bad.put("amount_cents", 12.5);
                records.add(record(conv, tx, offset++, bad));
            }
            records.add(record(conv, tx, offset++, processed(tx, n)));
        }
        List<String> reasons = new ArrayList<>();
        ErrantRecordReporter reporter = (r, e) -> {
            reasons.add(e.getMessage());
            return CompletableFuture.completedFuture(null);
        };
        List<TopicPartition> tps = List.of(new TopicPartition(iot, 0), new TopicPartition(tx, 0));
        long dropped;
        try (TaskDriver d = new TaskDriver(p, tps, reporter)) {
            d.put(records);
            d.commit(tps);
            dropped = d.task.metrics().getValueFieldsDropped();
        }
        assertThat(reasons).hasSize(2);
        assertThat(reasons.get(0)).contains("topic=" + tx, "offset=2", "field 'amount'", "\"abc\"");
        assertThat(reasons.get(1)).contains("topic=" + tx, "offset=6", "field 'amount_cents'", "12.5");
        // "debug" on all 16 records, "metadata.screen" on the 8 with metadata.
        assertThat(dropped).isEqualTo(24);

        List<String> keys = new ArrayList<>();
        for (S3Object o : TaskDriver.list(S3.client(), "pq-processed")) {
            keys.add(o.key());
        }
        // Event-time partitioning: the late events of each batch land in their own hour's object.
        assertThat(keys).containsExactlyInAnyOrder(
                "processed-parquet/" + iot + "/2026/01/01/00/" + iot + "+0+" + TopicPartitionWriter.pad(0) + ".parquet",
                "processed-parquet/" + iot + "/2025/12/31/22/" + iot + "+0+" + TopicPartitionWriter.pad(3) + ".parquet",
                "processed-parquet/" + tx + "/2026/01/01/00/" + tx + "+0+" + TopicPartitionWriter.pad(0) + ".parquet",
                "processed-parquet/" + tx + "/2025/12/31/22/" + tx + "+0+" + TopicPartitionWriter.pad(4) + ".parquet");
        List<String> files = new ArrayList<>();
        for (String k : keys) {
            Path f = Files.createTempFile(tmp, "obj", ".parquet");
            Files.write(f, TaskDriver.get(S3.client(), "pq-processed", k).asByteArray());
            files.add("'" + f + "'");
        }

        Class.forName("org.duckdb.DuckDBDriver");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            String from = " FROM read_parquet([" + String.join(",", files) + "])";
            Map<String, String> types = new LinkedHashMap<>();
            try (ResultSet rs = st.executeQuery("DESCRIBE SELECT *" + from)) {
                while (rs.next()) {
                    types.put(rs.getString("column_name"), rs.getString("column_type"));
                }
            }
            assertThat(types).containsEntry("id", "VARCHAR").containsEntry("event_type", "VARCHAR")
                    .containsEntry("timestamp", "VARCHAR").containsEntry("amount", "DOUBLE")
                    .containsEntry("amount_cents", "BIGINT").containsEntry("temperature", "DOUBLE")
                    .containsEntry("metadata", "STRUCT(device VARCHAR, app_version VARCHAR)")
                    .containsEntry("processed_timestamp", "TIMESTAMP WITH TIME ZONE")
                    .containsEntry("fraud_flag", "BOOLEAN").containsEntry("fraud_reasons", "VARCHAR[]")
                    .doesNotContainKey("debug");
            assertThat(types).hasSize(22);

            try (ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT id), sum(amount_cents), "
                    + "count(user_id), count(metadata), min(epoch_ms(processed_timestamp)), "
                    + "sum(CASE WHEN fraud_flag THEN 1 ELSE 0 END), sum(len(fraud_reasons))" + from)) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(16);
                assertThat(rs.getLong(2)).isEqualTo(16);
                assertThat(rs.getLong(3)).isEqualTo(8 * 1999L + 100L * 28);
                assertThat(rs.getLong(4)).isEqualTo(12); // user_id absent on n = 0, 5 of each topic
                assertThat(rs.getLong(5)).isEqualTo(8);
                assertThat(rs.getLong(6)).isEqualTo(1_767_225_605_123L);
                assertThat(rs.getLong(7)).isEqualTo(2);
                assertThat(rs.getLong(8)).isEqualTo(2);
            }
            try (ResultSet rs = st.executeQuery("SELECT id, amount, metadata.device, metadata.app_version, "
                    + "\"timestamp\", temperature" + from + " WHERE id IN ('tra-2', 'iot-3') ORDER BY id")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("iot-3");
                assertThat(rs.getObject(2)).isNull();
                assertThat(rs.getObject(3)).isNull();
                assertThat(rs.getString(5)).isEqualTo("2025-12-31T22:00:00.000003");
                assertThat(rs.getDouble(6)).isEqualTo(23.45);
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("tra-2");
                assertThat(rs.getDouble(2)).isEqualTo(21.99);
                assertThat(rs.getString(3)).isEqualTo("ios");
                assertThat(rs.getString(4)).isEqualTo("2.2");
            }
        }
        assertThat(new String(Files.readAllBytes(Path.of("examples/s3-archive-processed-parquet.json")),
                StandardCharsets.UTF_8)).contains("\"s3.format\": \"parquet\"");
    }
}
