package io.mskbridge.local;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes KPL aggregated records, the format the Kinesis Producer Library and {@code aws-kinesis-agg} produce: the
 * magic bytes {@code F3 89 9A C2}, a protobuf {@code AggregatedRecord} (partition key table, records of key index
 * and data) and the MD5 of that protobuf. Like the KPL, callers aggregate only user records that hash to the same
 * shard, and put the aggregate with the first user record's partition key. {@code KplAggregateTest} checks the
 * bytes against aggregates made by the npm {@code aws-kinesis-agg} encoder.
 */
final class KplAggregate {

    static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    /** One user record of an aggregate. */
    record User(String partitionKey, byte[] data) {
    }

    private KplAggregate() {
    }

    static byte[] encode(List<User> users) {
        if (users.isEmpty()) {
            throw new IllegalArgumentException("an aggregate needs at least one user record");
        }
        Map<String, Integer> keys = new LinkedHashMap<>();
        List<byte[]> records = new ArrayList<>();
        for (User u : users) {
            int index = keys.computeIfAbsent(u.partitionKey(), k -> keys.size());
            ByteArrayOutputStream r = new ByteArrayOutputStream();
            r.write(0x08); // field 1 (partition_key_index), varint
            varint(r, index);
            lengthDelimited(r, 0x1A, u.data()); // field 3 (data), bytes
            records.add(r.toByteArray());
        }
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        for (String k : keys.keySet()) {
            lengthDelimited(message, 0x0A, k.getBytes(StandardCharsets.UTF_8)); // field 1: partition_key_table
        }
        for (byte[] r : records) {
            lengthDelimited(message, 0x1A, r); // field 3: records
        }
        byte[] body = message.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.writeBytes(body);
        out.writeBytes(md5(body));
        return out.toByteArray();
    }

    private static void lengthDelimited(ByteArrayOutputStream out, int tag, byte[] value) {
        out.write(tag);
        varint(out, value.length);
        out.writeBytes(value);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    static byte[] md5(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
