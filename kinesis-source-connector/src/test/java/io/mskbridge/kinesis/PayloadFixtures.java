package io.mskbridge.kinesis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Compressed payloads for the tests: the Python-made files of {@code src/test/resources/payloads} (see
 * {@code src/test/payload-fixtures/make-fixtures.py}) and Java's own gzip and zlib.
 */
public final class PayloadFixtures {

    private PayloadFixtures() {
    }

    /** A file of {@code src/test/resources/payloads}, e.g. {@code gzip-event.gz}. */
    public static byte[] file(String name) {
        try (InputStream in = PayloadFixtures.class.getResourceAsStream("/payloads/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource payloads/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** zlib (RFC 1950) by Java's Deflater at {@code level}. */
    public static byte[] zlib(byte[] data, int level) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(new DeflaterOutputStream(out, new Deflater(level)), data);
        return out.toByteArray();
    }

    public static byte[] zlib(byte[] data) {
        return zlib(data, Deflater.BEST_COMPRESSION);
    }

    /** gzip (RFC 1952) by Java's GZIPOutputStream. */
    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(new GZIPOutputStream(out), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(OutputStream compressing, byte[] data) {
        try (OutputStream o = compressing) {
            o.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
