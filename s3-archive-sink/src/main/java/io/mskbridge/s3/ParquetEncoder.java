package io.mskbridge.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.connect.data.Schema;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import io.mskbridge.s3.S3ArchiveSinkConfig.Compression;

/**
 * Parquet objects for Struct values: records are stored in the Avro binary form of {@link AvroStored} and,
 * at upload, decoded one at a time into parquet-avro's {@link AvroParquetWriter}, which streams into the
 * upload's part buffer through an append-only {@link OutputFile}. No Hadoop {@code Configuration},
 * {@code FileSystem} or codec is involved ({@link PlainParquetConfiguration}, {@link ParquetCodecs}).
 *
 * <p><b>Memory.</b> Parquet holds a whole row group in memory before writing it out (128 MiB by default),
 * plus one dictionary per column. Both are capped here from {@code s3.parquet.row.group.bytes}: row groups
 * close at that size, pages at 1/8 of it (at most 1 MiB), and the column dictionaries share another row
 * group's worth (at most one page each), so the writer needs about twice the row group size while an object
 * is uploaded; the task reserves that outside its budget for open batches.
 *
 * <p><b>Determinism.</b> The file has no timestamps or random ids: same records and same parquet version →
 * same bytes.
 */
final class ParquetEncoder extends RecordEncoder.AvroStored {

    /** Parquet checks buffered sizes only every so many rows; fewer rows between checks overshoot less. */
    private static final int MAX_ROWS_BETWEEN_SIZE_CHECKS = 1000;
    private static final int MIN_DICTIONARY_BYTES = 1024;

    private final CompressionCodecName codec;
    private final ParquetCodecs codecs;
    private final int rowGroupBytes;
    private final int pageBytes;
    private BinaryDecoder decoder;

    ParquetEncoder(Compression compression, int level, S3ArchiveSinkConfig config) {
        super("parquet", config);
        this.codec = ParquetCodecs.codecName(compression);
        this.codecs = new ParquetCodecs(level);
        this.rowGroupBytes = config.parquetRowGroupBytes();
        this.pageBytes = pageBytes(rowGroupBytes);
    }

    static int pageBytes(int rowGroupBytes) {
        return Math.min(1 << 20, rowGroupBytes / 8);
    }

    /** Heap the writer may hold while one object is written: the row group plus the column dictionaries. */
    static long writerReserve(int rowGroupBytes) {
        return 2L * rowGroupBytes;
    }

    private static ParquetConfiguration conf() {
        ParquetConfiguration conf = new PlainParquetConfiguration();
        // The 3-level LIST of the Parquet spec: the old 2-level form cannot hold null array elements and is
        // read differently by Spark, Athena/Trino and pyarrow.
        conf.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
        return conf;
    }

    @Override
    void writeObject(InputStream stored, OutputStream target, String objectKey, Schema batchSchema)
            throws IOException {
        org.apache.avro.Schema as = avroSchema(batchSchema);
        ParquetConfiguration conf = conf();
        int columns = Math.max(1, new AvroSchemaConverter(conf).convert(as).getColumns().size());
        int dictionaryBytes = Math.max(MIN_DICTIONARY_BYTES, Math.min(pageBytes, rowGroupBytes / columns));
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(as, as, GenericData.get());
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new StreamOutputFile(target))
                .withConf(conf)
                .withSchema(as)
                .withDataModel(GenericData.get())
                .withCodecFactory(codecs)
                .withCompressionCodec(codec)
                .withRowGroupSize((long) rowGroupBytes)
                .withPageSize(pageBytes)
                .withDictionaryPageSize(dictionaryBytes)
                .withMaxRowCountForPageSizeCheck(MAX_ROWS_BETWEEN_SIZE_CHECKS)
                .withMaxPaddingSize(0)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build()) {
            GenericRecord[] reuse = new GenericRecord[1];
            forEachDatum(stored, (buf, len) -> {
                decoder = DecoderFactory.get().binaryDecoder(buf, 0, len, decoder);
                reuse[0] = reader.read(reuse[0], decoder);
                w.write(reuse[0]);
            });
        }
    }

    @Override
    String contentType() {
        return "application/vnd.apache.parquet";
    }

    /** Found in put(), so the record goes to the DLQ instead of failing its whole batch at upload. */
    @Override
    void checkSchema(Schema connectSchema) {
        String empty = AvroNames.emptyStruct(connectSchema);
        if (empty != null) {
            throw new org.apache.kafka.connect.errors.DataException("s3.format=parquet cannot store " + empty
                    + ": it is a struct without fields, and Parquet has no empty groups; drop the field (e.g. with "
                    + "a ReplaceField transform) or use s3.format=avro");
        }
    }

    /**
     * The upload stream as a Parquet file. Parquet only appends and asks for its position (for the footer's
     * offsets), so counting bytes is all a non-seekable target needs. Closing it leaves the target open: the
     * uploader finishes the object.
     */
    static final class StreamOutputFile implements OutputFile {
        private final OutputStream target;

        StreamOutputFile(OutputStream target) {
            this.target = target;
        }

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return new PositionOutputStream() {
                private long pos;

                @Override
                public long getPos() {
                    return pos;
                }

                @Override
                public void write(int b) throws IOException {
                    target.write(b);
                    pos++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    target.write(b, off, len);
                    pos += len;
                }

                @Override
                public void flush() throws IOException {
                    target.flush();
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return create(blockSizeHint);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }
    }
}
