package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mskbridge.kinesis.kpl.KplMessages;

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

    /** Aggregates around a split of the key space at 2^127 (see make-fixtures.js). */
    static JsonNode reshardFixtures() throws Exception {
        try (InputStream in = DeaggregatorTest.class.getResourceAsStream("/kpl/reshard-aggregates.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static final BigInteger HALF = BigInteger.ONE.shiftLeft(127);
    static final ShardSpec.HashRange LOW = new ShardSpec.HashRange(BigInteger.ZERO, HALF.subtract(BigInteger.ONE));
    static final ShardSpec.HashRange HIGH = new ShardSpec.HashRange(HALF, FakeKinesis.MAX_HASH_KEY);

    /** The aggregate of {@code phase} routed to {@code route} ("low" or "high"). */
    static JsonNode reshardAggregate(String phase, String route) throws Exception {
        for (JsonNode a : reshardFixtures()) {
            if (a.path("phase").asText().equals(phase) && a.path("route").asText().equals(route)) {
                return a;
            }
        }
        throw new AssertionError("no " + phase + "/" + route + " aggregate in the fixtures");
    }

    static byte[] bytes(JsonNode aggregate) {
        return Base64.getDecoder().decode(aggregate.path("data").asText());
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
    void hashKeysAreTheReferenceAggregatorsExplicitKeysOrTheMd5OfThePartitionKey() throws Exception {
        int explicit = 0;
        for (JsonNode agg : reshardFixtures()) {
            List<UserRecord> users = Deaggregator.split(record("49600", "outer", bytes(agg)));
            JsonNode expected = agg.path("users");
            assertThat(users).hasSize(expected.size());
            for (int i = 0; i < users.size(); i++) {
                JsonNode e = expected.get(i);
                assertThat(users.get(i).explicitHashKey()).isEqualTo(e.has("explicitHashKey")
                        ? e.path("explicitHashKey").asText() : null);
                assertThat(users.get(i).hashKey()).isEqualTo(new BigInteger(e.path("hashKey").asText()));
                explicit += e.has("explicitHashKey") ? 1 : 0;
            }
        }
        assertThat(explicit).as("fixtures with explicit hash keys").isPositive();
    }

    @Test
    void aShardOwnsTheUserRecordsInItsRangeAndEveryPlainRecord() throws Exception {
        JsonNode stale = reshardAggregate("stale", "low");
        List<UserRecord> users = Deaggregator.split(record("49600", "outer", bytes(stale)));
        ShardSpec low = new ShardSpec("s", "shardId-1", ShardSpec.Start.TRIM_HORIZON, LOW, List.of());
        ShardSpec high = new ShardSpec("s", "shardId-2", ShardSpec.Start.TRIM_HORIZON, HIGH, List.of());
        for (int i = 0; i < users.size(); i++) {
            boolean isLow = new BigInteger(stale.path("users").get(i).path("hashKey").asText()).compareTo(HALF) < 0;
            assertThat(low.owns(users.get(i))).isEqualTo(isLow);
            assertThat(high.owns(users.get(i))).isEqualTo(!isLow);
        }
        assertThat(users).filteredOn(low::owns).hasSizeBetween(1, users.size() - 1);
        UserRecord plain = Deaggregator.split(record("1", "k", "{}".getBytes(StandardCharsets.UTF_8))).get(0);
        assertThat(low.owns(plain) && high.owns(plain)).as("Kinesis routed plain records itself").isTrue();
    }

    @Test
    void anExplicitHashKeyIndexOutsideTheTableIsACorruptAggregate() throws Exception {
        byte[] proto = KplMessages.AggregatedRecord.newBuilder().addPartitionKeyTable("k")
                .addRecords(KplMessages.Record.newBuilder().setPartitionKeyIndex(0).setExplicitHashKeyIndex(3)
                        .setData(com.google.protobuf.ByteString.copyFromUtf8("{}")))
                .build().toByteArray();
        assertCorrupt(framed(proto), "explicit hash key index 3 outside the table");
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
        assertCorrupt(framed(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07}), "not parsable");
    }

    /** Magic, {@code body}, MD5 of {@code body}: a record the checks of the aggregate format accept. */
    private static byte[] framed(byte[] body) throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("MD5").digest(body);
        byte[] data = new byte[4 + body.length + 16];
        System.arraycopy(Deaggregator.MAGIC, 0, data, 0, 4);
        System.arraycopy(body, 0, data, 4, body.length);
        System.arraycopy(digest, 0, data, 4 + body.length, 16);
        return data;
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
