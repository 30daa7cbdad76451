package io.mskbridge.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

import com.github.luben.zstd.Zstd;

/**
 * Page compressors for the Parquet writer built on the codec libraries the pack already bundles (snappy-java,
 * zstd-jni, java.util.zip). parquet-hadoop's own {@code CodecFactory} instantiates Hadoop
 * {@code CompressionCodec}s through a Hadoop {@code Configuration}; with this factory no Hadoop class is
 * loaded, so none has to be bundled into the plugin.
 *
 * <p>The bytes are what Parquet readers expect for each codec: SNAPPY is a raw Snappy block (not the framed
 * stream), ZSTD one Zstandard frame, GZIP one RFC 1952 member. All three are deterministic: gzip with MTIME=0
 * and no file name, zstd single-threaded at a fixed level.
 *
 * <p>Write only: the sink never reads Parquet, so there are no decompressors.
 */
final class ParquetCodecs implements CompressionCodecFactory {

    private final int level;

    /** @param level the codec level, -1 for the codec default (gzip 6, zstd 3, as for the other formats) */
    ParquetCodecs(int level) {
        this.level = level;
    }

    static CompressionCodecName codecName(S3ArchiveSinkConfig.Compression compression) {
        switch (compression) {
            case SNAPPY:
                return CompressionCodecName.SNAPPY;
            case ZSTD:
                return CompressionCodecName.ZSTD;
            case GZIP:
                return CompressionCodecName.GZIP;
            default:
                return CompressionCodecName.UNCOMPRESSED;
        }
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        switch (codec) {
            case UNCOMPRESSED:
                return new Compressor(codec) {
                    @Override
                    byte[] compress(byte[] in) {
                        return in;
                    }
                };
            case SNAPPY:
                return new Compressor(codec) {
                    @Override
                    byte[] compress(byte[] in) throws IOException {
                        return Snappy.compress(in);
                    }
                };
            case ZSTD:
                return new Compressor(codec) {
                    @Override
                    byte[] compress(byte[] in) {
                        return Zstd.compress(in, RecordEncoder.zstdLevel(level));
                    }
                };
            case GZIP:
                return new Compressor(codec) {
                    @Override
                    byte[] compress(byte[] in) throws IOException {
                        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length / 2 + 64);
                        try (OutputStream gz = RecordEncoder.gzip(out, level)) {
                            gz.write(in);
                        }
                        return out.toByteArray();
                    }
                };
            default:
                throw new IllegalArgumentException("Parquet codec " + codec + " is not supported by this sink");
        }
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        throw new UnsupportedOperationException("The S3 sink only writes Parquet");
    }

    @Override
    public void release() {
        // stateless: every page is compressed with a fresh one-shot call
    }

    private abstract static class Compressor implements BytesInputCompressor {
        private final CompressionCodecName name;

        Compressor(CompressionCodecName name) {
            this.name = name;
        }

        abstract byte[] compress(byte[] in) throws IOException;

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            return BytesInput.from(compress(bytes.toByteArray()));
        }

        @Override
        public CompressionCodecName getCodecName() {
            return name;
        }

        @Override
        public void release() {
        }
    }
}
