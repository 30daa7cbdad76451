package io.mskbridge.dynamodb;

import org.apache.kafka.connect.sink.SinkRecord;

import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * One write derived from one record.
 *
 * @param put true for a PutRequest, false for a DeleteRequest
 */
record WriteOp(ItemKey key, WriteRequest request, SinkRecord record, boolean put) {
}
