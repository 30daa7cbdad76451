package io.mskbridge.kinesis;

/**
 * One record as users see it: a plain Kinesis record (sub-sequence 0, not aggregated) or one user record
 * of a KPL aggregate. {@code aggregationError} is set when an aggregate could not be decoded and is passed
 * through whole.
 */
record UserRecord(String sequenceNumber, long subSequence, boolean aggregated, String partitionKey, byte[] data,
                  long arrivalMillis, String aggregationError) {

    /** Bytes held in memory for queue accounting. */
    long sizeInBytes() {
        return data.length + (partitionKey == null ? 0 : partitionKey.length()) + 64L;
    }
}
