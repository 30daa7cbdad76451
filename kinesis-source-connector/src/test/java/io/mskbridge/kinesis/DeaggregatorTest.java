package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * De-aggregation of records made by the AWS Labs reference aggregator (npm aws-kinesis-agg 4.2.8, see
 * src/test/kpl-fixtures/make-fixtures.js), and pass-through of corrupt aggregates.
 */
class DeaggregatorTest {

    static JsonNode fixtures() throws Exception {
        try (InputStream in = DeaggregatorTest.class.getResourceAsStream("/kpl/aggregates.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static Record record(String seq, String key, byte[] data) {
        return Record.builder().sequenceNumber(seq).partitionKey(key).data(SdkBytes.fromByteArray(data))
                .approximateArrivalTimestamp(Instant.ofEpochMilli(1_700_000_000_000L)).build();
    }

    @Test
    void splitsAggregatesMadeByTheReferenceAggregator() throws Exception {
        for (JsonNode agg : fixtures()) {
            byte[] bytes = Base64.getDecoder().decode(agg.path("data").asText());
            assertThat(Deaggregator.hasMagic(bytes)).isTrue();
            List<UserRecord> users = Deaggregator.split(record("49600", agg.path("partitionKey").asText(), bytes));
            JsonNode expected = agg.path("users");
            assertThat(users).hasSize(expected.size());
            for (int i = 0; i < users.size(); i++) {
                UserRecord u = users.get(i);
                assertThat(u.aggregated()).isTrue();
                assertThat(u.subSequence()).isEqualTo(i);
                assertThat(u.sequenceNumber()).isEqualTo("49600");
                assertThat(u.aggregationError()).isNull();
                assertThat(u.partitionKey()).isEqualTo(expected.get(i).path("partitionKey").asText());
                assertThat(new String(u.data(), StandardCharsets.UTF_8)).isEqualTo(expected.get(i).path("data").asText());
                assertThat(u.arrivalMillis()).isEqualTo(1_700_000_000_000L);
            }
        }
    }

    @Test
    void plainRecordsPassThrough() {
        List<UserRecord> users = Deaggregator.split(record("1", "k", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
        assertThat(users).singleElement().satisfies(u -> {
            assertThat(u.aggregated()).isFalse();
            assertThat(u.subSequence()).isZero();
            assertThat(u.partitionKey()).isEqualTo("k");
        });
    }

    @Test
    void corruptAggregatesArePassedOnWholeWithTheReason() throws Exception {
        byte[] good = Base64.getDecoder().decode(fixtures().get(0).path("data").asText());

        byte[] flipped = good.clone();
        flipped[10] ^= 0x55;
        assertCorrupt(flipped, "MD5");

        byte[] truncated = java.util.Arrays.copyOf(good, 12);
        assertCorrupt(truncated, "KPL magic but only");

        // Valid MD5 over bytes that are not an AggregatedRecord.
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
        java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
        byte[] digest = md5.digest(garbage);
        byte[] bad = new byte[4 + garbage.length + 16];
        System.arraycopy(Deaggregator.MAGIC, 0, bad, 0, 4);
        System.arraycopy(garbage, 0, bad, 4, garbage.length);
        System.arraycopy(digest, 0, bad, 4 + garbage.length, 16);
        assertCorrupt(bad, "not parsable");
    }

    private static void assertCorrupt(byte[] data, String reason) {
        List<UserRecord> users = Deaggregator.split(record("7", "outer", data));
        assertThat(users).singleElement().satisfies(u -> {
            assertThat(u.aggregationError()).contains(reason);
            assertThat(u.partitionKey()).isEqualTo("outer");
            assertThat(u.data()).isEqualTo(data);
            assertThat(u.aggregated()).isFalse();
        });
    }
}
