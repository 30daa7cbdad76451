package io.mskbridge.s3;

import static io.mskbridge.s3.S3ArchiveSinkTaskTest.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Conversions;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mskbridge.harness.S3ProxyServer;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * s3.format=parquet through the task against an in-process S3Proxy; every object is read back with parquet's
 * standard {@link AvroParquetReader} (Hadoop-backed codecs, independent of the sink's {@link ParquetCodecs}):
 * every field of every record, logical types in the Parquet schema, schema-change rotation, each codec, the
 * row-group cap, byte-identical rewrites, and schemaless values rejected.
 */
public class S3ArchiveSinkParquetTest {

    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();

    @TempDir
    Path tmp;

    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z

    static final Schema CUSTOMER = SchemaBuilder.struct().name("io.mskbridge.test.Customer")
            .field("name", Schema.STRING_SCHEMA)
            .field("tier", Schema.OPTIONAL_INT32_SCHEMA)
            .build();
    static final Schema ITEM = SchemaBuilder.struct().name("io.mskbridge.test.Item")
            .field("sku", Schema.STRING_SCHEMA)
            .field("qty", Schema.INT32_SCHEMA)
            .build();
    static final Schema V1 = SchemaBuilder.struct().name("io.mskbridge.test.Order")
            .field("id", Schema.STRING_SCHEMA)
            .field("amount", org.apache.kafka.connect.data.Decimal.schema(2))
            .field("ts", Timestamp.SCHEMA)
            .field("day", org.apache.kafka.connect.data.Date.SCHEMA)
            .field("at", Time.SCHEMA)
            .field("paid", Schema.BOOLEAN_SCHEMA)
            .field("ratio", Schema.FLOAT64_SCHEMA)
            .field("raw", Schema.BYTES_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("customer", CUSTOMER)
            .field("referrer", SchemaBuilder.struct().name("io.mskbridge.test.Referrer").optional()
                    .field("code", Schema.STRING_SCHEMA).build())
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .field("aliases", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build())
            .field("items", SchemaBuilder.array(ITEM).build())
            .field("counters", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT64_SCHEMA).build())
            .build();
    static final Schema V2 = SchemaBuilder.struct().name("io.mskbridge.test.Order")
            .field("id", Schema.STRING_SCHEMA)
            .field("amount", org.apache.kafka.connect.data.Decimal.schema(2))
            .field("ts", Timestamp.SCHEMA)
            .field("currency", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    private static String bucket(String name) {
        S3.client().createBucket(b -> b.bucket(name));
        return name;
    }

    /** Task properties for parquet objects in a new bucket. */
    private static Map<String, String> parquet(String bucketName, String compression) {
        Map<String, String> p = TaskDriver.props(S3.endpoint(), bucket(bucketName));
        p.put("s3.format", "parquet");
        p.put("s3.compression", compression);
        return p;
    }

    static Struct order(long o) {
        Schema referrer = V1.field("referrer").schema();
        Map<String, Long> counters = new LinkedHashMap<>();
        for (int i = 0; i < o % 4; i++) {
            counters.put("c" + i, o * 10 + i);
        }
        List<Struct> items = new ArrayList<>();
        for (int i = 0; i < o % 3; i++) {
            items.add(new Struct(ITEM).put("sku", "sku-" + i).put("qty", (int) (o + i)));
        }
        return new Struct(V1)
                .put("id", "o-" + o)
                .put("amount", BigDecimal.valueOf(o * 1234 - 50_000, 2))
                .put("ts", new Date(T0 + o * 1000))
                .put("day", new Date(LocalDate.of(2026, 1, 1).plusDays(o % 40).toEpochDay() * 86_400_000L))
                .put("at", new Date((o * 61_000) % 86_400_000L))
                .put("paid", o % 2 == 0)
                .put("ratio", o / 7.0)
                .put("raw", new byte[] {(byte) o, (byte) (o >> 8), 0, -1})
                .put("note", o % 5 == 0 ? null : "note " + o)
                .put("customer", new Struct(CUSTOMER).put("name", "c" + (o % 13)).put("tier", o % 3 == 0 ? null : (int) (o % 3)))
                .put("referrer", o % 4 == 0 ? new Struct(referrer).put("code", "ref" + o) : null)
                .put("tags", o % 6 == 0 ? List.of() : List.of("t" + (o % 2), "x"))
                .put("aliases", Arrays.asList("a" + o, null))
                .put("items", items)
                .put("counters", counters);
    }

    static Struct orderV2(long o) {
        return new Struct(V2).put("id", "o-" + o).put("amount", BigDecimal.valueOf(o, 2)).put("ts", new Date(T0 + o))
                .put("currency", o % 2 == 0 ? "EUR" : null);
    }

    /** Downloads an object and returns its file, for parquet's {@link LocalInputFile}. */
    private Path download(String bucket, String key) throws Exception {
        Path f = Files.createTempFile(tmp, "obj", ".parquet");
        Files.write(f, TaskDriver.get(S3.client(), bucket, key).asByteArray());
        return f;
    }

    /** Every record of a Parquet file, with Avro's logical type conversions (BigDecimal, Instant, LocalDate). */
    public static List<GenericRecord> readAll(Path file) throws Exception {
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        model.addLogicalTypeConversion(new TimeConversions.DateConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimeMillisConversion());
        List<GenericRecord> out = new ArrayList<>();
        try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file),
                new PlainParquetConfiguration()).withDataModel(model).build()) {
            for (GenericRecord g = r.read(); g != null; g = r.read()) {
                out.add(g);
            }
        }
        return out;
    }

    static ParquetMetadata footer(Path file) throws Exception {
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
            return r.getFooter();
        }
    }

    /** Field-by-field comparison of a Connect value with what parquet-avro read back. */
    static void assertSameValue(String path, Schema schema, Object expected, Object actual) {
        if (expected == null) {
            assertThat(actual).as(path).isNull();
            return;
        }
        assertThat(actual).as(path).isNotNull();
        if (org.apache.kafka.connect.data.Decimal.LOGICAL_NAME.equals(schema.name())) {
            assertThat((BigDecimal) actual).as(path).isEqualTo(expected);
            return;
        }
        if (Timestamp.LOGICAL_NAME.equals(schema.name())) {
            assertThat(actual).as(path).isEqualTo(Instant.ofEpochMilli(((Date) expected).getTime()));
            return;
        }
        if (Time.LOGICAL_NAME.equals(schema.name())) {
            assertThat(actual).as(path).isEqualTo(LocalTime.ofNanoOfDay(((Date) expected).getTime() * 1_000_000L));
            return;
        }
        if (org.apache.kafka.connect.data.Date.LOGICAL_NAME.equals(schema.name())) {
            assertThat(actual).as(path).isEqualTo(LocalDate.ofEpochDay(((Date) expected).getTime() / 86_400_000L));
            return;
        }
        switch (schema.type()) {
            case STRUCT:
                GenericRecord g = (GenericRecord) actual;
                assertThat(g.getSchema().getFields()).as(path + " fields").hasSize(schema.fields().size());
                for (Field f : schema.fields()) {
                    assertSameValue(path + "." + f.name(), f.schema(), ((Struct) expected).get(f), g.get(f.name()));
                }
                break;
            case ARRAY:
                List<?> e = (List<?>) expected;
                List<?> a = (List<?>) actual;
                assertThat(a).as(path).hasSize(e.size());
                for (int i = 0; i < e.size(); i++) {
                    assertSameValue(path + "[" + i + "]", schema.valueSchema(), e.get(i), a.get(i));
                }
                break;
            case MAP:
                Map<String, Object> m = new HashMap<>();
                ((Map<?, ?>) actual).forEach((k, v) -> m.put(k.toString(), v));
                assertThat(m.keySet()).as(path).isEqualTo(((Map<?, ?>) expected).keySet());
                ((Map<?, ?>) expected).forEach((k, v) -> assertSameValue(path + "{" + k + "}", schema.valueSchema(), v,
                        m.get(k)));
                break;
            case STRING:
                assertThat(actual.toString()).as(path).isEqualTo(expected);
                break;
            case BYTES:
                ByteBuffer bb = ((ByteBuffer) actual).duplicate();
                byte[] bytes = new byte[bb.remaining()];
                bb.get(bytes);
                assertThat(bytes).as(path).isEqualTo(expected);
                break;
            default:
                assertThat(actual).as(path).isEqualTo(expected);
        }
    }

    @Test
    void everyFieldOfEveryRecordReadsBackAndASchemaChangeStartsANewObject() throws Exception {
        Map<String, String> p = parquet("pq-fields", "snappy");
        String bucket = p.get(S3ArchiveSinkConfig.BUCKET);
        p.put("flush.size", "50");
        TopicPartition tp = new TopicPartition("orders", 0);
        Map<String, Struct> sent = new HashMap<>();
        try (TaskDriver d = new TaskDriver(p, List.of(tp))) {
            // the writer's share is reserved outside the budget for open batches
            assertThat(d.task.budget().limit()).isEqualTo((64L << 20) - (8L << 20) - 2 * (8L << 20) - 64 * 1024);
            List<SinkRecord> batch = new ArrayList<>();
            for (long o = 0; o < 240; o++) {
                Struct v = o < 120 ? order(o) : orderV2(o);
                sent.put("o-" + o, v);
                batch.add(rec("orders", 0, o, T0, v, v.schema()));
            }
            d.put(batch);
            // 0-49, 50-99, 100-119 (schema change), 120-169, 170-219 uploaded; 220-239 still open
            assertThat(d.commit(List.of(tp))).containsEntry(tp, 220L);
        }
        List<S3Object> objects = TaskDriver.list(S3.client(), bucket);
        assertThat(objects).extracting(S3Object::key).containsExactly(
                "orders/2026/01/01/00/orders+0+00000000000000000000.parquet",
                "orders/2026/01/01/00/orders+0+00000000000000000050.parquet",
                "orders/2026/01/01/00/orders+0+00000000000000000100.parquet",
                "orders/2026/01/01/00/orders+0+00000000000000000120.parquet",
                "orders/2026/01/01/00/orders+0+00000000000000000170.parquet");
        int total = 0;
        for (S3Object o : objects) {
            var response = TaskDriver.get(S3.client(), bucket, o.key()).response();
            assertThat(response.contentType()).isEqualTo("application/vnd.apache.parquet");
            Path f = download(bucket, o.key());
            List<GenericRecord> records = readAll(f);
            assertThat(response.metadata().get(S3ArchiveSinkTask.META_RECORD_COUNT))
                    .isEqualTo(String.valueOf(records.size()));
            long first = Long.parseLong(response.metadata().get(S3ArchiveSinkTask.META_FIRST_OFFSET));
            MessageType schema = footer(f).getFileMetaData().getSchema();
            assertThat(schema.getType("amount").getLogicalTypeAnnotation())
                    .isInstanceOf(LogicalTypeAnnotation.DecimalLogicalTypeAnnotation.class)
                    .satisfies(t -> assertThat(((LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) t).getScale())
                            .isEqualTo(2));
            assertThat(schema.getType("ts").getLogicalTypeAnnotation()).isEqualTo(
                    LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS));
            if (first < 120) {
                assertThat(schema.getType("day").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.dateType());
                // the spec's 3-level list (<field> LIST { repeated group list { element } }), not parquet-avro's old 2-level one
                assertThat(schema.getType("aliases").asGroupType().getType(0).getName()).isEqualTo("list");
                assertThat(schema.getType("counters").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.mapType());
            }
            assertThat(schema.containsField("currency")).isEqualTo(first >= 120);
            for (int i = 0; i < records.size(); i++) {
                GenericRecord g = records.get(i);
                String id = g.get("id").toString();
                assertThat(id).isEqualTo("o-" + (first + i));
                Struct expected = sent.get(id);
                assertSameValue(id, expected.schema(), expected, g);
                total++;
            }
        }
        assertThat(total).isEqualTo(220);
    }

    @ParameterizedTest
    @CsvSource({"none,UNCOMPRESSED", "snappy,SNAPPY", "zstd,ZSTD", "gzip,GZIP"})
    void eachCompressionIsThePageCodecAndReadsBackWithParquetsOwnCodecs(String compression, CompressionCodecName codec)
            throws Exception {
        Map<String, String> p = parquet("pq-codec-" + compression, compression);
        String bucket = p.get(S3ArchiveSinkConfig.BUCKET);
        p.put("flush.size", "300");
        TopicPartition tp = new TopicPartition("orders", 0);
        try (TaskDriver d = new TaskDriver(p, List.of(tp))) {
            List<SinkRecord> batch = new ArrayList<>();
            for (long o = 0; o < 300; o++) {
                batch.add(rec("orders", 0, o, T0, order(o), V1));
            }
            d.put(batch);
            assertThat(d.commit(List.of(tp))).containsEntry(tp, 300L);
        }
        List<S3Object> objects = TaskDriver.list(S3.client(), bucket);
        assertThat(objects).hasSize(1);
        Path f = download(bucket, objects.get(0).key());
        for (BlockMetaData block : footer(f).getBlocks()) {
            assertThat(block.getColumns()).extracting(ColumnChunkMetaData::getCodec).containsOnly(codec);
        }
        List<GenericRecord> records = readAll(f);
        assertThat(records).hasSize(300);
        for (int i = 0; i < records.size(); i++) {
            assertSameValue("o-" + i, V1, order(i), records.get(i));
        }
    }

    @Test
    void theSameRecordsGiveByteIdenticalObjectsAndRowGroupsStayUnderTheCap() throws Exception {
        Map<String, byte[]> first = null;
        for (String run : List.of("pq-determinism-a", "pq-determinism-b")) {
            Map<String, String> p = parquet(run, "gzip");
            String bucket = p.get(S3ArchiveSinkConfig.BUCKET);
            p.put("flush.size", "6000");
            p.put("s3.parquet.row.group.bytes", String.valueOf(1 << 20));
            TopicPartition tp = new TopicPartition("orders", 0);
            try (TaskDriver d = new TaskDriver(p, List.of(tp))) { // a fresh task: nothing cached from run a
                List<SinkRecord> batch = new ArrayList<>();
                for (long o = 0; o < 12_000; o++) {
                    Struct v = order(o).put("note", noise(o, (int) (o % 400)));
                    batch.add(rec("orders", 0, o, T0, v, V1));
                }
                d.put(batch);
                assertThat(d.commit(List.of(tp))).containsEntry(tp, 12_000L);
            }
            Map<String, byte[]> objects = new LinkedHashMap<>();
            for (S3Object o : TaskDriver.list(S3.client(), bucket)) {
                objects.put(o.key(), TaskDriver.get(S3.client(), bucket, o.key()).asByteArray());
            }
            assertThat(objects).hasSize(2);
            if (first == null) {
                first = objects;
                Path f = Files.write(tmp.resolve("big.parquet"), objects.values().iterator().next());
                List<BlockMetaData> blocks = footer(f).getBlocks();
                assertThat(blocks).as("row groups of a ~1.5 MiB object under a 1 MiB cap").hasSizeGreaterThan(1);
                // The cap bounds what parquet buffers (compressed pages plus the open ones), checked every
                // <=1000 rows, so a row group may overshoot by a few records.
                assertThat(blocks).allSatisfy(b -> assertThat(b.getCompressedSize()).isLessThan(3L << 19));
                assertThat(blocks.stream().mapToLong(BlockMetaData::getRowCount).sum()).isEqualTo(6000);
                assertThat(readAll(f)).hasSize(6000);
            } else {
                assertThat(objects.keySet()).isEqualTo(first.keySet());
                for (Map.Entry<String, byte[]> e : objects.entrySet()) {
                    assertThat(e.getValue()).as("rewrite of %s", e.getKey()).isEqualTo(first.get(e.getKey()));
                }
            }
        }
    }

    /** Incompressible but reproducible text, so the row-group cap is reached with compressed pages too. */
    private static String noise(long seed, int len) {
        java.util.Random r = new java.util.Random(seed);
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append((char) ('!' + r.nextInt(90)));
        }
        return sb.toString();
    }

    @Test
    void schemalessValuesAreARecordErrorLikeAvro() {
        Map<String, String> p = parquet("pq-schemaless", "snappy");
        String bucket = p.get(S3ArchiveSinkConfig.BUCKET);
        TopicPartition tp = new TopicPartition("maps", 0);
        try (TaskDriver d = new TaskDriver(p, List.of(tp))) {
            SinkRecord r = rec("maps", 0, 0, T0, Map.of("id", "m-0"), null);
            assertThatThrownBy(() -> d.put(List.of(r))).isInstanceOf(DataException.class)
                    .hasMessageContaining("s3.format=parquet needs Struct values with a schema")
                    .hasMessageContaining("schemaless");
        }
        assertThat(TaskDriver.list(S3.client(), bucket)).isEmpty();
    }
}
