package io.mskbridge.kinesis;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import com.google.protobuf.InvalidProtocolBufferException;

import io.mskbridge.kinesis.kpl.KplMessages;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Splits KPL aggregated records into user records. The format (published by AWS Labs with the KPL):
 * magic {@code F3 89 9A C2}, an {@code AggregatedRecord} protobuf, and the MD5 of the protobuf bytes. Decoding
 * uses protobuf-java classes generated from the published schema ({@code src/main/proto}).
 *
 * <p>A record without the magic is a plain record. A record with the magic that fails the checks (too short,
 * MD5 mismatch, unparsable protobuf, partition or explicit hash key index out of range, an explicit hash key
 * that is no number, no user records) is passed on whole,
 * with the reason in header {@code kinesis.aggregation.error}: never dropped, and a producer that happens to
 * start its payload with the magic bytes still gets its data through.
 */
final class Deaggregator {

    static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    private static final int DIGEST_LENGTH = 16;
    /** Kinesis hash keys: 0 to 2^128 - 1, in decimal (at most 39 digits). */
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,39}");
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every JRE", e);
        }
    });

    private Deaggregator() {
    }

    static List<UserRecord> split(Record r) {
        long arrival = r.approximateArrivalTimestamp() == null ? System.currentTimeMillis()
                : r.approximateArrivalTimestamp().toEpochMilli();
        byte[] data = r.data().asByteArrayUnsafe();
        if (!hasMagic(data)) {
            return List.of(plain(r, data, arrival, null));
        }
        if (data.length < MAGIC.length + DIGEST_LENGTH) {
            return List.of(plain(r, data, arrival, "KPL magic but only " + data.length + " bytes"));
        }
        int length = data.length - MAGIC.length - DIGEST_LENGTH;
        byte[] digest = md5(data, MAGIC.length, length);
        if (!Arrays.equals(digest, 0, DIGEST_LENGTH, data, data.length - DIGEST_LENGTH, data.length)) {
            return List.of(plain(r, data, arrival, "KPL aggregate MD5 mismatch"));
        }
        KplMessages.AggregatedRecord agg;
        try {
            agg = KplMessages.AggregatedRecord.parser().parseFrom(data, MAGIC.length, length);
        } catch (InvalidProtocolBufferException e) {
            return List.of(plain(r, data, arrival, "KPL aggregate not parsable: " + e.getMessage()));
        }
        if (agg.getRecordsCount() == 0) {
            return List.of(plain(r, data, arrival, "KPL aggregate without user records"));
        }
        List<UserRecord> out = new ArrayList<>(agg.getRecordsCount());
        for (int i = 0; i < agg.getRecordsCount(); i++) {
            KplMessages.Record u = agg.getRecords(i);
            long keyIndex = u.getPartitionKeyIndex();
            if (keyIndex < 0 || keyIndex >= agg.getPartitionKeyTableCount()) {
                return List.of(plain(r, data, arrival, "KPL aggregate record " + i
                        + " has partition key index " + keyIndex + " outside the table"));
            }
            String explicitHashKey = null;
            if (u.hasExplicitHashKeyIndex()) {
                long hashIndex = u.getExplicitHashKeyIndex();
                if (hashIndex < 0 || hashIndex >= agg.getExplicitHashKeyTableCount()) {
                    return List.of(plain(r, data, arrival, "KPL aggregate record " + i
                            + " has explicit hash key index " + hashIndex + " outside the table"));
                }
                explicitHashKey = agg.getExplicitHashKeyTable((int) hashIndex);
                if (!DECIMAL.matcher(explicitHashKey).matches()) {
                    return List.of(plain(r, data, arrival, "KPL aggregate record " + i
                            + " has an explicit hash key that is not a decimal number"));
                }
            }
            out.add(new UserRecord(r.sequenceNumber(), i, true, agg.getPartitionKeyTable((int) keyIndex),
                    u.getData().toByteArray(), arrival, null, explicitHashKey));
        }
        return out;
    }

    /** MD5 of {@code length} bytes of {@code data} from {@code offset}. */
    static byte[] md5(byte[] data, int offset, int length) {
        MessageDigest md5 = MD5.get();
        md5.reset();
        md5.update(data, offset, length);
        return md5.digest();
    }

    static boolean hasMagic(byte[] data) {
        if (data.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (data[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static UserRecord plain(Record r, byte[] data, long arrival, String error) {
        return new UserRecord(r.sequenceNumber(), 0L, false, r.partitionKey(), data, arrival, error);
    }
}
