package io.mskbridge.kinesis.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.KinesisEmulator;
import io.mskbridge.harness.SharedServers;
import io.mskbridge.kinesis.PayloadFixtures;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The shipped seed source config ({@code docker/connectors/kinesis-source.json}: json + compression auto, the
 * validate → enrich → amount → quality → fraud chain routing to {@code <topic>.invalid}, the bytes-as-is JSON
 * converter) in a real Connect 3.7.2 worker with exactly-once source, against the Kinesis emulator: gzip made by
 * Python as the seed producer makes it, zlib by Python and by Java, and payloads that cannot be read, then
 * plain events. The compressed events arrive as if they were plain JSON; every odd payload is in
 * {@code <topic>.invalid} as the very bytes put into Kinesis, with its reasons; the task never fails and the
 * events behind the odd ones all arrive, in order.
 */
class KinesisPayloadIT {

    @RegisterExtension
    static final SharedServers SERVERS = KinesisItServers.withWorkers(1);
    static final KinesisEmulator KINESIS = KinesisItServers.KINESIS;
    static final ConnectCluster CONNECT = KinesisItServers.CONNECT;

    static final String PAYLOAD_ERROR = "kinesis.payload.error";
    static final String VALIDATION_ERROR = "mskbridge.validation.error";
    static final String VALIDATION_TRANSFORM = "mskbridge.validation.transform";

    /** A payload that cannot be read: its bytes, and how the source's reason starts. */
    private record Odd(byte[] data, String reason) {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] event(String id) {
        return utf8("{\"event_type\":\"purchase\",\"id\":\"" + id + "\",\"user_id\":\"user7\",\"amount\":10.5,"
                + "\"currency\":\"USD\",\"country\":\"US\",\"timestamp\":\"2026-11-22T04:59:30.000001\"}");
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static JsonNode json(byte[] value) {
        try {
            return KinesisFixtures.JSON.readTree(value);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + new String(value, StandardCharsets.UTF_8), e);
        }
    }

    @Test
    void compressedEventsArriveAndOddPayloadsLandInTheInvalidTopicByteForByte() {
        String stream = "transactiondatastream-it";
        KINESIS.createStream(stream, 1);
        CONNECT.kafka().createTopic(stream, 1);
        CONNECT.kafka().createTopic(stream + ".invalid", 1);
        KinesisClient k = KINESIS.client();

        Map<String, Odd> odd = new LinkedHashMap<>();
        odd.put("truncated-gzip", new Odd(PayloadFixtures.file("gzip-truncated.gz"),
                "gzip payload does not decompress: "));
        odd.put("gzip-of-text", new Odd(PayloadFixtures.file("gzip-text.gz"), "invalid JSON: "));
        odd.put("gzip-bomb", new Odd(PayloadFixtures.file("gzip-bomb.gz"),
                "gzip payload decompresses to more than kinesis.payload.max.decompressed.bytes"));
        odd.put("plain-text", new Odd(utf8("temperature=21.5;unit=C"), "invalid JSON: "));
        odd.put("binary", new Odd(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0x80, 0x7f}, "invalid JSON: "));
        odd.put("json-array", new Odd(utf8("[1, 2]"), "not a JSON object but an array"));
        odd.put("json-null", new Odd(utf8("null"), "not a JSON object but null"));
        odd.put("gzip-of-a-string", new Odd(PayloadFixtures.gzip(utf8("\"hello\"")), "not a JSON object but a string"));
        odd.put("zlib-lookalike", new Odd(utf8("x^2 + y^2 = r^2"), "invalid JSON: "));

        // In this order on one shard: an event, the compressed events, the odd payloads and two records the
        // chain rejects on their content, then the connector starts, then more events behind them.
        List<String> expectedMain = new ArrayList<>();
        put(k, stream, "n-0", event("n-0"));
        expectedMain.add("n-0");
        put(k, stream, "python-gzip", PayloadFixtures.file("gzip-event.gz"));
        expectedMain.add("gz-1");
        put(k, stream, "python-zlib", PayloadFixtures.file("zlib-event.zlib"));
        expectedMain.add("zl-1");
        put(k, stream, "java-zlib", PayloadFixtures.zlib(event("jz-1")));
        expectedMain.add("jz-1");
        odd.forEach((key, o) -> put(k, stream, key, o.data()));
        put(k, stream, "missing-timestamp", utf8("{\"event_type\":\"purchase\",\"id\":\"no-ts\"}"));
        put(k, stream, "bad-amount", utf8("{\"event_type\":\"purchase\",\"id\":\"bad-amount\",\"amount\":\"lots\","
                + "\"timestamp\":\"2026-11-22T04:59:30\"}"));

        Map<String, String> c = KinesisFixtures.shippedConfig("kinesis-source.json", stream, KINESIS.endpoint());
        c.put("tasks.max", "1");
        c.put("kinesis.poll.interval.ms", "200");
        CONNECT.rest().putConnector("payloads", c);
        CONNECT.rest().awaitRunning("payloads", 1, Duration.ofSeconds(90));
        for (int i = 1; i <= 20; i++) {
            put(k, stream, "n-" + i, PayloadFixtures.gzip(event("n-" + i)));
            expectedMain.add("n-" + i);
        }

        int expectedInvalid = odd.size() + 2;
        List<ConsumerRecord<byte[], byte[]>> main = CONNECT.kafka().readAll(List.of(stream), expectedMain.size(),
                Duration.ofSeconds(120), "read_committed");
        List<ConsumerRecord<byte[], byte[]>> invalid = CONNECT.kafka().readAll(List.of(stream + ".invalid"),
                expectedInvalid, Duration.ofSeconds(60), "read_committed");

        // The events, gzip/zlib ones included, all arrive once, in order, enriched by the whole chain.
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : main) {
            JsonNode v = json(r.value());
            ids.add(v.path("id").asText());
            assertThat(header(r, VALIDATION_ERROR)).isNull();
            assertThat(header(r, PAYLOAD_ERROR)).isNull();
            assertThat(v.path("environment").asText()).isEqualTo("dev");
            assertThat(v.has("processed_timestamp")).isTrue();
            assertThat(v.has("quality_score")).isTrue();
            assertThat(v.path("fraud_flag").asBoolean(true)).isFalse();
        }
        assertThat(ids).as("events in the main topic, in put order").containsExactlyElementsOf(expectedMain);
        // the seed producer's gzip gives every field of its JSON text, unchanged
        JsonNode gz = json(main.get(1).value());
        JsonNode text = json(PayloadFixtures.file("gzip-event.json"));
        text.fields().forEachRemaining(f -> assertThat(gz.get(f.getKey())).as(f.getKey()).isEqualTo(f.getValue()));
        assertThat(gz.path("amount_cents").asLong()).isEqualTo(4250L);
        assertThat(new String(main.get(1).key(), StandardCharsets.UTF_8)).isEqualTo("python-gzip");

        // Every odd payload: the bytes that went into Kinesis, with the source's reason and the route's.
        assertThat(invalid).hasSize(expectedInvalid);
        Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
        invalid.forEach(r -> byKey.put(new String(r.key(), StandardCharsets.UTF_8), r));
        odd.forEach((key, o) -> {
            ConsumerRecord<byte[], byte[]> r = byKey.get(key);
            assertThat(r).as(key).isNotNull();
            assertThat(r.value()).as("%s byte for byte", key).isEqualTo(o.data());
            assertThat(header(r, PAYLOAD_ERROR)).as(key).startsWith(o.reason());
            assertThat(header(r, VALIDATION_ERROR)).as(key)
                    .isEqualTo("payload not decoded by the source (" + PAYLOAD_ERROR + ": " + header(r, PAYLOAD_ERROR) + ")");
            assertThat(header(r, VALIDATION_TRANSFORM)).isEqualTo("ValidateFields");
            assertThat(header(r, "kinesis.sequence.number")).as(key).isNotBlank();
        });
        assertThat(header(byKey.get("zlib-lookalike"), PAYLOAD_ERROR)).contains("starts like a zlib header");
        // Records that are JSON objects but fail a rule keep their JSON form (JsonConverter's).
        ConsumerRecord<byte[], byte[]> noTs = byKey.get("missing-timestamp");
        assertThat(json(noTs.value()).path("id").asText()).isEqualTo("no-ts");
        assertThat(header(noTs, VALIDATION_ERROR)).isEqualTo("missing required field(s) [timestamp]");
        ConsumerRecord<byte[], byte[]> badAmount = byKey.get("bad-amount");
        assertThat(header(badAmount, VALIDATION_TRANSFORM)).isEqualTo("AmountToMinorUnits");
        assertThat(json(badAmount.value()).path("amount").asText()).isEqualTo("lots");

        assertThat(CONNECT.rest().status("payloads").path("tasks").toString()).doesNotContain("FAILED");
        CONNECT.rest().deleteConnector("payloads");
    }

    private static void put(KinesisClient k, String stream, String key, byte[] data) {
        k.putRecord(b -> b.streamName(stream).partitionKey(key).data(SdkBytes.fromByteArray(data)));
    }
}
