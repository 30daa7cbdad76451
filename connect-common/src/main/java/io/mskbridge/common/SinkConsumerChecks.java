package io.mskbridge.common;

import java.util.Locale;
import java.util.Map;

/**
 * Checks on the Kafka consumer settings of a sink connector that change what the sink writes without failing.
 *
 * <p>A consumer reads {@code read_uncommitted} unless told otherwise, so a sink also receives the records of
 * aborted transactions. An exactly-once source leaves such records in its topics whenever a worker dies with a
 * transaction open (the Kinesis source re-sends them in a later, committed transaction): a sink reading
 * uncommitted then writes those records twice. DynamoDB items are keyed, so this only costs writes there; an S3
 * archive holds the duplicates.
 */
public final class SinkConsumerChecks {

    /** The connector-level override of the sink consumer's isolation level. */
    public static final String ISOLATION_OVERRIDE = "consumer.override.isolation.level";

    private SinkConsumerChecks() {
    }

    /**
     * A warning to log at connector start when the connector config does not ask for {@code read_committed}, or
     * null. (A worker-wide {@code consumer.isolation.level} is invisible to a connector, hence the wording.)
     */
    public static String isolationWarning(String connector, Map<String, String> props) {
        String v = props.get(ISOLATION_OVERRIDE);
        if (v != null && v.trim().toLowerCase(Locale.ROOT).equals("read_committed")) {
            return null;
        }
        return "Connector " + connector + ": " + ISOLATION_OVERRIDE + " is " + (v == null ? "not set" : "'" + v + "'")
                + ". Unless the worker sets consumer.isolation.level=read_committed, this sink also writes the records "
                + "of aborted transactions, which an exactly-once source (such as the Kinesis source after a worker "
                + "crash) leaves in its topics, so they are written twice. Set " + ISOLATION_OVERRIDE
                + "=read_committed.";
    }
}
