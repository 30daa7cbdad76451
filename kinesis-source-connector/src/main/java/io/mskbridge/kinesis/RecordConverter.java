package io.mskbridge.kinesis;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
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
 * {@code kinesis.payload.compression} then {@code kinesis.payload.format}, timestamp = approximate arrival time,
 * and the {@code kinesis.*} headers. A payload that cannot be decompressed or read in the configured format is
 * passed on as the bytes the producer wrote (BYTES schema) with header {@value #H_PAYLOAD_ERROR} giving the
 * reason: never dropped, never turned into lossy text, and never a tombstone.
 * Not thread-safe (the JSON converter and the UTF-8 decoder are shared); a task's fetch threads each use their
 * own. The {@link JsonStructReader} for {@code kinesis.payload.schema} is immutable and shared by all of a task's
 * converters.
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
    private final Decompressor decompressor;
    private final JsonConverter json;
    private final JsonStructReader structs;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    /** A converter with the default compression handling ({@code auto}, default size limit). */
    RecordConverter(KinesisSourceConfig.PayloadFormat format) {
        this(format, new Decompressor(KinesisSourceConfig.PayloadCompression.AUTO,
                KinesisSourceConfig.PAYLOAD_MAX_DECOMPRESSED_BYTES_DEFAULT), null);
    }

    /** A converter for a task's settings; {@code structs}: the shared Struct reader, or null. */
    RecordConverter(KinesisSourceConfig config, JsonStructReader structs) {
        this(config.payloadFormat(), new Decompressor(config.payloadCompression(),
                config.payloadMaxDecompressedBytes()), structs);
    }

    /** {@code structs}: for {@code json} with {@code kinesis.payload.schema}, the (shared) Struct reader. */
    RecordConverter(KinesisSourceConfig.PayloadFormat format, Decompressor decompressor, JsonStructReader structs) {
        this.format = format;
        this.decompressor = decompressor;
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

    /**
     * A converted user record and what it weighs in the task's queue: the user record's size with its data
     * counted decompressed, so a small gzipped record that inflates to megabytes counts as megabytes.
     */
    record Converted(SourceRecord record, long queuedBytes) {
    }

    /** The Connect record for one user record; {@code finished} marks the last record of a closed shard. */
    SourceRecord toSourceRecord(ShardKey shard, String topic, UserRecord u, boolean finished) {
        return convert(shard, topic, u, finished).record();
    }

    /** {@link #toSourceRecord}, with the record's weight in the queue. */
    Converted convert(ShardKey shard, String topic, UserRecord u, boolean finished) {
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
        Decompressor.Result d = decompressor.decompress(u.data());
        SchemaAndValue payload;
        String error = d.error();
        if (error == null) {
            try {
                payload = read(topic, d.data());
            } catch (Unreadable e) {
                error = d.note() == null ? e.getMessage() : e.getMessage() + "; " + d.note();
                payload = null;
            }
        } else {
            payload = null;
        }
        if (error != null) {
            // Never drop, never guess: the producer's own bytes go on, with the reason.
            headers.addString(H_PAYLOAD_ERROR, error);
            payload = new SchemaAndValue(Schema.BYTES_SCHEMA, u.data());
        }
        SourceRecord record = new SourceRecord(shard.partition(),
                Offsets.offset(u.sequenceNumber(), u.subSequence(), finished, shard.latestMs()),
                topic, null, Schema.STRING_SCHEMA, u.partitionKey(), payload.schema(), payload.value(), arrival,
                headers);
        long inflated = d.data() == null ? 0 : Math.max(0, d.data().length - u.data().length);
        return new Converted(record, u.sizeInBytes() + inflated);
    }

    /** Why a payload cannot be read in the configured format; the message is the header's text. */
    private static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    /** The value of decompressed {@code data} in the configured format. */
    private SchemaAndValue read(String topic, byte[] data) throws Unreadable {
        switch (format) {
            case STRING:
                try {
                    return new SchemaAndValue(Schema.STRING_SCHEMA, utf8.decode(ByteBuffer.wrap(data)).toString());
                } catch (CharacterCodingException e) {
                    throw new Unreadable("not UTF-8 text");
                }
            case JSON:
                return structs != null ? readStruct(data) : readMap(topic, data);
            case BYTES:
            default:
                return new SchemaAndValue(Schema.BYTES_SCHEMA, data);
        }
    }

    private SchemaAndValue readStruct(byte[] data) throws Unreadable {
        try {
            return new SchemaAndValue(structs.schema(), structs.read(data));
        } catch (JsonStructReader.InvalidJson e) {
            throw new Unreadable("invalid JSON: " + e.getMessage());
        } catch (JsonStructReader.Mismatch e) {
            throw new Unreadable(SCHEMA_MISMATCH + e.getMessage());
        }
    }

    private SchemaAndValue readMap(String topic, byte[] data) throws Unreadable {
        Object value;
        try {
            value = json.toConnectData(topic, data).value();
        } catch (DataException e) {
            throw new Unreadable("invalid JSON: " + rootMessage(e));
        }
        if (!(value instanceof Map)) {
            // A JSON array, string, number or null has no fields: not an event, and null would be a tombstone.
            throw new Unreadable("not a JSON object but " + jsonKind(value, data));
        }
        return new SchemaAndValue(null, value);
    }

    private static String jsonKind(Object value, byte[] data) {
        if (value == null) {
            return isBlank(data) ? "an empty payload" : "null";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return value instanceof Number ? "a number" : value.getClass().getSimpleName();
    }

    private static boolean isBlank(byte[] data) {
        for (byte b : data) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
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
