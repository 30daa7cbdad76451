package io.mskbridge.kinesis;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.source.SourceRecord;

import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Turns Kinesis records into Connect source records: key = partition key, value per
 * {@code kinesis.payload.format}, timestamp = approximate arrival time, and the {@code kinesis.*} headers.
 * Not thread-safe (the JSON converter is shared); a task's fetch threads each use their own. The
 * {@link JsonStructReader} for {@code kinesis.payload.schema} is immutable and shared by all of a task's converters.
 */
final class RecordConverter {

    static final String H_STREAM = "kinesis.stream";
    static final String H_SHARD = "kinesis.shard.id";
    static final String H_SEQUENCE = "kinesis.sequence.number";
    static final String H_SUB_SEQUENCE = "kinesis.sub.sequence.number";
    static final String H_ARRIVAL = "kinesis.arrival.timestamp";
    static final String H_PAYLOAD_ERROR = "kinesis.payload.error";
    static final String H_AGGREGATE_ERROR = "kinesis.aggregation.error";

    /** Prefix of the {@link #H_PAYLOAD_ERROR} value for JSON that does not fit {@code kinesis.payload.schema}. */
    static final String SCHEMA_MISMATCH = "does not match kinesis.payload.schema at ";

    private final KinesisSourceConfig.PayloadFormat format;
    private final JsonConverter json;
    private final JsonStructReader structs;

    RecordConverter(KinesisSourceConfig.PayloadFormat format) {
        this(format, null);
    }

    /** {@code structs}: for {@code json} with {@code kinesis.payload.schema}, the (shared) Struct reader. */
    RecordConverter(KinesisSourceConfig.PayloadFormat format, JsonStructReader structs) {
        this.format = format;
        this.structs = format == KinesisSourceConfig.PayloadFormat.JSON ? structs : null;
        if (format == KinesisSourceConfig.PayloadFormat.JSON && structs == null) {
            json = new JsonConverter();
            Map<String, Object> c = new HashMap<>();
            c.put(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, false);
            c.put(JsonConverterConfig.TYPE_CONFIG, "value");
            json.configure(c);
        } else {
            json = null;
        }
    }

    /**
     * The user records of a Kinesis record: itself, or the records of a KPL aggregate. All of them: leaving
     * out what was already delivered is {@link ShardFeed#deliver}'s job.
     */
    List<UserRecord> split(Record r) {
        return Deaggregator.split(r);
    }

    /** The Connect record for one user record; {@code finished} marks the last record of a closed shard. */
    SourceRecord toSourceRecord(ShardKey shard, String topic, UserRecord u, boolean finished) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(H_STREAM, shard.stream());
        headers.addString(H_SHARD, shard.shardId());
        headers.addString(H_SEQUENCE, u.sequenceNumber());
        if (u.aggregated()) {
            headers.addLong(H_SUB_SEQUENCE, u.subSequence());
        }
        long arrival = u.arrivalMillis();
        headers.addLong(H_ARRIVAL, arrival);
        if (u.aggregationError() != null) {
            headers.addString(H_AGGREGATE_ERROR, u.aggregationError());
        }
        Schema valueSchema;
        Object value;
        switch (format) {
            case STRING:
                valueSchema = Schema.STRING_SCHEMA;
                value = new String(u.data(), StandardCharsets.UTF_8);
                break;
            case JSON:
                if (structs != null) {
                    try {
                        value = structs.read(u.data());
                        valueSchema = structs.schema();
                    } catch (JsonStructReader.InvalidJson e) {
                        valueSchema = Schema.STRING_SCHEMA;
                        value = new String(u.data(), StandardCharsets.UTF_8);
                        headers.addString(H_PAYLOAD_ERROR, "invalid JSON: " + e.getMessage());
                    } catch (JsonStructReader.Mismatch e) {
                        // Never drop: same as invalid JSON, with the field path and the reason.
                        valueSchema = Schema.STRING_SCHEMA;
                        value = new String(u.data(), StandardCharsets.UTF_8);
                        headers.addString(H_PAYLOAD_ERROR, SCHEMA_MISMATCH + e.getMessage());
                    }
                    break;
                }
                SchemaAndValue sv;
                try {
                    sv = json.toConnectData(topic, u.data());
                    valueSchema = sv.schema();
                    value = sv.value();
                } catch (DataException e) {
                    // Never drop: pass the text on and say why it is not a map.
                    valueSchema = Schema.STRING_SCHEMA;
                    value = new String(u.data(), StandardCharsets.UTF_8);
                    headers.addString(H_PAYLOAD_ERROR, "invalid JSON: " + rootMessage(e));
                }
                break;
            default:
                valueSchema = Schema.BYTES_SCHEMA;
                value = u.data();
        }
        return new SourceRecord(shard.partition(),
                Offsets.offset(u.sequenceNumber(), u.subSequence(), finished, shard.latestMs()),
                topic, null, Schema.STRING_SCHEMA, u.partitionKey(), valueSchema, value, arrival, headers);
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null ? c.getClass().getSimpleName() : m.split("\n", 2)[0];
    }

    /**
     * A shard with its (shared, never mutated) source partition map, and the resolved LATEST moment its offsets
     * carry (null unless {@code kinesis.position=LATEST}).
     */
    record ShardKey(String stream, String shardId, Map<String, Object> partition, Long latestMs) {
        static ShardKey of(String stream, String shardId) {
            return of(stream, shardId, null);
        }

        static ShardKey of(String stream, String shardId, Long latestMs) {
            return new ShardKey(stream, shardId, Offsets.partition(stream, shardId), latestMs);
        }
    }
}
