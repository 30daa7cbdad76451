package io.mskbridge.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;

/**
 * What producers put into Kinesis, as the raw topic and the raw archive hold it: JSON text, or JSON gzipped as the
 * seed's producer does ({@code gzip.compress(json.dumps(event).encode())}). The raw archive writes records one after
 * the other with a newline between them ({@code s3.format=bytes}); a gzipped record may itself contain newline bytes,
 * so {@link #split} walks a gzip record by its own structure rather than by the separator.
 */
final class RawPayloads {

    private RawPayloads() {
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static boolean isGzip(byte[] data, int at) {
        return data.length - at >= 3 && (data[at] & 0xFF) == 0x1F && (data[at + 1] & 0xFF) == 0x8B && data[at + 2] == 8;
    }

    /** The payload as JSON text: gzipped payloads decompressed, anything else as it is. */
    static byte[] text(byte[] payload) throws IOException {
        if (!isGzip(payload, 0)) {
            return payload;
        }
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(payload))) {
            return in.readAllBytes();
        }
    }

    /**
     * The records of a raw archive object's content (already decompressed from the object's own compression):
     * records separated by {@code separator}, where a record that starts like gzip runs to the end of its gzip
     * member, whatever bytes it contains.
     */
    static List<byte[]> split(byte[] content, byte separator) throws IOException {
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while (at < content.length) {
            int end;
            if (isGzip(content, at)) {
                end = at + gzipMemberLength(content, at);
            } else {
                end = at;
                while (end < content.length && content[end] != separator) {
                    end++;
                }
            }
            out.add(Arrays.copyOfRange(content, at, end));
            if (end < content.length && content[end] != separator) {
                throw new IOException("no separator after the record at byte " + at);
            }
            at = end + 1;
        }
        return out;
    }

    /** Length of the gzip member (RFC 1952) starting at {@code at}: header, deflate data, 8-byte trailer. */
    static int gzipMemberLength(byte[] d, int at) throws IOException {
        int flags = d[at + 3] & 0xFF;
        int p = at + 10;
        if ((flags & 0x04) != 0) { // FEXTRA
            p += 2 + ((d[p] & 0xFF) | (d[p + 1] & 0xFF) << 8);
        }
        if ((flags & 0x08) != 0) { // FNAME
            while (d[p++] != 0) {
                // to the end of the zero-terminated name
            }
        }
        if ((flags & 0x10) != 0) { // FCOMMENT
            while (d[p++] != 0) {
                // to the end of the zero-terminated comment
            }
        }
        if ((flags & 0x02) != 0) { // FHCRC
            p += 2;
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(d, p, d.length - p);
            byte[] sink = new byte[8192];
            while (!inflater.finished()) {
                if (inflater.inflate(sink) == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IOException("truncated gzip record at byte " + at);
                }
            }
            int deflateEnd = d.length - inflater.getRemaining();
            return deflateEnd + 8 - at;
        } catch (DataFormatException e) {
            throw new IOException("corrupt gzip record at byte " + at + ": " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
