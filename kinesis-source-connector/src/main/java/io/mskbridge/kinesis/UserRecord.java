package io.mskbridge.kinesis;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * One record as users see it: a plain Kinesis record (sub-sequence 0, not aggregated) or one user record
 * of a KPL aggregate. {@code aggregationError} is set when an aggregate could not be decoded and is passed
 * through whole. {@code explicitHashKey} is the KPL user record's explicit hash key (decimal), or null.
 */
record UserRecord(String sequenceNumber, long subSequence, boolean aggregated, String partitionKey, byte[] data,
                  long arrivalMillis, String aggregationError, String explicitHashKey) {

    UserRecord(String sequenceNumber, long subSequence, boolean aggregated, String partitionKey, byte[] data,
               long arrivalMillis, String aggregationError) {
        this(sequenceNumber, subSequence, aggregated, partitionKey, data, arrivalMillis, aggregationError, null);
    }

    /** Bytes held in memory for queue accounting. */
    long sizeInBytes() {
        return data.length + (partitionKey == null ? 0 : partitionKey.length()) + 64L;
    }

    /**
     * The hash key Kinesis routes by: the explicit hash key, else the MD5 of the UTF-8 partition key read as an
     * unsigned 128-bit number (how Kinesis, the KPL and the KCL all compute it).
     */
    BigInteger hashKey() {
        if (explicitHashKey != null) {
            return new BigInteger(explicitHashKey);
        }
        byte[] key = partitionKey.getBytes(StandardCharsets.UTF_8);
        return new BigInteger(1, Deaggregator.md5(key, 0, key.length));
    }
}
