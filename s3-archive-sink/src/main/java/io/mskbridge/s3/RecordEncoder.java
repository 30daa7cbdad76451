package io.mskbridge.s3;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.github.luben.zstd.ZstdOutputStream;

import io.apicurio.registry.utils.converter.avro.AvroData;
import io.mskbridge.s3.S3ArchiveSinkConfig.Compression;
import io.mskbridge.s3.S3ArchiveSinkConfig.SchemaCompatibility;

/**
 * Serializes records for a batch (the "stored" form kept in memory or spill files) and turns the stored form
 * of one object into the object's bytes at upload time. Compression happens at upload, so open batches cost
 * no per-partition compressor state (a Deflater holds ~256 KiB of native memory; 1,000 of them would not be
 * bounded by {@code s3.buffer.max.bytes}).
 *
 * <p>Everything here is deterministic: same records → same bytes. Avro's sync marker, random by default, is
 * derived from the object key; Parquet files carry no timestamp or random id ({@link ParquetEncoder}).
 */
abstract class RecordEncoder {

    private static final Logger log = LoggerFactory.getLogger(RecordEncoder.class);

    /**
     * Appends the stored form of one record to {@code out} and returns the schema it is stored under: a value
     * schema different from the open batch's starts a new batch (Avro and Parquet objects hold one schema).
     *
     * @param batchSchema the schema of the open batch the record would join, or null when it starts one
     */
    abstract Schema encode(SinkRecord record, Schema batchSchema, ByteArrayOutputStream out) throws IOException;

    /** Writes the object content of a stored stream to {@code target} (not closed). */
    abstract void writeObject(InputStream stored, OutputStream target, String objectKey, Schema batchSchema)
            throws IOException;

    abstract String contentType();

    /** Fields of schemaless values that s3.value.schema does not name, dropped so far. */
    long droppedFields() {
        return 0;
    }

    static RecordEncoder create(S3ArchiveSinkConfig config) {
        Compression compression = config.compression();
        int level = config.compressionLevel();
        switch (config.format()) {
            case JSONL:
                return new Jsonl(compression, level, KafkaEnvelope.of(config));
            case BYTES:
                return new Bytes(compression, level, config.bytesSeparator());
            case AVRO:
                return new Avro(compression, level, config);
            case PARQUET:
                return new ParquetEncoder(compression, level, config);
            default:
                throw new IllegalArgumentException(config.format() + " is not supported");
        }
    }

    static int gzipLevel(int level) {
        return level < 0 ? 6 : Math.min(level, 9);
    }

    static int zstdLevel(int level) {
        return level < 0 ? 3 : level;
    }

    /** A gzip stream (not closing {@code target}) whose bytes depend only on the input: MTIME=0, no name. */
    static OutputStream gzip(OutputStream target, int level) throws IOException {
        int lvl = gzipLevel(level);
        return new GZIPOutputStream(nonClosing(target), 64 * 1024) {
            {
                def.setLevel(lvl);
            }
        };
    }

    /** Formats whose stored form is the object's content, compressed as a whole (.gz, .zst) at upload. */
    abstract static class WholeFile extends RecordEncoder {
        private final Compression compression;
        private final int level;

        WholeFile(Compression compression, int level) {
            this.compression = compression;
            this.level = level;
        }

        @Override
        void writeObject(InputStream stored, OutputStream target, String key, Schema batchSchema) throws IOException {
            OutputStream c;
            switch (compression) {
                case GZIP:
                    c = gzip(target, level);
                    break;
                case ZSTD:
                    ZstdOutputStream z = new ZstdOutputStream(nonClosing(target));
                    z.setLevel(zstdLevel(level));
                    c = z;
                    break;
                default:
                    c = nonClosing(target);
            }
            try (OutputStream o = c) {
                stored.transferTo(o);
            }
        }

        boolean compressed() {
            return compression != Compression.NONE;
        }

        /** What every record of lines and raw bytes is stored under: they carry no schema in the object. */
        private static final Schema ANY_SCHEMA = SchemaBuilder.struct().name("io.mskbridge.s3.AnySchema").build();

        /** Lines and raw bytes carry no schema in the object: a schema change never starts a new one. */
        static Schema sameBatch() {
            return ANY_SCHEMA;
        }
    }

    /**
     * Each record's value bytes as they came (ByteArrayConverter), each followed by the separator: a
     * byte-faithful archive of what producers sent, compressed or not.
     */
    static final class Bytes extends WholeFile {
        private final byte[] separator;

        Bytes(Compression compression, int level, byte[] separator) {
            super(compression, level);
            this.separator = separator.clone();
        }

        @Override
        Schema encode(SinkRecord record, Schema batchSchema, ByteArrayOutputStream out) {
            Object v = record.value();
            if (v instanceof byte[]) {
                out.writeBytes((byte[]) v);
            } else if (v instanceof ByteBuffer) {
                ByteBuffer b = ((ByteBuffer) v).duplicate();
                byte[] copy = new byte[b.remaining()];
                b.get(copy);
                out.writeBytes(copy);
            } else {
                Schema s = record.valueSchema();
                throw new DataException("s3.format=bytes needs byte values: set value.converter="
                        + "org.apache.kafka.connect.converters.ByteArrayConverter, got "
                        + (s != null ? "a " + s.type() + " schema" : "a schemaless " + v.getClass().getSimpleName()));
            }
            out.writeBytes(separator);
            return sameBatch();
        }

        @Override
        String contentType() {
            return "application/octet-stream";
        }
    }

    static final class Jsonl extends WholeFile {
        private static final JsonFactory JSON = new JsonFactory();

        private final KafkaEnvelope envelope;

        Jsonl(Compression compression, int level, KafkaEnvelope envelope) {
            super(compression, level);
            this.envelope = envelope;
        }

        @Override
        Schema encode(SinkRecord record, Schema batchSchema, ByteArrayOutputStream out) throws IOException {
            try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                if (envelope != null) {
                    envelope.writeJson(g, record);
                } else {
                    JsonValueWriter.write(g, record.valueSchema(), record.value());
                }
            }
            out.write('\n');
            return sameBatch();
        }

        @Override
        String contentType() {
            return compressed() ? "application/octet-stream" : "application/x-ndjson";
        }
    }

    /**
     * Struct values in Avro binary, converted with Apicurio's {@code AvroData}. The stored form is a 4-byte
     * length and the binary datum per record, shared by the Avro and Parquet encoders: both re-frame it at
     * upload, so a record is converted once, when it arrives, and bad records fail in {@code put()}.
     */
    abstract static class AvroStored extends RecordEncoder {
        private final AvroData avroData = new AvroData(1000);
        private final Map<Schema, Converted> schemas = new IdentityHashMap<>();
        private final String formatName;
        private final boolean scrubInvalidNames;
        private final SchemaCompatibility compatibility;
        /** s3.value.schema, or null: what schemaless values are converted to. */
        private final ValueSchema valueSchema;
        /** s3.store.kafka.keys/headers, or null. */
        private final KafkaEnvelope envelope;
        private BinaryEncoder encoder;

        AvroStored(String formatName, S3ArchiveSinkConfig config) {
            this.formatName = formatName;
            this.scrubInvalidNames = config.scrubInvalidNames();
            this.compatibility = config.schemaCompatibility();
            this.valueSchema = config.valueSchema();
            this.envelope = KafkaEnvelope.of(config);
        }

        @Override
        long droppedFields() {
            return valueSchema == null ? 0 : valueSchema.droppedFields();
        }

        /** A value schema as written: its Connect form after scrubbing (often the same) and its Avro form. */
        private static final class Converted {
            final Schema connect;
            final org.apache.avro.Schema avro;

            Converted(Schema connect, org.apache.avro.Schema avro) {
                this.connect = connect;
                this.avro = avro;
            }
        }

        /** The Avro schema of an object whose batch schema (see {@link #encode}) is {@code batchSchema}. */
        org.apache.avro.Schema avroSchema(Schema batchSchema) {
            org.apache.avro.Schema value = valueSchema != null && batchSchema == valueSchema.token()
                    ? valueSchema.avro() : converted(batchSchema).avro;
            if (valueSchema != null && log.isDebugEnabled()) {
                Map<String, Long> dropped = valueSchema.takeDroppedSummary();
                if (!dropped.isEmpty()) {
                    log.debug("Fields not in {} dropped from the values written since the last object: {}",
                            S3ArchiveSinkConfig.VALUE_SCHEMA, dropped);
                }
            }
            return envelope == null ? value : envelope.schema(value);
        }

        /**
         * Checks and converts a value schema once (a schema that fails is checked again per record: it is not
         * cached, and the failure is the record's).
         *
         * @throws DataException naming the field when the schema cannot be written in this format
         */
        private Converted converted(Schema connectSchema) {
            Converted c = schemas.get(connectSchema);
            if (c != null) {
                return c;
            }
            Schema written = connectSchema;
            if (scrubInvalidNames) {
                written = AvroNames.scrubbed(connectSchema);
            } else {
                String invalid = AvroNames.invalidName(connectSchema);
                if (invalid != null) {
                    throw new DataException("The " + invalid + " is not a valid Avro name (letters, digits and _, "
                            + "not starting with a digit); set " + S3ArchiveSinkConfig.SCRUB_INVALID_NAMES
                            + "=true to write it scrubbed (event-type as event_type), or rename it");
                }
            }
            checkSchema(written);
            c = new Converted(written, avroData.fromConnectSchema(written));
            if (schemas.size() > 1000) {
                schemas.clear();
            }
            schemas.put(connectSchema, c);
            return c;
        }

        /** Refuses a value schema the format cannot store; the message names the field. */
        void checkSchema(Schema connectSchema) {
        }

        @Override
        Schema encode(SinkRecord record, Schema batchSchema, ByteArrayOutputStream out) throws IOException {
            Schema s = record.valueSchema();
            Schema stored;
            org.apache.avro.Schema as;
            Object datum;
            // A MAP-schema value (a converter's schema for a JSON object) is a map like a schemaless one.
            if ((s == null || s.type() == Schema.Type.MAP) && valueSchema != null) {
                datum = valueSchema.convert(record.value());
                stored = valueSchema.token();
                as = valueSchema.avro();
            } else {
                if (s == null || s.type() != Schema.Type.STRUCT) {
                    throw new DataException("s3.format=" + formatName + " needs Struct values with a schema (e.g. "
                            + "JsonConverter with schemas.enable=true or an Avro converter), or "
                            + S3ArchiveSinkConfig.VALUE_SCHEMA + " for schemaless values; got "
                            + (s == null ? "a schemaless value" : "a " + s.type() + " schema"));
                }
                Object value = record.value();
                stored = s;
                if (batchSchema != null) {
                    Object projected = SchemaEvolution.projectToBatch(compatibility, s, value, batchSchema);
                    if (projected != null) {
                        stored = batchSchema;
                        value = projected;
                    }
                }
                Converted c = converted(stored);
                as = c.avro;
                datum = avroData.fromConnectData(c.connect, AvroNames.convert(stored, c.connect, value));
            }
            if (envelope != null) {
                as = envelope.schema(as);
                datum = envelope.wrap(record, datum, as);
            }
            int lenPos = out.size();
            out.write(new byte[4]);
            encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
            new GenericDatumWriter<Object>(as).write(datum, encoder);
            encoder.flush();
            int len = out.size() - lenPos - 4;
            byte[] header = ByteBuffer.allocate(4).putInt(len).array();
            patch(out, lenPos, header);
            return stored;
        }

        /** Receives one stored datum; {@code buf} is reused for the next one. */
        @FunctionalInterface
        interface DatumSink {
            void accept(byte[] buf, int len) throws IOException;
        }

        static void forEachDatum(InputStream stored, DatumSink sink) throws IOException {
            DataInputStream in = new DataInputStream(stored);
            byte[] buf = new byte[1024];
            while (true) {
                int len;
                try {
                    len = in.readInt();
                } catch (EOFException eof) {
                    return;
                }
                if (buf.length < len) {
                    buf = new byte[Math.max(len, buf.length * 2)];
                }
                in.readFully(buf, 0, len);
                sink.accept(buf, len);
            }
        }
    }

    static final class Avro extends AvroStored {
        private final CodecFactory codec;

        Avro(Compression compression, int level, S3ArchiveSinkConfig config) {
            super("avro", config);
            switch (compression) {
                case SNAPPY:
                    codec = CodecFactory.snappyCodec();
                    break;
                case ZSTD:
                    codec = CodecFactory.zstandardCodec(zstdLevel(level));
                    break;
                case NONE:
                    codec = CodecFactory.nullCodec();
                    break;
                default:
                    throw new IllegalArgumentException("avro does not support " + compression);
            }
        }

        @Override
        void writeObject(InputStream stored, OutputStream target, String key, Schema batchSchema) throws IOException {
            org.apache.avro.Schema as = avroSchema(batchSchema);
            try (DataFileWriter<Object> w = new DataFileWriter<>(new GenericDatumWriter<>(as))) {
                w.setCodec(codec);
                w.create(as, nonClosing(target), sync(key));
                forEachDatum(stored, (buf, len) -> w.appendEncoded(ByteBuffer.wrap(buf, 0, len)));
            }
        }

        @Override
        String contentType() {
            return "avro/binary";
        }

        private static byte[] sync(String key) {
            try {
                return MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Overwrites bytes already written to a ByteArrayOutputStream (the length prefix). */
    private static void patch(ByteArrayOutputStream out, int pos, byte[] bytes) {
        ((PatchableBytes) out).patch(pos, bytes);
    }

    /** The scratch buffer type the task hands to {@link #encode}; allows patching a length prefix. */
    static final class PatchableBytes extends ByteArrayOutputStream {
        PatchableBytes(int size) {
            super(size);
        }

        void patch(int pos, byte[] bytes) {
            System.arraycopy(bytes, 0, buf, pos, bytes.length);
        }

        byte[] array() {
            return buf;
        }

        /** Shrinks a buffer grown by one huge record, so it does not pin that much heap forever. */
        void trim(int max) {
            if (buf.length > max) {
                buf = new byte[max];
            }
            reset();
        }
    }

    static OutputStream nonClosing(OutputStream o) {
        return new java.io.FilterOutputStream(o) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

}
