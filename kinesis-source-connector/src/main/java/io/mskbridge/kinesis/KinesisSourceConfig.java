package io.mskbridge.kinesis;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import io.mskbridge.aws.AwsConfig;
import io.mskbridge.aws.metrics.CloudWatchMetricsConfig;
import io.mskbridge.aws.ReachabilityProbe;
import io.mskbridge.common.config.ConfigEnums;
import io.mskbridge.common.config.PatternValidator;

/**
 * Configuration of {@link KinesisSourceConnector} and its tasks: which streams, where they go, where to start
 * without a stored offset, how payloads are turned into Connect values, and the fetch/queue limits.
 */
public class KinesisSourceConfig extends AbstractConfig {

    public static final String STREAMS_GROUP = "Kinesis streams";
    public static final String FETCH_GROUP = "Fetching";
    public static final String FAN_OUT_GROUP = "Enhanced fan-out";

    public static final String STREAM_NAMES = "kinesis.stream.names";
    public static final String TOPIC = "kafka.topic";
    public static final String POSITION = "kinesis.position";
    public static final String POSITION_TIMESTAMP = "kinesis.position.timestamp";
    public static final String PAYLOAD_FORMAT = "kinesis.payload.format";
    public static final String PAYLOAD_SCHEMA = "kinesis.payload.schema";
    public static final String PAYLOAD_COMPRESSION = "kinesis.payload.compression";
    public static final String PAYLOAD_MAX_DECOMPRESSED_BYTES = "kinesis.payload.max.decompressed.bytes";
    public static final String ON_TRIMMED_OFFSET = "kinesis.on.trimmed.offset";
    public static final String MAX_RECORDS_PER_CALL = "kinesis.max.records.per.call";
    public static final String POLL_INTERVAL_MS = "kinesis.poll.interval.ms";
    public static final String MAX_READ_SHARE = "kinesis.max.read.share";
    public static final String DISCOVERY_INTERVAL_MS = "kinesis.shard.discovery.interval.ms";
    public static final String QUEUE_MAX_RECORDS = "kinesis.queue.max.records";
    public static final String QUEUE_MAX_BYTES = "kinesis.queue.max.bytes";
    public static final String FETCH_THREADS = "kinesis.fetch.threads";
    public static final String VALIDATE_TIMEOUT_MS = ReachabilityProbe.timeoutKey("kinesis");
    public static final String CONSUMER_MODE = "kinesis.consumer.mode";
    public static final String EFO_CONSUMER_NAME = "kinesis.efo.consumer.name";
    public static final String EFO_VALIDATE_REGISTER = "kinesis.efo.validate.register";

    /** Internal task key: the shards a task reads, see {@link ShardSpec}. Not user-facing. */
    public static final String TASK_SHARDS = "kinesis.task.shards";
    /**
     * Internal task key, with {@code kinesis.position=LATEST}: the moment (epoch millis) the connector resolved
     * LATEST to. Tasks stamp it on every offset so that a restarted connector resolves LATEST to the same moment.
     */
    public static final String TASK_LATEST_MS = "kinesis.task.latest.ms";
    /**
     * Internal task key, with {@code kinesis.consumer.mode=efo}: the stream consumers the connector registered, as
     * {@code stream=consumerARN} pairs separated by commas (see {@link StreamConsumers}).
     */
    public static final String TASK_EFO_CONSUMERS = "kinesis.task.efo.consumers";
    /** Internal task key: the task's index, for metrics names. */
    public static final String TASK_ID = "kinesis.task.id";

    public static final String STREAM_PLACEHOLDER = "{kinesis.stream}";
    public static final String TOPIC_DEFAULT = STREAM_PLACEHOLDER;
    /**
     * Kinesis allows 5 GetRecords calls per second per shard, shared by all consumers: the spacing of calls at
     * {@link #MAX_READ_SHARE} 1 (see {@link ReadPacing}).
     */
    public static final long MIN_CALL_INTERVAL_MS = 200;

    /** Where a shard without a stored offset starts. */
    public enum Position { TRIM_HORIZON, LATEST, AT_TIMESTAMP }

    /** How the Kinesis data blob becomes the Connect record value. */
    public enum PayloadFormat { BYTES, STRING, JSON }

    /** How the Kinesis data blob is decompressed before {@link PayloadFormat} applies. */
    public enum PayloadCompression { NONE, GZIP, ZLIB, AUTO }

    /** Default of {@link #PAYLOAD_MAX_DECOMPRESSED_BYTES}: 8 MiB. */
    public static final int PAYLOAD_MAX_DECOMPRESSED_BYTES_DEFAULT = 8 * 1024 * 1024;

    /** How a task reads its shards. */
    public enum ConsumerMode { POLLING, EFO }

    /** What to do when a stored offset points to data that is no longer in the stream. */
    public enum OnTrimmedOffset { TRIM_HORIZON, FAIL }

    private static final ConfigDef CONFIG_DEF = buildConfigDef();

    public KinesisSourceConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
        String err = payloadSchemaFormatError(getString(PAYLOAD_SCHEMA), getString(PAYLOAD_FORMAT));
        if (err != null) {
            throw new ConfigException(PAYLOAD_SCHEMA, "(schema)", err);
        }
    }

    /** The cross-field rule of {@link #PAYLOAD_SCHEMA}: null when fine, else the message. */
    static String payloadSchemaFormatError(String schema, String format) {
        if (schema == null || schema.isBlank()) {
            return null;
        }
        if (format == null || !format.trim().equalsIgnoreCase(PayloadFormat.JSON.name())) {
            return PAYLOAD_SCHEMA + " is only used with " + PAYLOAD_FORMAT + "=json (now '" + format + "'); "
                    + "remove it or set the format to json";
        }
        return null;
    }

    /** A fresh copy of the connector's ConfigDef, including the AWS fragment. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG_DEF);
    }

    private static ConfigDef buildConfigDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(STREAM_NAMES, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new StreamNamesValidator(), Importance.HIGH,
                "Names of the Kinesis data streams to read, comma-separated (e.g. maindatastream-dev,"
                        + "iotdatastream-dev). Every shard of every stream becomes one Connect source partition.",
                STREAMS_GROUP, ++order, Width.LONG, "Stream names");
        def.define(TOPIC, Type.STRING, TOPIC_DEFAULT, new TopicTemplateValidator(), Importance.HIGH,
                "Kafka topic for the records of a stream. '" + STREAM_PLACEHOLDER + "' is replaced by the stream "
                        + "name, so the default writes stream transactiondatastream-dev to the topic of the same name.",
                STREAMS_GROUP, ++order, Width.MEDIUM, "Topic template");
        def.define(POSITION, Type.STRING, ConfigEnums.configValue(Position.TRIM_HORIZON), ConfigEnums.validator(Position.class),
                Importance.MEDIUM,
                "Where a shard with no stored offset starts: TRIM_HORIZON (oldest record still retained), LATEST "
                        + "(records arriving after the connector was first started: resolved once into that moment, "
                        + "so task restarts and rebalances skip nothing) or AT_TIMESTAMP (" + POSITION_TIMESTAMP
                        + "). With LATEST and AT_TIMESTAMP, closed shards holding nothing after that point are "
                        + "skipped and their children start at it; a child born after it starts at TRIM_HORIZON. "
                        + "Shards with a stored offset resume after it.",
                STREAMS_GROUP, ++order, Width.SHORT, "Initial position");
        def.define(POSITION_TIMESTAMP, Type.STRING, null, new TimestampValidator(), Importance.MEDIUM,
                "ISO-8601 instant (e.g. 2026-11-22T04:00:00Z) for " + POSITION + "=AT_TIMESTAMP; required then, "
                        + "rejected otherwise.",
                STREAMS_GROUP, ++order, Width.MEDIUM, "Initial position timestamp");
        def.define(PAYLOAD_FORMAT, Type.STRING, "bytes", ConfigEnums.validator(PayloadFormat.class), Importance.MEDIUM,
                "How the record data, after " + PAYLOAD_COMPRESSION + ", becomes the Connect value: 'bytes' "
                        + "(BYTES schema), 'string' (UTF-8 text, STRING schema) or 'json': a JSON object parsed to a "
                        + "schemaless map (as JsonConverter with schemas.enable=false does), or to a Struct when "
                        + PAYLOAD_SCHEMA + " is set. A payload that cannot be decompressed, is not UTF-8 text "
                        + "('string'), is not a JSON object ('json': invalid JSON, an array, a string, a number, "
                        + "null, empty) or does not fit " + PAYLOAD_SCHEMA + " is never dropped: it is passed on as "
                        + "the original bytes (BYTES schema) with header kinesis.payload.error giving the reason.",
                STREAMS_GROUP, ++order, Width.SHORT, "Payload format");
        def.define(PAYLOAD_SCHEMA, Type.STRING, null, new AvroRecordSchemaValidator(), Importance.MEDIUM,
                "Avro record schema (JSON text) to read '" + PAYLOAD_FORMAT + "=json' payloads with: each value "
                        + "becomes a Connect Struct of the schema Apicurio's AvroData makes from it (nested records "
                        + "as Structs, nullable unions as optional fields, decimal/date/time-millis/timestamp-millis "
                        + "as Connect logical types). JSON fields not in the schema are ignored; a missing field "
                        + "takes its default, else null if optional; a payload that does not fit is passed on as its "
                        + "original bytes with header kinesis.payload.error naming the field. Only valid with "
                        + PAYLOAD_FORMAT + "=json; unset gives schemaless maps.",
                STREAMS_GROUP, ++order, Width.LONG, "Payload Avro schema");
        def.define(PAYLOAD_COMPRESSION, Type.STRING, ConfigEnums.configValue(PayloadCompression.AUTO),
                ConfigEnums.validator(PayloadCompression.class), Importance.MEDIUM,
                "Decompression of the record data, before " + PAYLOAD_FORMAT + " applies: 'none'; 'gzip' (RFC "
                        + "1952, e.g. Python's gzip.compress) or 'zlib' (RFC 1950, e.g. Python's zlib.compress, "
                        + "Java's Deflater), where every payload must be so compressed; or 'auto': gzip and zlib are "
                        + "recognised by their header bytes and decompressed, anything else is taken as it is. Under "
                        + "'auto' a payload that starts like a zlib header but is not a complete zlib stream is "
                        + "taken as it is (two text characters such as 'x^' form a valid zlib header). A payload "
                        + "that fails to decompress, or would exceed " + PAYLOAD_MAX_DECOMPRESSED_BYTES + ", goes "
                        + "on as its original bytes with header kinesis.payload.error.",
                STREAMS_GROUP, ++order, Width.SHORT, "Payload compression");
        def.define(PAYLOAD_MAX_DECOMPRESSED_BYTES, Type.INT, PAYLOAD_MAX_DECOMPRESSED_BYTES_DEFAULT,
                ConfigDef.Range.between(1024, 256 * 1024 * 1024), Importance.LOW,
                "Largest decompressed size of one record's data, in bytes. Decompression stops as soon as a "
                        + "payload would exceed it (a small 'zip bomb' cannot fill the worker's heap); such a "
                        + "payload goes on as its original bytes with header kinesis.payload.error. "
                        + QUEUE_MAX_BYTES + " counts a record at its decompressed size.",
                STREAMS_GROUP, ++order, Width.SHORT, "Payload max decompressed size (bytes)");
        def.define(ON_TRIMMED_OFFSET, Type.STRING, "trim_horizon", ConfigEnums.validator(OnTrimmedOffset.class),
                Importance.MEDIUM,
                "What a task does when a stored offset points to data the stream no longer holds (past its "
                        + "retention, e.g. after the connector was stopped too long): 'trim_horizon' restarts the "
                        + "shard at its oldest record and logs a WARN that data was lost; 'fail' fails the task so "
                        + "an operator decides.",
                STREAMS_GROUP, ++order, Width.SHORT, "On trimmed offset");

        order = 0;
        def.define(MAX_RECORDS_PER_CALL, Type.INT, 10_000, ConfigDef.Range.between(1, 10_000), Importance.LOW,
                "Limit of one GetRecords call (Kinesis allows at most 10,000 records or 10 MB per call).",
                FETCH_GROUP, ++order, Width.SHORT, "Max records per GetRecords");
        def.define(MAX_READ_SHARE, Type.DOUBLE, 1.0, new ShareValidator(), Importance.MEDIUM,
                "Share of each shard's read limits this connector may use. Kinesis allows 5 GetRecords calls/s and "
                        + "2 MB/s per shard, shared by every consumer of the stream that does not use enhanced "
                        + "fan-out (other connectors, Lambda functions, KCL applications). A task spaces the calls on "
                        + "a shard at least " + MIN_CALL_INTERVAL_MS + " ms / share apart and, after a call that "
                        + "returned B bytes, waits at least B / (share x 2 MB/s): 0.5 allows 2.5 calls/s and 1 MB/s "
                        + "per shard. Give each consumer of a stream a share so that they sum to at most 1.",
                FETCH_GROUP, ++order, Width.SHORT, "Max share of shard read limits");
        def.define(POLL_INTERVAL_MS, Type.LONG, 1_000L, ConfigDef.Range.atLeast(MIN_CALL_INTERVAL_MS),
                Importance.LOW,
                "Pause between GetRecords calls on a shard that is caught up (the last call returned fewer records "
                        + "than the limit and MillisBehindLatest was 0). A shard that is behind is read as fast as "
                        + MAX_READ_SHARE + " allows (every " + MIN_CALL_INTERVAL_MS + " ms at 1); a caught-up "
                        + "shard waits this or that pacing, whichever is longer.",
                FETCH_GROUP, ++order, Width.SHORT, "Poll interval (ms)");
        def.define(DISCOVERY_INTERVAL_MS, Type.LONG, 60_000L, ConfigDef.Range.atLeast(1_000), Importance.LOW,
                "How often the connector lists the shards of its streams (ListShards) and reconfigures its tasks "
                        + "when shards were added, closed and finished, or expired; also how often a task re-checks "
                        + "whether the parents of a child shard are finished.",
                FETCH_GROUP, ++order, Width.SHORT, "Shard discovery interval (ms)");
        def.define(QUEUE_MAX_RECORDS, Type.INT, 20_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                "Bound, in records, of a task's queue between its fetcher threads and poll(). A fetcher does not "
                        + "call GetRecords while the queue is full, so memory stays flat however many shards a task "
                        + "has; the queue may exceed the bound by at most one GetRecords batch.",
                FETCH_GROUP, ++order, Width.SHORT, "Queue bound (records)");
        def.define(QUEUE_MAX_BYTES, Type.LONG, 64L * 1024 * 1024, ConfigDef.Range.atLeast(1), Importance.LOW,
                "Bound, in bytes of record data (decompressed) and partition keys, of the same queue (a GetRecords "
                        + "batch is at most 10 MB before decompression).",
                FETCH_GROUP, ++order, Width.SHORT, "Queue bound (bytes)");
        def.define(FETCH_THREADS, Type.INT, 2, ConfigDef.Range.between(1, 64), Importance.LOW,
                "Threads per task that call GetRecords for the task's shards (each shard is fetched by one thread "
                        + "at a time, so its order is kept).",
                FETCH_GROUP, ++order, Width.SHORT, "Fetch threads per task");
        ReachabilityProbe.defineTimeout(def, "kinesis", 15_000L, "each stream is described once", FETCH_GROUP, ++order);

        order = 0;
        def.define(CONSUMER_MODE, Type.STRING, ConfigEnums.configValue(ConsumerMode.POLLING),
                ConfigEnums.validator(ConsumerMode.class), Importance.MEDIUM,
                "How tasks read their shards: 'polling' calls GetRecords (the shard's 5 calls/s and 2 MB/s are shared "
                        + "by every polling consumer of the stream, see " + MAX_READ_SHARE + "); 'efo' (enhanced "
                        + "fan-out) registers a stream consumer (" + EFO_CONSUMER_NAME + ") on each stream and has "
                        + "Kinesis push records over SubscribeToShard (HTTP/2), with 2 MB/s per shard for this consumer "
                        + "alone and lower latency, at an extra AWS charge per consumer-shard hour and per GB. The "
                        + "offsets are the same in both modes: switching a connector resumes where it stopped.",
                FAN_OUT_GROUP, ++order, Width.SHORT, "Consumer mode");
        def.define(EFO_CONSUMER_NAME, Type.STRING, null, PatternValidator.optional("[a-zA-Z0-9_.-]{1,128}",
                        "Not a Kinesis stream consumer name (1-128 of a-z A-Z 0-9 _ . -)",
                        "1-128 of a-z A-Z 0-9 _ . -, or empty for the connector's name"), Importance.MEDIUM,
                "With " + CONSUMER_MODE + "=efo: the name of the stream consumer registered on every stream (or reused "
                        + "when it exists). Unset: the connector's name, characters other than a-z A-Z 0-9 _ . - "
                        + "replaced by '-'. Each connector needs its own consumer: a shard has at most one "
                        + "subscription per consumer at a time. Deleting the connector leaves the consumer registered (it is billed until "
                        + "deregistered).",
                FAN_OUT_GROUP, ++order, Width.MEDIUM, "Fan-out consumer name");
        def.define(EFO_VALIDATE_REGISTER, Type.BOOLEAN, true, Importance.LOW,
                "With " + CONSUMER_MODE + "=efo: whether validate() registers the stream consumer on a stream where it "
                        + "is not registered yet. 'true': it does (the consumer the connector's start would register, "
                        + "and then reuses), so that a missing kinesis:RegisterStreamConsumer permission is reported by "
                        + "validate() instead of failing the connector's start; the consumer is billed per "
                        + "consumer-shard hour from then on, also if the connector is never created (deregister it "
                        + "then). 'false': validate() registers nothing, and a missing permission fails the start, "
                        + "naming it. Where the consumer is registered already, validate() checks the permission "
                        + "without registering anything, whatever this says. Nothing is registered for a config with "
                        + "neither a connector name nor " + EFO_CONSUMER_NAME + ".",
                FAN_OUT_GROUP, ++order, Width.SHORT, "Register the consumer in validate()");
        return CloudWatchMetricsConfig.addTo(AwsConfig.addTo(def));
    }

    public List<String> streamNames() {
        return getList(STREAM_NAMES);
    }

    /** The topic for a stream. */
    public String topicFor(String stream) {
        return getString(TOPIC).replace(STREAM_PLACEHOLDER, stream);
    }

    public Position position() {
        return ConfigEnums.parse(Position.class, POSITION, getString(POSITION));
    }

    /** The AT_TIMESTAMP instant, or null. */
    public Instant positionTimestamp() {
        String s = getString(POSITION_TIMESTAMP);
        return s == null ? null : Instant.parse(s.trim());
    }

    /** The connector's name (Connect puts it into connector and task configs), or null. */
    public String connectorName() {
        return originalsStrings().get("name");
    }

    /** In a task config: the moment the connector resolved LATEST to ({@link #TASK_LATEST_MS}), or null. */
    public Long latestMillis() {
        String s = originalsStrings().get(TASK_LATEST_MS);
        return s == null || s.isBlank() ? null : Long.valueOf(s.trim());
    }

    /**
     * Where a shard without a stored offset starts by {@code kinesis.position}, LATEST resolved to
     * {@code latestMillis}; LATEST itself only when that is null (a task config from before LATEST was resolved).
     */
    ShardSpec.Start start(Long latestMillis) {
        switch (position()) {
            case AT_TIMESTAMP:
                if (positionTimestamp() == null) {
                    throw new ConfigException(POSITION_TIMESTAMP, null, "required with " + POSITION + "=AT_TIMESTAMP");
                }
                return ShardSpec.Start.atTimestamp(positionTimestamp());
            case LATEST:
                return latestMillis == null ? ShardSpec.Start.LATEST
                        : ShardSpec.Start.atTimestamp(Instant.ofEpochMilli(latestMillis));
            default:
                return ShardSpec.Start.TRIM_HORIZON;
        }
    }

    public PayloadFormat payloadFormat() {
        return ConfigEnums.parse(PayloadFormat.class, PAYLOAD_FORMAT, getString(PAYLOAD_FORMAT));
    }

    public PayloadCompression payloadCompression() {
        return ConfigEnums.parse(PayloadCompression.class, PAYLOAD_COMPRESSION, getString(PAYLOAD_COMPRESSION));
    }

    public int payloadMaxDecompressedBytes() {
        return getInt(PAYLOAD_MAX_DECOMPRESSED_BYTES);
    }

    /** The parsed Avro record schema of {@link #PAYLOAD_SCHEMA}, or null when unset (schemaless json). */
    public org.apache.avro.Schema payloadSchema() {
        String s = getString(PAYLOAD_SCHEMA);
        return s == null || s.isBlank() ? null : AvroRecordSchemaValidator.parse(PAYLOAD_SCHEMA, s);
    }

    public OnTrimmedOffset onTrimmedOffset() {
        return ConfigEnums.parse(OnTrimmedOffset.class, ON_TRIMMED_OFFSET, getString(ON_TRIMMED_OFFSET));
    }

    public int maxRecordsPerCall() {
        return getInt(MAX_RECORDS_PER_CALL);
    }

    public Duration pollInterval() {
        return Duration.ofMillis(getLong(POLL_INTERVAL_MS));
    }

    /** The {@link #MAX_READ_SHARE} fraction, in (0, 1]. */
    public double maxReadShare() {
        return getDouble(MAX_READ_SHARE);
    }

    public Duration discoveryInterval() {
        return Duration.ofMillis(getLong(DISCOVERY_INTERVAL_MS));
    }

    public int queueMaxRecords() {
        return getInt(QUEUE_MAX_RECORDS);
    }

    public long queueMaxBytes() {
        return getLong(QUEUE_MAX_BYTES);
    }

    public ConsumerMode consumerMode() {
        return ConfigEnums.parse(ConsumerMode.class, CONSUMER_MODE, getString(CONSUMER_MODE));
    }

    /** {@link #EFO_VALIDATE_REGISTER}. */
    public boolean efoValidateRegister() {
        return getBoolean(EFO_VALIDATE_REGISTER);
    }

    /** The stream consumer's name: {@link #EFO_CONSUMER_NAME}, else derived from the connector's name. */
    public String efoConsumerName() {
        String s = getString(EFO_CONSUMER_NAME);
        if (s != null && !s.isBlank()) {
            return s.trim();
        }
        String name = connectorName() == null || connectorName().isBlank() ? "kinesis-source" : connectorName();
        String derived = name.replaceAll("[^a-zA-Z0-9_.-]", "-");
        return derived.length() > 128 ? derived.substring(0, 128) : derived;
    }

    /** True when the consumer's name comes from {@link #EFO_CONSUMER_NAME} or the connector's name, not the fallback. */
    public boolean efoConsumerNameIsSet() {
        String s = getString(EFO_CONSUMER_NAME);
        return (s != null && !s.isBlank()) || (connectorName() != null && !connectorName().isBlank());
    }

    public int fetchThreads() {
        return getInt(FETCH_THREADS);
    }

    public Duration validateTimeout() {
        return Duration.ofMillis(getLong(VALIDATE_TIMEOUT_MS));
    }

    /** Kinesis stream names: 1-128 characters of [a-zA-Z0-9_.-], at least one, no duplicates. */
    static final class StreamNamesValidator implements ConfigDef.Validator {
        private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");

        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> list = (List<String>) value;
            if (list == null || list.isEmpty()) {
                throw new ConfigException(name, value, "At least one stream name is required");
            }
            for (String s : list) {
                if (!NAME.matcher(s).matches()) {
                    throw new ConfigException(name, s, "Not a Kinesis stream name (1-128 of a-z A-Z 0-9 _ . -)");
                }
            }
            if (list.stream().distinct().count() != list.size()) {
                throw new ConfigException(name, value, "Stream names must be distinct");
            }
        }

        @Override
        public String toString() {
            return "non-empty list of distinct Kinesis stream names";
        }
    }

    /** A topic name that may contain {kinesis.stream} and no other placeholder. */
    static final class TopicTemplateValidator implements ConfigDef.Validator {
        private static final Pattern PLACEHOLDER = Pattern.compile("\\{[^}]*}");
        private static final Pattern TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]+");

        @Override
        public void ensureValid(String name, Object value) {
            String s = (String) value;
            if (s == null || s.isBlank()) {
                throw new ConfigException(name, value, "Must not be empty");
            }
            Matcher m = PLACEHOLDER.matcher(s);
            while (m.find()) {
                if (!m.group().equals(STREAM_PLACEHOLDER)) {
                    throw new ConfigException(name, value, "Unknown placeholder " + m.group()
                            + "; only " + STREAM_PLACEHOLDER + " is supported");
                }
            }
            String literal = s.replace(STREAM_PLACEHOLDER, "x");
            if (!TOPIC_CHARS.matcher(literal).matches() || literal.length() > 249) {
                throw new ConfigException(name, value, "Not a valid Kafka topic name template");
            }
        }

        @Override
        public String toString() {
            return "Kafka topic name, may contain " + STREAM_PLACEHOLDER;
        }
    }

    /** Null/blank or the JSON text of an Avro record schema that parses (Avro's own parser, with its validation). */
    static final class AvroRecordSchemaValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value != null && !((String) value).isBlank()) {
                org.apache.avro.Schema schema = parse(name, (String) value);
                try {
                    JsonStructReader.forAvroSchema(schema);
                } catch (RuntimeException e) {
                    throw new ConfigException(name, abbreviate((String) value),
                            "Avro schema has no Connect equivalent (AvroData): " + e.getMessage());
                }
            }
        }

        static org.apache.avro.Schema parse(String name, String text) {
            org.apache.avro.Schema schema;
            try {
                schema = new org.apache.avro.Schema.Parser().parse(text);
            } catch (RuntimeException e) {
                // SchemaParseException, AvroTypeException, Jackson's errors wrapped by Avro
                String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n", 2)[0];
                throw new ConfigException(name, abbreviate(text), "Not a valid Avro schema: " + m);
            }
            if (schema.getType() != org.apache.avro.Schema.Type.RECORD) {
                throw new ConfigException(name, abbreviate(text), "Must be an Avro record schema "
                        + "({\"type\":\"record\",...}), not " + schema.getType().getName());
            }
            return schema;
        }

        private static String abbreviate(String s) {
            String t = s.strip().replaceAll("\\s+", " ");
            return t.length() > 80 ? t.substring(0, 80) + "…" : t;
        }

        @Override
        public String toString() {
            return "Avro record schema as JSON text, or empty";
        }
    }

    /** A fraction {@code 0 < x <= 1}. */
    static final class ShareValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            double d = value == null ? Double.NaN : ((Number) value).doubleValue();
            if (!(d > 0 && d <= 1)) {
                throw new ConfigException(name, value, "Must be a fraction greater than 0 and at most 1, e.g. 0.5");
            }
        }

        @Override
        public String toString() {
            return "fraction in (0, 1], e.g. 0.5";
        }
    }

    /** Null or an ISO-8601 instant. */
    static final class TimestampValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            try {
                Instant.parse(((String) value).trim());
            } catch (DateTimeParseException e) {
                throw new ConfigException(name, value, "Not an ISO-8601 instant such as 2026-11-22T04:00:00Z");
            }
        }

        @Override
        public String toString() {
            return "ISO-8601 instant, e.g. 2026-11-22T04:00:00Z";
        }
    }
}
