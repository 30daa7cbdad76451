package io.mskbridge.kinesis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * {@code kinesis.payload.compression}: turns one record's data into the bytes {@code kinesis.payload.format}
 * reads, decompressing gzip (RFC 1952) or zlib (RFC 1950) and never producing more than
 * {@code kinesis.payload.max.decompressed.bytes}: decompression stops at the limit, so a few kilobytes that
 * inflate to gigabytes cost at most the limit. Immutable, so thread-safe.
 */
final class Decompressor {

    /**
     * What {@link #decompress} made of a payload: the bytes to format (the payload itself when it is not
     * compressed), or {@code error} saying why it could not be decompressed. {@code note} is set under
     * {@code auto} when the payload began like a zlib header but did not inflate, and was therefore taken as it
     * is: should it not parse either, the reason says so.
     */
    record Result(byte[] data, String error, String note) {
        static Result of(byte[] data) {
            return new Result(data, null, null);
        }
    }

    /** More output than the limit: the stream is abandoned there. */
    private static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
        }
    }

    private static final int CHUNK = 8192;

    private final KinesisSourceConfig.PayloadCompression compression;
    private final int maxBytes;

    Decompressor(KinesisSourceConfig.PayloadCompression compression, int maxBytes) {
        this.compression = compression;
        this.maxBytes = maxBytes;
    }

    Result decompress(byte[] data) {
        switch (compression) {
            case GZIP:
                return isGzip(data) ? gunzipResult(data)
                        : new Result(null, "not gzip data (" + KinesisSourceConfig.PAYLOAD_COMPRESSION
                                + "=gzip): it does not start with the gzip header 1f 8b", null);
            case ZLIB:
                return inflateResult(data);
            case AUTO:
                if (isGzip(data)) {
                    // 1f 8b starts no text: a payload that has it and does not decompress is a broken gzip.
                    return gunzipResult(data);
                }
                if (isZlibHeader(data)) {
                    Result r = inflateResult(data);
                    if (r.error() == null || r.error().startsWith(tooLargePrefix("zlib"))) {
                        return r;
                    }
                    // Two text characters can form a zlib header ("x^", "8O"): not zlib after all, take it as is.
                    return new Result(data, null, "it starts like a zlib header but is no zlib stream ("
                            + r.error() + ")");
                }
                return Result.of(data);
            case NONE:
            default:
                return Result.of(data);
        }
    }

    /** The gzip magic bytes (RFC 1952, ID1 ID2). */
    static boolean isGzip(byte[] d) {
        return d.length >= 2 && (d[0] & 0xff) == 0x1f && (d[1] & 0xff) == 0x8b;
    }

    /**
     * A zlib header (RFC 1950) as compressors write it: method deflate, window at most 32 KiB, no preset
     * dictionary (we have none to give), and the header checksum.
     */
    static boolean isZlibHeader(byte[] d) {
        if (d.length < 2) {
            return false;
        }
        int cmf = d[0] & 0xff;
        int flg = d[1] & 0xff;
        return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && (flg & 0x20) == 0 && ((cmf << 8) | flg) % 31 == 0;
    }

    private Result gunzipResult(byte[] data) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data), CHUNK)) {
            return Result.of(readBounded(in, "gzip"));
        } catch (IOException e) {
            return failure("gzip", e);
        }
    }

    private Result inflateResult(byte[] data) {
        Inflater inflater = new Inflater();
        // All input handed over at once, so what the inflater has not consumed at the end is trailing data.
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(data), inflater,
                Math.max(1, data.length))) {
            byte[] out = readBounded(in, "zlib");
            if (!inflater.finished()) {
                // InflaterInputStream reports a stream that needs a preset dictionary as a plain end of input.
                return new Result(null, "zlib payload does not decompress: it needs a preset dictionary", null);
            }
            if (inflater.getRemaining() > 0) {
                return new Result(null, "zlib payload does not decompress: " + inflater.getRemaining()
                        + " byte(s) after the end of the zlib stream", null);
            }
            return Result.of(out);
        } catch (IOException e) {
            return failure("zlib", e);
        } finally {
            // A caller-supplied Inflater is not ended by close(); its native memory must not wait for GC.
            inflater.end();
        }
    }

    private byte[] readBounded(InputStream in, String kind) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK);
        byte[] buf = new byte[CHUNK];
        int n;
        while ((n = in.read(buf)) != -1) {
            if (out.size() > maxBytes - n) {
                throw new TooLarge(tooLargePrefix(kind) + " (" + maxBytes + " bytes)");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static String tooLargePrefix(String kind) {
        return kind + " payload decompresses to more than " + KinesisSourceConfig.PAYLOAD_MAX_DECOMPRESSED_BYTES;
    }

    private static Result failure(String kind, IOException e) {
        if (e instanceof TooLarge) {
            return new Result(null, e.getMessage(), null);
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new Result(null, kind + " payload does not decompress: " + m, null);
    }
}
