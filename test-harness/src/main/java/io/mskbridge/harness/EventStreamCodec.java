package io.mskbridge.harness;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The AWS event-stream framing of a SubscribeToShard response body. A message is a 12-byte prelude (total length
 * and headers length, 4 bytes big-endian each, then the CRC32 of those 8 bytes), the headers, the payload, and the
 * CRC32 of everything before it. A header is a name (1-byte length, UTF-8), a type byte and a value: 0/1 true/false
 * (no value), 2 byte, 3 short, 4 int, 5 long, 8 timestamp, 9 UUID (1, 2, 4, 8, 8, 16 bytes), 6 bytes and 7 string
 * (2-byte length, then the value). Test code only: {@link Splitter} cuts a byte stream into messages (a message may
 * span chunks, a chunk may hold several) and checks both CRCs; {@link Message#withPayload} builds the same message
 * with another payload.
 */
final class EventStreamCodec {

    static final int PRELUDE_BYTES = 12;
    private static final int CRC_BYTES = 4;
    /** AWS's bound on one event-stream message (16 MiB); a larger length means the stream is not read right. */
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private EventStreamCodec() {
    }

    /**
     * One message as received.
     *
     * @param raw     its bytes, prelude to message CRC
     * @param headers its string-valued headers ({@code :message-type}, {@code :event-type}, {@code :content-type}),
     *                in order; headers of other types are checked and left out
     */
    record Message(byte[] raw, Map<String, String> headers, byte[] payload) {

        String header(String name) {
            return headers.get(name);
        }

        /** The same message (its header bytes as they are) with {@code newPayload} and CRCs computed anew. */
        byte[] withPayload(byte[] newPayload) {
            int headersLength = ByteBuffer.wrap(raw, 4, 4).getInt();
            return encode(Arrays.copyOfRange(raw, PRELUDE_BYTES, PRELUDE_BYTES + headersLength), newPayload);
        }
    }

    /** A message of {@code headerBytes} (already encoded) and {@code payload}. */
    static byte[] encode(byte[] headerBytes, byte[] payload) {
        int total = PRELUDE_BYTES + headerBytes.length + payload.length + CRC_BYTES;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.putInt(total).putInt(headerBytes.length);
        b.putInt((int) crc(b.array(), 0, 8));
        b.put(headerBytes).put(payload);
        b.putInt((int) crc(b.array(), 0, total - CRC_BYTES));
        return b.array();
    }

    /** String headers (type 7), in the map's order. */
    static byte[] stringHeaders(Map<String, String> headers) {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        headers.forEach((k, v) -> {
            byte[] name = k.getBytes(StandardCharsets.UTF_8);
            byte[] value = v.getBytes(StandardCharsets.UTF_8);
            b.put((byte) name.length).put(name).put((byte) 7).putShort((short) value.length).put(value);
        });
        return Arrays.copyOf(b.array(), b.position());
    }

    /** Decodes one whole message; throws {@link IllegalArgumentException} when its lengths or CRCs are wrong. */
    static Message decode(byte[] raw) {
        if (raw.length < PRELUDE_BYTES + CRC_BYTES) {
            throw new IllegalArgumentException("event-stream message of " + raw.length + " bytes, shorter than "
                    + (PRELUDE_BYTES + CRC_BYTES));
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        int total = b.getInt();
        int headersLength = b.getInt();
        long preludeCrc = b.getInt() & 0xffffffffL;
        if (total != raw.length || headersLength < 0 || headersLength > total - PRELUDE_BYTES - CRC_BYTES) {
            throw new IllegalArgumentException("event-stream message lengths total " + total + ", headers "
                    + headersLength + " do not fit its " + raw.length + " bytes");
        }
        if (preludeCrc != crc(raw, 0, 8)) {
            throw new IllegalArgumentException("event-stream prelude CRC mismatch");
        }
        long messageCrc = ByteBuffer.wrap(raw, total - CRC_BYTES, CRC_BYTES).getInt() & 0xffffffffL;
        if (messageCrc != crc(raw, 0, total - CRC_BYTES)) {
            throw new IllegalArgumentException("event-stream message CRC mismatch");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        ByteBuffer h = ByteBuffer.wrap(raw, PRELUDE_BYTES, headersLength).slice();
        while (h.hasRemaining()) {
            byte[] name = new byte[h.get() & 0xff];
            h.get(name);
            int type = h.get();
            int skip = switch (type) {
                case 0, 1 -> 0;
                case 2 -> 1;
                case 3 -> 2;
                case 4 -> 4;
                case 5, 8 -> 8;
                case 9 -> 16;
                case 6, 7 -> h.getShort() & 0xffff;
                default -> throw new IllegalArgumentException("event-stream header "
                        + new String(name, StandardCharsets.UTF_8) + " has unknown type " + type);
            };
            byte[] value = new byte[skip];
            h.get(value);
            if (type == 7) {
                headers.put(new String(name, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8));
            }
        }
        int payloadStart = PRELUDE_BYTES + headersLength;
        return new Message(raw, Collections.unmodifiableMap(headers),
                Arrays.copyOfRange(raw, payloadStart, total - CRC_BYTES));
    }

    private static long crc(byte[] bytes, int offset, int length) {
        CRC32 c = new CRC32();
        c.update(bytes, offset, length);
        return c.getValue();
    }

    /** Cuts a byte stream, fed in chunks as they come, into whole messages. Not thread-safe. */
    static final class Splitter {
        private byte[] buf = new byte[1024];
        private int start;
        private int end;

        void add(byte[] chunk) {
            if (end + chunk.length > buf.length) {
                int held = end - start;
                byte[] next = held + chunk.length > buf.length ? new byte[Math.max(buf.length * 2, held + chunk.length)]
                        : buf;
                System.arraycopy(buf, start, next, 0, held);
                buf = next;
                start = 0;
                end = held;
            }
            System.arraycopy(chunk, 0, buf, end, chunk.length);
            end += chunk.length;
        }

        /** The next whole message, or null until more bytes come. */
        Message next() {
            if (end - start < PRELUDE_BYTES) {
                return null;
            }
            int total = ByteBuffer.wrap(buf, start, 4).getInt();
            if (total < PRELUDE_BYTES + CRC_BYTES || total > MAX_MESSAGE_BYTES) {
                throw new IllegalArgumentException("event-stream message length " + total + " out of bounds");
            }
            if (end - start < total) {
                return null;
            }
            Message m = decode(Arrays.copyOfRange(buf, start, start + total));
            start += total;
            return m;
        }

        /** Bytes held that are not a whole message yet. */
        int buffered() {
            return end - start;
        }

        /** Takes the bytes held (not a whole message), leaving none. */
        byte[] drain() {
            byte[] rest = Arrays.copyOfRange(buf, start, end);
            start = 0;
            end = 0;
            return rest;
        }
    }
}
