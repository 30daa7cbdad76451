package io.mskbridge.dynamodb;

import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A record that can never become a valid DynamoDB write (bad number, empty or missing key, item over
 * 400 KB, ...). It goes to the errant record reporter (DLQ) or, without one, fails the task. The message
 * names the record's coordinates and the field, so a user can find and fix the producer.
 */
public class UnwritableRecordException extends DataException {

    private static final long serialVersionUID = 1L;

    private final String field;

    public UnwritableRecordException(SinkRecord record, String field, String reason) {
        super("Cannot write record topic=" + record.topic() + ", partition=" + record.kafkaPartition() + ", offset="
                + record.kafkaOffset() + " to DynamoDB: field '" + field + "': " + reason);
        this.field = field;
    }

    /** The value field path, key attribute or setting the problem is about. */
    public String field() {
        return field;
    }
}
