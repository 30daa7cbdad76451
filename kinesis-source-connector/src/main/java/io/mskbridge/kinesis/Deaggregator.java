package io.mskbridge.kinesis;

import java.util.List;

import software.amazon.awssdk.services.kinesis.model.Record;

/** Splits KPL aggregated records into user records. */
final class Deaggregator {

    private Deaggregator() {
    }

    static List<UserRecord> split(Record r) {
        long arrival = r.approximateArrivalTimestamp() == null ? System.currentTimeMillis()
                : r.approximateArrivalTimestamp().toEpochMilli();
        return List.of(new UserRecord(r.sequenceNumber(), 0L, false, r.partitionKey(), r.data().asByteArrayUnsafe(),
                arrival, null));
    }
}
