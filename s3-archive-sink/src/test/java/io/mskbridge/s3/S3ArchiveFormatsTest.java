package io.mskbridge.s3;

import static io.mskbridge.s3.S3ArchiveSinkTaskTest.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mskbridge.harness.S3ProxyServer;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The archive formats as Confluent's S3 sink users expect them, through the task against an in-process S3Proxy:
 * schema changes (JSON Lines never cut on them; Avro/Parquet s3.schema.compatibility none|backward), the Kafka
 * envelope (s3.store.kafka.keys/headers), event-time partitioning (s3.partition.time.field) and the offset pad
 * width of object names.
 */
class S3ArchiveFormatsTest {

    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final Schema V1 = SchemaBuilder.struct().name("E").field("id", Schema.STRING_SCHEMA).build();
    private static final Schema V2 = SchemaBuilder.struct().name("E").field("id", Schema.STRING_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA).build();

    private static Map<String, String> props(String bucket, String format) {
        S3.client().createBucket(b -> b.bucket(bucket));
        Map<String, String> p = TaskDriver.props(S3.endpoint(), bucket);
        p.put("s3.format", format);
        p.put("s3.compression", "none");
        p.put("s3.key.template", "{kafka.topic}+{kafka.partition}+{kafka.start_offset}");
        return p;
    }

    private static SinkRecord struct(long offset, Schema schema) {
        Struct s = new Struct(schema).put("id", "s-" + offset);
        return rec(TP.topic(), TP.partition(), offset, T0, s, schema);
    }

    /** Runs the records through a task, one put, then a commit that uploads what flush.size completed. */
    private static void run(Map<String, String> props, List<SinkRecord> records) {
        try (TaskDriver d = new TaskDriver(props, List.of(TP))) {
            d.put(records);
            d.commit(List.of(TP));
        }
    }

    private static List<String> keys(String bucket) {
        List<String> out = new ArrayList<>();
        for (S3Object o : TaskDriver.list(S3.client(), bucket)) {
            out.add(o.key());
        }
        return out;
    }

    private static byte[] object(String bucket, String key) {
        return TaskDriver.get(S3.client(), bucket, key).asByteArray();
    }

    static List<GenericRecord> readAvro(byte[] data) throws Exception {
        List<GenericRecord> out = new ArrayList<>();
        try (DataFileStream<GenericRecord> in = new DataFileStream<>(new ByteArrayInputStream(data),
                new GenericDatumReader<>())) {
            in.forEach(out::add);
        }
        return out;
    }

    @TempDir
    Path tmp;

    /** The records of an Avro or Parquet object (Parquet through parquet-avro's reader). */
    private List<GenericRecord> read(String bucket, String key) throws Exception {
        if (key.endsWith(".avro")) {
            return readAvro(object(bucket, key));
        }
        Path f = Files.createTempFile(tmp, "obj", ".parquet");
        Files.write(f, object(bucket, key));
        return S3ArchiveSinkParquetTest.readAll(f);
    }

    private static List<JsonNode> lines(byte[] data) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : new String(data, StandardCharsets.UTF_8).split("\n")) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    // ---- item 7: schema changes

    @Test
    void jsonLinesNeverStartANewObjectBecauseTheSchemaChanged() throws Exception {
        Map<String, String> p = props("fmt-jsonl-schema", "jsonl");
        p.put("flush.size", "5");
        Map<String, Object> map = new HashMap<>();
        map.put("id", "s-4");
        run(p, List.of(struct(0, V1), struct(1, V2), struct(2, V1), struct(3, V2),
                rec("t", 0, 4, T0, map, null)));
        assertThat(keys("fmt-jsonl-schema")).containsExactly("t+0+" + TopicPartitionWriter.pad(0) + ".jsonl");
        assertThat(lines(object("fmt-jsonl-schema", "t+0+" + TopicPartitionWriter.pad(0) + ".jsonl")))
                .extracting(n -> n.get("id").asText()).containsExactly("s-0", "s-1", "s-2", "s-3", "s-4");
    }

    @Test
    void avroWithCompatibilityNoneStartsANewObjectOnEveryChange() throws Exception {
        Map<String, String> p = props("fmt-avro-none", "avro");
        p.put("flush.size", "2");
        run(p, List.of(struct(0, V2), struct(1, V1), struct(2, V2), struct(3, V2)));
        assertThat(keys("fmt-avro-none")).hasSize(3);
    }

    @Test
    void avroWithCompatibilityBackwardProjectsOlderRecordsToTheNewestSchemaOfTheBatch() throws Exception {
        Map<String, String> p = props("fmt-avro-backward", "avro");
        p.put("s3.schema.compatibility", "backward");
        p.put("flush.size", "3");
        // V1 -> V2 is a newer schema (it has a field V1 lacks): a new object. V1 after V2 is projected to V2.
        run(p, List.of(struct(0, V1), struct(1, V1), struct(2, V2), struct(3, V1), struct(4, V2)));
        String first = "t+0+" + TopicPartitionWriter.pad(0) + ".avro";
        String second = "t+0+" + TopicPartitionWriter.pad(2) + ".avro";
        assertThat(keys("fmt-avro-backward")).containsExactly(first, second);
        assertThat(readAvro(object("fmt-avro-backward", first))).extracting(g -> g.get("id").toString())
                .containsExactly("s-0", "s-1");
        List<GenericRecord> projected = readAvro(object("fmt-avro-backward", second));
        assertThat(projected).extracting(g -> g.get("id").toString()).containsExactly("s-2", "s-3", "s-4");
        assertThat(projected).allSatisfy(g -> assertThat(g.getSchema().getField("note")).isNotNull());
        assertThat(projected.get(1).get("note")).isNull();
    }

    @Test
    void backwardWithVersionsDropsFieldsANewerVersionDeletedAndCutsOnANewerVersion() throws Exception {
        Schema v1 = SchemaBuilder.struct().name("E").version(1).field("id", Schema.STRING_SCHEMA)
                .field("legacy", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema v2 = SchemaBuilder.struct().name("E").version(2).field("id", Schema.STRING_SCHEMA)
                .field("score", SchemaBuilder.float64().defaultValue(0.5).build()).build();
        Map<String, String> p = props("fmt-avro-versions", "parquet");
        p.put("s3.schema.compatibility", "backward");
        p.put("flush.size", "3");
        run(p, List.of(struct(0, v1), struct(1, v2), struct(2, v1), struct(3, v2)));
        assertThat(keys("fmt-avro-versions")).containsExactly("t+0+" + TopicPartitionWriter.pad(0) + ".parquet",
                "t+0+" + TopicPartitionWriter.pad(1) + ".parquet");
    }

    @Test
    void avroObjectsOfSchemalessValuesCarryTheValueSchemaAsWritten() throws Exception {
        String schema = "{\"type\":\"record\",\"name\":\"Event\",\"namespace\":\"com.example\",\"fields\":["
                + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"n\",\"type\":[\"null\",\"long\"],"
                + "\"default\":null}]}";
        Map<String, String> p = props("fmt-avro-value-schema", "avro");
        p.put("s3.value.schema", schema);
        p.put("flush.size", "3");
        Map<String, Object> a = new HashMap<>();
        a.put("id", "a");
        a.put("n", 1L);
        a.put("other", true);
        Map<String, Object> b = new HashMap<>();
        b.put("id", "b");
        // A Struct value keeps its own schema: a new object.
        run(p, List.of(rec("t", 0, 0, T0, a, null), rec("t", 0, 1, T0, b, null), struct(2, V1),
                rec("t", 0, 3, T0, a, null), rec("t", 0, 4, T0, b, null), rec("t", 0, 5, T0, b, null)));
        List<GenericRecord> r = readAvro(object("fmt-avro-value-schema", "t+0+" + TopicPartitionWriter.pad(0) + ".avro"));
        assertThat(r.get(0).getSchema()).isEqualTo(new org.apache.avro.Schema.Parser().parse(schema));
        assertThat(r).extracting(g -> g.get("id").toString() + "/" + g.get("n")).containsExactly("a/1", "b/null");
        assertThat(keys("fmt-avro-value-schema")).hasSize(3);
    }

    @Test
    void mapSchemaValuesAreConvertedToTheValueSchemaLikeSchemalessMaps() throws Exception {
        String schema = "{\"type\":\"record\",\"name\":\"Event\",\"fields\":["
                + "{\"name\":\"id\",\"type\":[\"null\",\"string\"],\"default\":null},"
                + "{\"name\":\"n\",\"type\":[\"null\",\"long\"],\"default\":null}]}";
        // What e.g. JsonConverter (schemas.enable=true) hands over for a {"type":"map"} schema.
        Schema strings = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build();
        Schema longs = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT64_SCHEMA).build();
        for (String format : List.of("avro", "parquet")) {
            String bucket = "fmt-map-" + format;
            Map<String, String> p = props(bucket, format);
            p.put("s3.value.schema", schema);
            p.put("flush.size", "3");
            Map<String, Object> a = new HashMap<>();
            a.put("id", "a");
            a.put("extra", "dropped");
            Map<String, Object> b = new HashMap<>();
            b.put("n", 7L);
            run(p, List.of(rec("t", 0, 0, T0, a, strings), rec("t", 0, 1, T0, Map.of("id", "c"), strings),
                    rec("t", 0, 2, T0, b, longs)));
            List<GenericRecord> r = read(bucket, "t+0+" + TopicPartitionWriter.pad(0) + "." + format);
            assertThat(r).as(format).extracting(g -> g.get("id") + "/" + g.get("n"))
                    .containsExactly("a/null", "c/null", "null/7");
            assertThat(keys(bucket)).as(format).hasSize(1);
        }
    }

    // ---- item 8: Kafka envelope

    private static SinkRecord withHeaders(long offset, Object value, Schema schema) {
        ConnectHeaders h = new ConnectHeaders();
        h.addString("trace", "tr-" + offset);
        h.addInt("attempt", (int) offset);
        return new SinkRecord("t", 0, Schema.STRING_SCHEMA, "key-" + offset, schema, value, offset, T0 + offset,
                TimestampType.CREATE_TIME, h);
    }

    @Test
    void jsonLinesEnvelopeHoldsKeyHeadersAndCoordinates() throws Exception {
        Map<String, String> p = props("fmt-env-jsonl", "jsonl");
        p.put("s3.store.kafka.keys", "true");
        p.put("s3.store.kafka.headers", "true");
        p.put("flush.size", "2");
        Map<String, Object> v = new HashMap<>();
        v.put("id", "a");
        run(p, List.of(withHeaders(0, v, null), withHeaders(1, struct(1, V1).value(), V1)));
        List<JsonNode> l = lines(object("fmt-env-jsonl", "t+0+" + TopicPartitionWriter.pad(0) + ".jsonl"));
        assertThat(l.get(0).toString()).isEqualTo("{\"key\":\"key-0\",\"headers\":[{\"key\":\"trace\",\"value\":"
                + "\"tr-0\"},{\"key\":\"attempt\",\"value\":0}],\"topic\":\"t\",\"partition\":0,\"offset\":0,"
                + "\"timestamp\":" + T0 + ",\"value\":{\"id\":\"a\"}}");
        assertThat(l.get(1).get("value").get("id").asText()).isEqualTo("s-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"avro", "parquet"})
    void avroAndParquetEnvelopeIsTheKafkaRecordSchema(String format) throws Exception {
        String bucket = "fmt-env-" + format;
        Map<String, String> p = props(bucket, format);
        p.put("s3.store.kafka.keys", "true");
        p.put("s3.store.kafka.headers", "true");
        p.put("flush.size", "2");
        run(p, List.of(withHeaders(0, struct(0, V1).value(), V1), withHeaders(1, struct(1, V1).value(), V1)));
        List<GenericRecord> r = read(bucket, "t+0+" + TopicPartitionWriter.pad(0) + "." + format);
        assertThat(r.get(0).getSchema().getFullName()).isEqualTo("io.mskbridge.s3.KafkaRecord");
        assertThat(r.get(0).getSchema().getFields()).extracting(f -> f.name())
                .containsExactly("key", "headers", "topic", "partition", "offset", "timestamp", "value");
        GenericRecord e = r.get(1);
        assertThat(e.get("key").toString()).isEqualTo("key-1");
        assertThat(e.get("topic").toString()).isEqualTo("t");
        assertThat(e.get("partition")).isEqualTo(0);
        assertThat(e.get("offset")).isEqualTo(1L);
        Object ts = e.get("timestamp"); // the Parquet reader converts timestamp-millis to an Instant
        assertThat(ts instanceof java.time.Instant ? ((java.time.Instant) ts).toEpochMilli() : ts).isEqualTo(T0 + 1);
        assertThat(((GenericRecord) e.get("value")).get("id").toString()).isEqualTo("s-1");
        List<?> headers = (List<?>) e.get("headers");
        assertThat(headers).hasSize(2);
        assertThat(((GenericRecord) headers.get(1)).get("key").toString()).isEqualTo("attempt");
        assertThat(((GenericRecord) headers.get(1)).get("value").toString()).isEqualTo("1");
    }

    @Test
    void onlyKeysLeavesHeadersOutAndBytesRefusesTheEnvelope() throws Exception {
        Map<String, String> p = props("fmt-env-keys", "avro");
        p.put("s3.store.kafka.keys", "true");
        p.put("flush.size", "1");
        run(p, List.of(withHeaders(0, struct(0, V1).value(), V1)));
        GenericRecord e = readAvro(object("fmt-env-keys", "t+0+" + TopicPartitionWriter.pad(0) + ".avro")).get(0);
        assertThat(e.getSchema().getField("headers")).isNull();
        assertThat(e.get("key").toString()).isEqualTo("key-0");

        Map<String, String> b = props("fmt-env-bytes", "bytes");
        b.put("s3.store.kafka.headers", "true");
        assertThatThrownBy(() -> new S3ArchiveSinkConfig(b)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bytes writes the value bytes only");
    }

    // ---- item 8: event time and offset width

    private static SinkRecord event(long offset, Object eventTime) {
        Map<String, Object> v = new HashMap<>();
        v.put("id", "e-" + offset);
        if (eventTime != null) {
            v.put("meta", Map.of("ts", eventTime));
        }
        return rec("t", 0, offset, T0, v, null);
    }

    @Test
    void eventTimeFromAFieldPartitionsTheKeysAndBadTimesAreRecordErrorsNamingTheField() throws Exception {
        Map<String, String> p = props("fmt-event-time", "jsonl");
        p.put("s3.key.template", "{time:yyyy/MM/dd/HH}/{kafka.topic}+{kafka.partition}+{kafka.start_offset}");
        p.put("s3.partition.time.field", "meta.ts");
        p.put("flush.size", "4");
        List<SinkRecord> reported = new ArrayList<>();
        List<Throwable> reasons = new ArrayList<>();
        ErrantRecordReporter reporter = (r, e) -> {
            reported.add(r);
            reasons.add(e);
            return CompletableFuture.completedFuture(null);
        };
        S3ArchiveSinkConfig config = new S3ArchiveSinkConfig(p);
        try (TaskDriver d = new TaskDriver(p, List.of(TP), reporter)) {
            d.put(List.of(event(0, "2025-12-31T22:59:59.999"), event(1, "2026-01-01T03:00:00+02:00"),
                    event(2, T0 - 3_600_000L), event(3, "yesterday"), event(4, null), event(5, "2025-12-31T22:00:00Z")));
            d.commit(List.of(TP));
        }
        assertThat(config.partitionTimeField()).isEqualTo("meta.ts");
        // Record time is 2026-01-01T00 for all; the keys follow the event time. One batch, one object per hour.
        assertThat(keys("fmt-event-time")).containsExactlyInAnyOrder(
                "2025/12/31/22/t+0+" + TopicPartitionWriter.pad(0) + ".jsonl",
                "2026/01/01/01/t+0+" + TopicPartitionWriter.pad(1) + ".jsonl",
                "2025/12/31/23/t+0+" + TopicPartitionWriter.pad(2) + ".jsonl");
        assertThat(lines(object("fmt-event-time", "2025/12/31/22/t+0+" + TopicPartitionWriter.pad(0) + ".jsonl")))
                .extracting(n -> n.get("id").asText()).containsExactly("e-0", "e-5");
        assertThat(reported).extracting(SinkRecord::kafkaOffset).containsExactly(3L, 4L);
        assertThat(reasons.get(0)).isInstanceOf(DataException.class).hasMessageContaining("offset=3")
                .hasMessageContaining("'meta.ts'").hasMessageContaining("\"yesterday\"");
        assertThat(reasons.get(1)).hasMessageContaining("offset=4").hasMessageContaining("'meta.ts'")
                .hasMessageContaining("missing");
    }

    @Test
    void offsetPadWidthShortensObjectNamesAndTheDefaultKeepsTwentyDigits() throws Exception {
        Map<String, String> p = props("fmt-pad", "jsonl");
        p.put("s3.object.offset.pad.width", "10");
        p.put("flush.size", "1");
        run(p, List.of(struct(7, V1)));
        assertThat(keys("fmt-pad")).containsExactly("t+0+0000000007.jsonl");
        assertThat(new S3ArchiveSinkConfig(props("fmt-pad-default", "jsonl")).offsetPadWidth()).isEqualTo(20);
        assertThat(TopicPartitionWriter.pad(12_345_678_901L, 10)).isEqualTo("12345678901");
    }
}
