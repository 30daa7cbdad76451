package io.mskbridge.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * {@link EventStreamCodec} against the AWS SDK's own event-stream library ({@code software.amazon.eventstream}, which
 * the SDK decodes SubscribeToShard responses with): messages it encodes are cut out of a byte stream fed in chunks of
 * any size, byte for byte, and a payload replaced by the codec decodes there with the same headers.
 */
class EventStreamCodecTest {

    private static Message sdkMessage(String eventType, String payload) {
        Map<String, HeaderValue> h = new LinkedHashMap<>();
        h.put(":message-type", HeaderValue.fromString("event"));
        h.put(":event-type", HeaderValue.fromString(eventType));
        h.put(":content-type", HeaderValue.fromString("application/json"));
        // Headers of the other types, which the codec must step over (byte and short below: eventstream 1.0.1
        // writes no value for them).
        h.put("b", HeaderValue.fromBoolean(true));
        h.put("f", HeaderValue.fromBoolean(false));
        h.put("i", HeaderValue.fromInteger(70_000));
        h.put("l", HeaderValue.fromLong(1L << 40));
        h.put("a", HeaderValue.fromByteArray(new byte[] {1, 2, 3}));
        h.put("t", HeaderValue.fromTimestamp(Instant.ofEpochMilli(1_700_000_000_123L)));
        h.put("u", HeaderValue.fromUuid(UUID.nameUUIDFromBytes(payload.getBytes(StandardCharsets.UTF_8))));
        return new Message(h, payload.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(Message m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.encode(out);
        return out.toByteArray();
    }

    @Test
    void cutsAStreamFedInChunksOfAnySizeIntoTheSdksMessagesByteForByte() {
        List<byte[]> sent = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 20; i++) {
            byte[] b = bytes(sdkMessage("SubscribeToShardEvent", "{\"n\":" + i + ",\"pad\":\"" + "x".repeat(i * 97)
                    + "\"}"));
            sent.add(b);
            stream.writeBytes(b);
        }
        byte[] all = stream.toByteArray();
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            EventStreamCodec.Splitter splitter = new EventStreamCodec.Splitter();
            List<EventStreamCodec.Message> got = new ArrayList<>();
            // Chunks from 1 byte (a prelude in pieces) to several messages at once.
            for (int pos = 0; pos < all.length; ) {
                int n = Math.min(all.length - pos, 1 + random.nextInt(round % 2 == 0 ? 16 : 5_000));
                splitter.add(Arrays.copyOfRange(all, pos, pos + n));
                pos += n;
                for (EventStreamCodec.Message m = splitter.next(); m != null; m = splitter.next()) {
                    got.add(m);
                }
            }
            assertThat(splitter.buffered()).isZero();
            assertThat(got).hasSize(sent.size());
            for (int i = 0; i < sent.size(); i++) {
                assertThat(got.get(i).raw()).isEqualTo(sent.get(i));
                assertThat(got.get(i).header(":event-type")).isEqualTo("SubscribeToShardEvent");
                assertThat(got.get(i).header(":content-type")).isEqualTo("application/json");
                assertThat(new String(got.get(i).payload(), StandardCharsets.UTF_8)).startsWith("{\"n\":" + i + ",");
            }
        }
    }

    @Test
    void aNewPayloadKeepsTheHeadersAndTheSdkAcceptsItsCrcs() {
        Message original = sdkMessage("SubscribeToShardEvent", "{\"ContinuationSequenceNumber\":\"49\"}");
        EventStreamCodec.Message m = EventStreamCodec.decode(bytes(original));
        byte[] payload = "{\"ChildShards\":[{\"ShardId\":\"shardId-000000000001\"}]}".getBytes(StandardCharsets.UTF_8);

        Message rewritten = Message.decode(ByteBuffer.wrap(m.withPayload(payload))); // checks both CRCs
        assertThat(rewritten.getHeaders()).isEqualTo(original.getHeaders());
        assertThat(rewritten.getPayload()).isEqualTo(payload);
        // And what the codec encodes from string headers alone is what the SDK encodes.
        Map<String, String> h = Map.of(":message-type", "event");
        assertThat(EventStreamCodec.encode(EventStreamCodec.stringHeaders(h), payload))
                .isEqualTo(bytes(new Message(Map.of(":message-type", HeaderValue.fromString("event")), payload)));
    }

    @Test
    void aCorruptMessageIsRefusedWithWhatIsWrong() {
        byte[] good = bytes(sdkMessage("SubscribeToShardEvent", "{}"));
        byte[] badPrelude = good.clone();
        badPrelude[9] ^= 1;
        assertThatThrownBy(() -> EventStreamCodec.decode(badPrelude)).hasMessageContaining("prelude CRC");
        byte[] badPayload = good.clone();
        badPayload[good.length - 6] ^= 1;
        assertThatThrownBy(() -> EventStreamCodec.decode(badPayload)).hasMessageContaining("message CRC");
        byte[] badLength = good.clone();
        badLength[0] = 0x7f;
        EventStreamCodec.Splitter s = new EventStreamCodec.Splitter();
        s.add(badLength);
        assertThatThrownBy(s::next).hasMessageContaining("out of bounds");
    }

    @Test
    void byteAndShortHeadersAreSteppedOver() {
        ByteBuffer h = ByteBuffer.allocate(64);
        h.put((byte) 1).put((byte) 'y').put((byte) 2).put((byte) 7);
        h.put((byte) 1).put((byte) 's').put((byte) 3).putShort((short) 300);
        byte[] strings = EventStreamCodec.stringHeaders(Map.of(":event-type", "SubscribeToShardEvent"));
        h.put(strings);
        byte[] raw = EventStreamCodec.encode(Arrays.copyOf(h.array(), h.position()), new byte[] {'{', '}'});

        EventStreamCodec.Message m = EventStreamCodec.decode(raw);
        assertThat(m.headers()).containsExactly(Map.entry(":event-type", "SubscribeToShardEvent"));
        assertThat(m.payload()).containsExactly('{', '}');
    }
}
