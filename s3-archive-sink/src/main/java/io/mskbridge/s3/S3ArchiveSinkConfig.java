package io.mskbridge.s3;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import io.mskbridge.aws.AwsConfig;
import io.mskbridge.aws.metrics.CloudWatchMetricsConfig;
import io.mskbridge.aws.ReachabilityProbe;
import io.mskbridge.common.KeyTemplate;
import io.mskbridge.common.config.ConfigChoice;
import io.mskbridge.common.config.ConfigEnums;

/**
 * Configuration of {@link S3ArchiveSinkConnector}: the AWS fragment of aws-common plus the bucket, object
 * layout, format/compression, rotation and memory keys. Code reads the typed accessors.
 */
public final class S3ArchiveSinkConfig extends AbstractConfig {

    public static final String START_OFFSET_VAR = "kafka.start_offset";
    /** Zero-padded width of {kafka.start_offset}: 20 digits hold any non-negative long, so keys sort by offset. */
    public static final int START_OFFSET_DIGITS = 20;

    public static final String S3_GROUP = "S3";
    public static final String VALIDATE_TIMEOUT_MS = ReachabilityProbe.timeoutKey("s3");
    public static final String FORMAT_GROUP = "Format";
    public static final String ROTATION_GROUP = "Rotation";
    public static final String MEMORY_GROUP = "Memory";

    public static final String BUCKET = "s3.bucket";
    public static final String KEY_TEMPLATE = "s3.key.template";
    public static final String SSE = "s3.sse";
    public static final String SSE_KMS_KEY_ID = "s3.sse.kms.key.id";
    public static final String FORMAT = "s3.format";
    public static final String COMPRESSION = "s3.compression";
    public static final String COMPRESSION_LEVEL = "s3.compression.level";
    public static final String NULL_VALUES = "behavior.on.null.values";
    public static final String FLUSH_SIZE = "flush.size";
    public static final String ROTATE_INTERVAL_MS = "rotate.interval.ms";
    public static final String ROTATE_SCHEDULE_INTERVAL_MS = "rotate.schedule.interval.ms";
    public static final String OBJECT_MAX_BYTES = "s3.object.max.bytes";
    public static final String PART_SIZE = "s3.part.size";
    public static final String BUFFER_MAX_BYTES = "s3.buffer.max.bytes";
    public static final String SPILL_DIR = "s3.spill.dir";
    public static final String PARQUET_ROW_GROUP_BYTES = "s3.parquet.row.group.bytes";
    public static final String UPLOAD_RETRY_TIMEOUT_MS = "s3.upload.retry.timeout.ms";
    public static final String BYTES_SEPARATOR = "s3.bytes.separator";
    public static final String SCRUB_INVALID_NAMES = "s3.avro.scrub.invalid.names";
    // Archive formats as Confluent's S3 sink users know them (issue 13, items 6-8).
    public static final String VALUE_SCHEMA = "s3.value.schema";
    public static final String SCHEMA_COMPATIBILITY = "s3.schema.compatibility";
    public static final String STORE_KAFKA_KEYS = "s3.store.kafka.keys";
    public static final String STORE_KAFKA_HEADERS = "s3.store.kafka.headers";
    public static final String PARTITION_TIME_FIELD = "s3.partition.time.field";
    public static final String PARTITION_TIME_FORMAT = "s3.partition.time.format";
    public static final String OFFSET_PAD_WIDTH = "s3.object.offset.pad.width";
    public static final String CONDITIONAL_WRITES = "s3.conditional.writes";
    public static final String OBJECT_TAGGING = "s3.object.tagging";
    public static final String LAYOUT_HISTORY_PREFIX = "s3.layout.history.prefix";

    /** S3's limit on an object key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;
    /** S3's limit on the parts of one multipart upload. */
    public static final long MAX_PARTS = 10_000;

    public static final String KEY_TEMPLATE_DEFAULT =
            "{kafka.topic}/{time:yyyy/MM/dd/HH}/{kafka.topic}+{kafka.partition}+{kafka.start_offset}";
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    public static final int PARQUET_ROW_GROUP_DEFAULT = 8 * 1024 * 1024;

    /** Object format. */
    public enum Format implements ConfigChoice {
        JSONL("jsonl", ".jsonl"), AVRO("avro", ".avro"), PARQUET("parquet", ".parquet"), BYTES("bytes", ".bin");

        final String value;
        final String extension;

        Format(String value, String extension) {
            this.value = value;
            this.extension = extension;
        }

        public String extension() {
            return extension;
        }

        static Format parse(String s) {
            return ConfigEnums.parse(Format.class, FORMAT, s);
        }

        @Override
        public String configValue() {
            return value;
        }
    }

    /** Compression; which ones apply depends on the format (see {@link #compatibilityError}). */
    public enum Compression implements ConfigChoice {
        NONE("none", ""), GZIP("gzip", ".gz"), ZSTD("zstd", ".zst"), SNAPPY("snappy", "");

        final String value;
        final String jsonlSuffix;

        Compression(String value, String jsonlSuffix) {
            this.value = value;
            this.jsonlSuffix = jsonlSuffix;
        }

        static Compression parse(String s) {
            return ConfigEnums.parse(Compression.class, COMPRESSION, s);
        }

        @Override
        public String configValue() {
            return value;
        }
    }

    /** What to do with a record whose value is null (a tombstone). */
    public enum NullBehavior implements ConfigChoice {
        IGNORE("ignore"), FAIL("fail");

        final String value;

        NullBehavior(String value) {
            this.value = value;
        }

        static NullBehavior parse(String s) {
            return ConfigEnums.parse(NullBehavior.class, NULL_VALUES, s);
        }

        @Override
        public String configValue() {
            return value;
        }
    }

    /** What a value schema change does to Avro and Parquet objects (JSON Lines and bytes ignore it). */
    public enum SchemaCompatibility implements ConfigChoice {
        /** Any change starts a new object. */
        NONE("none"),
        /** An older schema is projected to the batch's (newer) one; a newer schema starts a new object. */
        BACKWARD("backward");

        final String value;

        SchemaCompatibility(String value) {
            this.value = value;
        }

        static SchemaCompatibility parse(String s) {
            return ConfigEnums.parse(SchemaCompatibility.class, SCHEMA_COMPATIBILITY, s);
        }

        @Override
        public String configValue() {
            return value;
        }
    }

    /** Server-side encryption requested on every object. */
    public enum Sse implements ConfigChoice {
        NONE("none"), AES256("AES256"), KMS("aws:kms");

        final String value;

        Sse(String value) {
            this.value = value;
        }

        static Sse parse(String s) {
            return ConfigEnums.parse(Sse.class, SSE, s);
        }

        @Override
        public String configValue() {
            return value;
        }
    }

    private static final ConfigDef.Validator BUCKET_VALIDATOR = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            String v = (String) value;
            if (v == null || !v.matches("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]")) {
                throw new ConfigException(name, value, "An S3 bucket name: 3-63 lowercase letters, digits, '.' "
                        + "and '-', starting and ending with a letter or digit");
            }
        }

        @Override
        public String toString() {
            return "S3 bucket name (3-63 of a-z 0-9 . -)";
        }
    };

    private static final ConfigDef.Validator TEMPLATE_VALIDATOR = new ConfigDef.Validator() {
        private final ConfigDef.Validator syntax = KeyTemplate.validator(List.of(START_OFFSET_VAR));

        @Override
        public void ensureValid(String name, Object value) {
            syntax.ensureValid(name, value);
            KeyTemplate t = KeyTemplate.parse((String) value, List.of(START_OFFSET_VAR));
            for (String required : List.of("kafka.topic", "kafka.partition", START_OFFSET_VAR)) {
                if (!t.uses(required)) {
                    throw new ConfigException(name, value, "The template must contain {" + required + "}: objects "
                            + "of different topic-partitions and batches would otherwise overwrite each other");
                }
            }
            if (t.uses("kafka.offset")) {
                throw new ConfigException(name, value, "{kafka.offset} would give every record its own object; "
                        + "use {kafka.start_offset}");
            }
        }

        @Override
        public String toString() {
            return syntax + "; must contain {kafka.topic}, {kafka.partition} and {kafka.start_offset}";
        }
    };

    private static final ConfigDef.Validator LAYOUT_HISTORY_VALIDATOR = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            String v = (String) value;
            if (v == null || v.startsWith("/") || v.indexOf('{') >= 0
                    || v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 512) {
                throw new ConfigException(name, value, "A key prefix without placeholders, not starting with '/', "
                        + "at most 512 bytes (e.g. _mskbridge/layouts/), or empty to keep no layout history");
            }
        }

        @Override
        public String toString() {
            return "S3 key prefix without { (at most 512 bytes), or empty for none";
        }
    };

    private static final ConfigDef.Validator TIME_FORMAT_VALIDATOR = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                PartitionTime.checkFormat((String) value);
            } catch (RuntimeException e) {
                throw new ConfigException(name, value, "Not auto, epoch_seconds, epoch_millis, epoch_micros or a "
                        + "DateTimeFormatter pattern that gives a date (and time): " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "auto, epoch_seconds, epoch_millis, epoch_micros, or a DateTimeFormatter pattern";
        }
    };

    private static final ConfigDef.Validator SEPARATOR_VALIDATOR = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                unescape((String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "text with escapes \\n \\r \\t \\0 \\\\ \\xHH; empty for none";
        }
    };

    private static final ConfigDef.Validator VALUE_SCHEMA_VALIDATOR = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            try {
                ValueSchema.parse((String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, abbreviate((String) value), "The Avro schema " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "an Avro record schema (JSON), or empty";
        }
    };

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static final ConfigDef CONFIG_DEF = build();

    private static ConfigDef build() {
        ConfigDef def = new ConfigDef();
        int o = 0;
        def.define(BUCKET, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, BUCKET_VALIDATOR, Importance.HIGH,
                "Bucket the objects are written to. Connector validation checks that it exists and that the "
                        + "connector's identity may write to it.",
                S3_GROUP, ++o, Width.MEDIUM, "Bucket");
        def.define(KEY_TEMPLATE, Type.STRING, KEY_TEMPLATE_DEFAULT, TEMPLATE_VALIDATOR, Importance.HIGH,
                "Object key of each batch. Time placeholders use the record timestamp (UTC), or the event time "
                        + "of " + PARTITION_TIME_FIELD + "; field placeholders "
                        + "read the record value, so e.g. {event_type} partitions by a field. {kafka.start_offset} "
                        + "is the offset of the object's first record, zero-padded to " + OFFSET_PAD_WIDTH
                        + " digits (default " + START_OFFSET_DIGITS + ") so keys sort. The format's extension (.jsonl, .jsonl.gz, .jsonl.zst, .avro, "
                        + ".parquet) is "
                        + "appended. Object names are a pure function of the records, which makes rewrites after "
                        + "a crash idempotent.",
                S3_GROUP, ++o, Width.LONG, "Object key template");
        def.define(PARTITION_TIME_FIELD, Type.STRING, null, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                "Event-time partitioning: a field of the record value (a path such as payload.ts) whose time the "
                        + "{time:PATTERN} placeholders of " + KEY_TEMPLATE + " render instead of the record "
                        + "timestamp. Accepted (" + PARTITION_TIME_FORMAT + "=auto): ISO-8601 with Z or an offset, "
                        + "ISO-8601 without an offset (read as UTC), epoch milliseconds (an integer or a string of "
                        + "digits), a Connect Timestamp; other forms with " + PARTITION_TIME_FORMAT + ". A "
                        + "record whose field is missing, null or not a timestamp is a record error naming the "
                        + "field (DLQ). Batches still rotate on the record timestamp (" + ROTATE_INTERVAL_MS
                        + "): a batch with events of several hours writes one object per hour, so late events "
                        + "do not cut batches short and object names stay a pure function of the records. Empty: "
                        + "the record timestamp.",
                S3_GROUP, ++o, Width.MEDIUM, "Partition time field");
        def.define(PARTITION_TIME_FORMAT, Type.STRING, PartitionTime.AUTO, TIME_FORMAT_VALIDATOR, Importance.LOW,
                "How " + PARTITION_TIME_FIELD + " is read. auto: as described there (ISO-8601, epoch "
                        + "milliseconds, Connect Timestamp). epoch_seconds, epoch_millis, epoch_micros: a number "
                        + "or a string of one in that unit (seconds may have a fraction, e.g. Python's "
                        + "time.time(); digits past the millisecond are cut). Anything else is a "
                        + "java.time.format.DateTimeFormatter pattern for text values, e.g. yyyy/MM/dd HH:mm:ss "
                        + "or EEE, dd MMM yyyy HH:mm:ss zzz: text without an offset or zone is read as UTC, a date "
                        + "alone as its midnight UTC. Connect Timestamp values are taken in every format. A value "
                        + "that does not match is a record error naming the field (DLQ).",
                S3_GROUP, ++o, Width.MEDIUM, "Partition time format");
        def.define(OFFSET_PAD_WIDTH, Type.INT, START_OFFSET_DIGITS, ConfigDef.Range.between(1, START_OFFSET_DIGITS),
                Importance.LOW,
                "Zero-padded width of {" + START_OFFSET_VAR + "} in object names (Confluent's sink uses 10). "
                        + "Offsets with more digits are written in full. The default, " + START_OFFSET_DIGITS
                        + ", holds any offset, so keys sort by offset. Changing it renames every object "
                        + "written afterwards; a replay across the change finds the batches uploaded under the old "
                        + "names through " + LAYOUT_HISTORY_PREFIX + ".",
                S3_GROUP, ++o, Width.SHORT, "Offset pad width");
        def.define(SSE, Type.STRING, Sse.NONE.value, ConfigEnums.validator(Sse.class), Importance.LOW,
                "Server-side encryption requested for every object: none (bucket default), AES256 (SSE-S3) or "
                        + "aws:kms (SSE-KMS, with " + SSE_KMS_KEY_ID + " or the account's aws/s3 key).",
                S3_GROUP, ++o, Width.SHORT, "Server-side encryption");
        def.define(SSE_KMS_KEY_ID, Type.STRING, null, new ConfigDef.NonEmptyString(), Importance.LOW,
                "KMS key id or ARN for " + SSE + "=aws:kms. Only allowed with aws:kms.",
                S3_GROUP, ++o, Width.LONG, "SSE-KMS key id");
        def.define(UPLOAD_RETRY_TIMEOUT_MS, Type.LONG, 60_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                "How long one upload call (a PutObject or one part) is retried with jittered backoff on "
                        + "throttling, 5xx and connection errors before the task gives up for now and lets Connect "
                        + "redeliver (RetriableException). A failed multipart upload is aborted.",
                S3_GROUP, ++o, Width.SHORT, "Upload retry timeout (ms)");
        ReachabilityProbe.defineTimeout(def, "s3", 20_000L, "a multipart upload started and aborted in the bucket; "
                + "with wall-clock rotation also a HeadObject of a missing key", S3_GROUP, ++o);
        def.define(CONDITIONAL_WRITES, Type.STRING, lower(ConditionalWrites.REQUIRED.name()),
                ConfigEnums.validator(ConditionalWrites.class), Importance.MEDIUM,
                "Whether objects are written with S3 conditional writes (If-None-Match: *, on PutObject and "
                        + "CompleteMultipartUpload), which keeps exactly-once against two owners of a partition at "
                        + "once (a zombie task after a rebalance): the first object of a batch claims it, and an "
                        + "owner whose write is refused (412) adopts the batch already there. required: always; "
                        + "validation writes an empty probe object twice under _mskbridge-validate/ (then deletes it) and "
                        + "fails unless the store refuses the second write. auto: the same probe at task start "
                        + "decides; a store that does not honour it gets unconditional writes and a WARN. "
                        + "disabled: unconditional writes, which overwrite (identical bytes after a crash) but do "
                        + "not hold against a zombie. See the README, Exactly-once objects.",
                S3_GROUP, ++o, Width.SHORT, "Conditional writes");
        def.define(OBJECT_TAGGING, Type.STRING, "", ObjectTags.VALIDATOR, Importance.LOW,
                "Tags set on every object, as key1=value1&key2=value2, unencoded (the connector URL-encodes "
                        + "them); S3's rules apply: at most 10 tags, keys 1-128 and values 0-256 characters of "
                        + "letters, digits, spaces and + - = . _ : / @, no aws: prefix. Sent on PutObject and "
                        + "CreateMultipartUpload (and validation's probe); the IAM role needs s3:PutObjectTagging. "
                        + "Empty for none.",
                S3_GROUP, ++o, Width.LONG, "Object tags");
        def.define(LAYOUT_HISTORY_PREFIX, Type.STRING, "_mskbridge/layouts/", LAYOUT_HISTORY_VALIDATOR, Importance.LOW,
                "Where the connector records the object key layouts it writes with (" + KEY_TEMPLATE + ", "
                        + PARTITION_TIME_FIELD + " and its format, " + OFFSET_PAD_WIDTH + ", the format's extension): one small "
                        + "object, <prefix><connector name>.properties, read at every task start and written when "
                        + "the layout changed. After a change, a task replaying a partition probes the earlier "
                        + "layouts (one HeadObject per earlier layout for the first replayed record) for batches "
                        + "uploaded but not committed before the change, and passes over their records instead of "
                        + "archiving them a second time under the new names. Needs s3:GetObject and s3:PutObject on "
                        + "that object. Keep it outside the prefixes that tables read (the default is at the bucket "
                        + "root, beside the archive's prefixes). Empty disables it: then a layout "
                        + "change between an upload and its commit archives the replayed batches twice.",
                S3_GROUP, ++o, Width.MEDIUM, "Layout history prefix");

        o = 0;
        def.define(FORMAT, Type.STRING, Format.JSONL.value, ConfigEnums.validator(Format.class),
                Importance.HIGH,
                "Object format. bytes: each record's value bytes as they came (use value.converter="
                        + "org.apache.kafka.connect.converters.ByteArrayConverter), each followed by "
                        + BYTES_SEPARATOR + "; a value that is not bytes is a record error. jsonl: one JSON document per line (schemaless maps and Structs; Structs as plain "
                        + "JSON without a schema envelope); a schema change never starts a new object. avro: Avro "
                        + "object container files for Struct values, converted with Apicurio's AvroData, and for "
                        + "schemaless values (maps) converted to " + VALUE_SCHEMA + ". parquet: Parquet files of "
                        + "the same records, written with parquet-avro (one or more row groups of at most "
                        + PARQUET_ROW_GROUP_BYTES + "). For both, " + SCHEMA_COMPATIBILITY + " says what a "
                        + "schema change does; without " + VALUE_SCHEMA + " they send schemaless values to the "
                        + "dead letter queue, or fail the task without one.",
                FORMAT_GROUP, ++o, Width.SHORT, "Format");
        def.define(COMPRESSION, Type.STRING, Compression.GZIP.value, ConfigEnums.validator(Compression.class),
                Importance.MEDIUM,
                "Compression. jsonl and bytes: none, gzip (.jsonl.gz, .bin.gz) or zstd (.jsonl.zst, .bin.zst). avro: none, snappy or zstd as "
                        + "Avro block codecs. parquet: none, snappy, zstd or gzip as Parquet page codecs (the "
                        + "object stays .parquet). Compression is deterministic, so a rewrite after a crash "
                        + "yields byte-identical objects.",
                FORMAT_GROUP, ++o, Width.SHORT, "Compression");
        def.define(COMPRESSION_LEVEL, Type.INT, -1, ConfigDef.Range.between(-1, 22), Importance.LOW,
                "Compression level of gzip and zstd (all formats); -1 is the codec default (gzip 6, zstd 3). "
                        + "gzip accepts 1-9, zstd 1-22; snappy has no levels.",
                FORMAT_GROUP, ++o, Width.SHORT, "Compression level");
        def.define(NULL_VALUES, Type.STRING, NullBehavior.IGNORE.value, ConfigEnums.validator(NullBehavior.class),
                Importance.LOW,
                "Records with a null value (tombstones): ignore skips them (their offsets still commit); fail "
                        + "sends them to the dead letter queue when one is configured, else fails the task.",
                FORMAT_GROUP, ++o, Width.SHORT, "Null values");
        def.define(BYTES_SEPARATOR, Type.STRING, "\\n", SEPARATOR_VALIDATOR, Importance.LOW,
                "s3.format=bytes only: written after each record's value. Escapes: \\n (newline, the default), "
                        + "\\r, \\t, \\0, \\\\ (a backslash) and \\xHH (one byte, hex); other characters "
                        + "stand for their UTF-8 bytes. Empty writes the values back to back. In a JSON config "
                        + "file a backslash is itself escaped: \"\\\\n\" is the two characters \\n.",
                FORMAT_GROUP, ++o, Width.SHORT, "Bytes separator");
        def.define(SCRUB_INVALID_NAMES, Type.BOOLEAN, false, null, Importance.LOW,
                "s3.format=avro and parquet only: Avro names allow only letters, digits and _, not starting "
                        + "with a digit. false: a record with a field named otherwise (e.g. event-type) is a record "
                        + "error naming the field (DLQ). true: such names are scrubbed as Apicurio's AvroData "
                        + "does (URL-encoded, then every invalid character replaced by _, prefixed with x when "
                        + "not starting with a letter or _): event-type is written as event_type. Two fields "
                        + "that scrub to the same name are a record error.",
                FORMAT_GROUP, ++o, Width.SHORT, "Scrub invalid Avro names");
        def.define(VALUE_SCHEMA, Type.STRING, null, VALUE_SCHEMA_VALIDATOR, Importance.MEDIUM,
                "s3.format=avro and parquet only: an Avro record schema (JSON) that schemaless values (maps, "
                        + "e.g. JsonConverter with schemas.enable=false) and values with a MAP schema (a map "
                        + "schema some converters give JSON objects) are converted to; Struct values keep "
                        + "their own schema. Fields are taken by name. A value is converted only without loss: "
                        + "an integer into long/float/double when exactly representable, an integral number into "
                        + "int/long, a number into a decimal whose scale holds it, a float or double from a "
                        + "number whose decimal form it keeps (0.1 stays 0.1), an ISO-8601 string into "
                        + "timestamp-millis/-micros or date when no digits are dropped; never a string from a "
                        + "number or the reverse. A missing field, or a null in a non-nullable one, takes the "
                        + "field's default, else null when the field is nullable. A union takes the first branch "
                        + "the value converts to. Fields the schema does not name are dropped and counted "
                        + "(metric ValueFieldsDropped; DEBUG logs them per object). A value that cannot be "
                        + "converted is a record error naming the field (DLQ).",
                FORMAT_GROUP, ++o, Width.LONG, "Value schema (Avro)");
        def.define(SCHEMA_COMPATIBILITY, Type.STRING, SchemaCompatibility.NONE.value,
                ConfigEnums.validator(SchemaCompatibility.class), Importance.MEDIUM,
                "s3.format=avro and parquet only (an object holds one schema; jsonl and bytes never start an "
                        + "object because a schema changed). none: a value schema different from the open "
                        + "batch's starts a new batch. backward: a record whose schema Connect's SchemaProjector "
                        + "can project to the open batch's schema (fields it lacks are optional or have defaults, "
                        + "types only widen) is projected and stays in the batch; a newer version "
                        + "(Schema.version()), a schema that does not project, or, for schemas without versions, "
                        + "one with a field the batch's schema lacks (projecting would drop it) starts a new batch, "
                        + "as Confluent's S3 sink does with versions. Both are functions of the records, so a replay cuts the same objects.",
                FORMAT_GROUP, ++o, Width.SHORT, "Schema compatibility");
        def.define(STORE_KAFKA_KEYS, Type.BOOLEAN, false, null, Importance.LOW,
                "Write each record as an envelope {key, topic, partition, offset, timestamp, value} (with "
                        + STORE_KAFKA_HEADERS + " also headers). jsonl: the key as a JSON value. avro and "
                        + "parquet: the record io.mskbridge.s3.KafkaRecord, the key an optional string (a string "
                        + "key as it is, any other key as its JSON text). Not with bytes.",
                FORMAT_GROUP, ++o, Width.SHORT, "Store Kafka keys");
        def.define(STORE_KAFKA_HEADERS, Type.BOOLEAN, false, null, Importance.LOW,
                "Write each record as an envelope {headers, topic, partition, offset, timestamp, value} (with "
                        + STORE_KAFKA_KEYS + " also the key); headers as an array of {key, value} in record "
                        + "order. jsonl: header values as JSON values. avro and parquet: header values as optional "
                        + "strings (a string as it is, anything else as its JSON text). Not with bytes.",
                FORMAT_GROUP, ++o, Width.SHORT, "Store Kafka headers");

        o = 0;
        def.define(FLUSH_SIZE, Type.INT, 10_000, ConfigDef.Range.between(1, 100_000_000), Importance.HIGH,
                "Records per topic-partition batch: a batch ends after this many consumed records and its "
                        + "objects (one per distinct key) are uploaded.",
                ROTATION_GROUP, ++o, Width.SHORT, "Flush size (records)");
        def.define(ROTATE_INTERVAL_MS, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                "Record-time rotation: a batch covers one interval of record timestamps, aligned on multiples "
                        + "of this value since the epoch; a record of another interval starts a new batch. 0 "
                        + "disables. Keeps exactly-once, but an idle partition's batch stays open until its next "
                        + "record arrives (see " + ROTATE_SCHEDULE_INTERVAL_MS + ").",
                ROTATION_GROUP, ++o, Width.SHORT, "Rotate interval, record time (ms)");
        def.define(ROTATE_SCHEDULE_INTERVAL_MS, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                "Wall-clock rotation: a batch open longer than this is uploaded even if incomplete. Bounds "
                        + "latency on idle partitions, but boundaries then depend on timing, which a replay cannot "
                        + "reproduce from the records. So each object records its batch's offsets, and a task that "
                        + "takes over a partition reads them back (one HeadObject per replayed batch; needs "
                        + "s3:GetObject and s3:ListBucket) and cuts the replayed batches where they were cut before: "
                        + "crashes and restarts stay exactly-once (validation checks that S3 answers those reads). "
                        + "A previous owner still uploading while the new one replays (a zombie task after a "
                        + "rebalance) may cut differently: with " + CONDITIONAL_WRITES + " on, the first to write a "
                        + "batch's first object holds it and the other adopts its cut; with it disabled, records can "
                        + "be archived twice, and an object one overwrites can lose records only the other's version "
                        + "held (there, prefer record-time rotation, " + ROTATE_INTERVAL_MS + "). Not covered: "
                        + "archived objects deleted in between. 0 disables.",
                ROTATION_GROUP, ++o, Width.SHORT, "Rotate interval, wall clock (ms)");
        def.define(OBJECT_MAX_BYTES, Type.LONG, 1L << 30, ConfigDef.Range.between(1024, 5L << 40), Importance.LOW,
                "A batch also ends when its serialized (uncompressed) records reach this many bytes, a "
                        + "deterministic size rotation. At most " + MAX_PARTS + " x " + PART_SIZE + " (S3 takes "
                        + "at most " + MAX_PARTS + " parts per object).",
                ROTATION_GROUP, ++o, Width.SHORT, "Max batch bytes");

        o = 0;
        def.define(PART_SIZE, Type.INT, 8 * 1024 * 1024, ConfigDef.Range.atLeast(MIN_PART_SIZE), Importance.LOW,
                "Multipart upload part size in bytes (at least 5 MiB, S3's minimum). Objects smaller than one "
                        + "part are sent with one PutObject. One part buffer is held in memory while uploading.",
                MEMORY_GROUP, ++o, Width.SHORT, "Part size (bytes)");
        def.define(BUFFER_MAX_BYTES, Type.LONG, 64L * 1024 * 1024, ConfigDef.Range.atLeast(MIN_PART_SIZE + (1L << 20)),
                Importance.MEDIUM,
                "Upper bound of the task's heap for record data, whatever the number of open partitions: one "
                        + "part buffer, with s3.format=parquet twice " + PARQUET_ROW_GROUP_BYTES + " for the "
                        + "Parquet writer, plus the in-memory tails of open batches. When the tails exceed the "
                        + "rest, the largest are spilled to local files under " + SPILL_DIR + ". Must exceed "
                        + PART_SIZE + " (plus the Parquet writer's share) by at least 1 MiB.",
                MEMORY_GROUP, ++o, Width.SHORT, "Task buffer limit (bytes)");
        def.define(SPILL_DIR, Type.STRING, "", null, Importance.LOW,
                "Directory for spill files; empty means java.io.tmpdir. Each task uses its own subdirectory and "
                        + "deletes it on stop.",
                MEMORY_GROUP, ++o, Width.LONG, "Spill directory");
        def.define(PARQUET_ROW_GROUP_BYTES, Type.INT, PARQUET_ROW_GROUP_DEFAULT,
                ConfigDef.Range.between(1 << 20, 512 << 20), Importance.LOW,
                "s3.format=parquet only: Parquet buffers a whole row group in memory before writing it, so "
                        + "this caps the writer's heap (Parquet's own default is 128 MiB). A row group closes at "
                        + "this many buffered bytes, pages at 1/8 of it (at most 1 MiB), and the column "
                        + "dictionaries share another row group's worth; the writer therefore needs twice this "
                        + "value while an object is uploaded, counted in " + BUFFER_MAX_BYTES + ". Larger row "
                        + "groups scan faster in Athena/Spark; objects smaller than this are one row group.",
                MEMORY_GROUP, ++o, Width.SHORT, "Parquet row group size (bytes)");
        return CloudWatchMetricsConfig.addTo(AwsConfig.addTo(def));
    }

    /** A copy of the ConfigDef (connector key docs are generated from it). */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG_DEF);
    }

    public S3ArchiveSinkConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
        String err = compatibilityError(format(), compression(), sse(), getString(SSE_KMS_KEY_ID));
        if (err != null) {
            throw new ConfigException(err);
        }
        String memErr = memoryError(format(), partSize(), parquetRowGroupBytes(), bufferMaxBytes());
        if (memErr != null) {
            throw new ConfigException(memErr);
        }
        String sizeErr = objectSizeError(objectMaxBytes(), partSize());
        if (sizeErr != null) {
            throw new ConfigException(sizeErr);
        }
        String fmtErr = archiveFormatError(format(), getString(VALUE_SCHEMA), storeKafkaKeys() || storeKafkaHeaders());
        if (fmtErr != null) {
            throw new ConfigException(fmtErr);
        }
    }

    /** The cross-field rules of s3.value.schema and the envelope keys, or null. */
    static String archiveFormatError(Format format, String valueSchema, boolean envelope) {
        if (valueSchema != null && format != Format.AVRO && format != Format.PARQUET) {
            return VALUE_SCHEMA + " is only used with " + FORMAT + "=avro or parquet (jsonl writes schemaless "
                    + "values as they are)";
        }
        if (valueSchema != null && format == Format.PARQUET) {
            String empty = ValueSchema.parse(valueSchema).emptyRecord();
            if (empty != null) {
                return VALUE_SCHEMA + ": " + empty + " is a record without fields, and Parquet has no empty groups";
            }
        }
        if (envelope && format == Format.BYTES) {
            return STORE_KAFKA_KEYS + " and " + STORE_KAFKA_HEADERS + " need a format with records (jsonl, avro, "
                    + "parquet); bytes writes the value bytes only";
        }
        return null;
    }

    /**
     * The rule that a batch fits one multipart upload (at most {@link #MAX_PARTS} parts of s3.part.size), or
     * null. The limit is on serialized bytes: compression only makes an object smaller, and the Avro/Parquet
     * framing is small against a part.
     */
    static String objectSizeError(long objectMaxBytes, int partSize) {
        if (objectMaxBytes <= MAX_PARTS * partSize) {
            return null;
        }
        return OBJECT_MAX_BYTES + " (" + objectMaxBytes + ") must be at most " + MAX_PARTS + " x " + PART_SIZE
                + " (" + MAX_PARTS * partSize + "): S3 accepts at most " + MAX_PARTS + " parts per object, so a "
                + "larger object could never be uploaded. Lower " + OBJECT_MAX_BYTES + " or raise " + PART_SIZE;
    }

    /**
     * Heap held outside the budget for open batches while an object is uploaded: the part buffer and, for
     * Parquet, the writer's row group and dictionaries.
     */
    static long uploadReserve(Format format, int partSize, int rowGroupBytes) {
        return partSize + (format == Format.PARQUET ? ParquetEncoder.writerReserve(rowGroupBytes) : 0);
    }

    /** The cross-field memory rule, or null when s3.buffer.max.bytes leaves at least 1 MiB for open batches. */
    static String memoryError(Format format, int partSize, int rowGroupBytes, long bufferMaxBytes) {
        long reserve = uploadReserve(format, partSize, rowGroupBytes);
        if (bufferMaxBytes >= reserve + (1L << 20)) {
            return null;
        }
        return BUFFER_MAX_BYTES + " (" + bufferMaxBytes + ") must exceed " + PART_SIZE + " (" + partSize + ")"
                + (format == Format.PARQUET ? " + 2 x " + PARQUET_ROW_GROUP_BYTES + " (" + rowGroupBytes + ")" : "")
                + " by at least 1 MiB: that much is held while uploading";
    }

    /** The cross-field rule of format/compression/SSE, or null when the combination is fine. */
    static String compatibilityError(Format format, Compression compression, Sse sse, String kmsKeyId) {
        if ((format == Format.JSONL || format == Format.BYTES) && compression == Compression.SNAPPY) {
            return format.value + " objects support s3.compression none, gzip or zstd (snappy has no standard "
                    + "stream format for whole files)";
        }
        if (format == Format.AVRO && compression == Compression.GZIP) {
            return "avro objects support s3.compression none, snappy or zstd (Avro block codecs)";
        }
        if (kmsKeyId != null && sse != Sse.KMS) {
            return SSE_KMS_KEY_ID + " is only used with " + SSE + "=aws:kms";
        }
        return null;
    }

    public String bucket() {
        return getString(BUCKET);
    }

    /** The key template; record values are rendered as path segments (see {@link KeyTemplate#pathSegment}). */
    public KeyTemplate keyTemplate() {
        return keyTemplate(getString(KEY_TEMPLATE));
    }

    /** A key template as this sink renders it (values as path segments, {kafka.start_offset} known). */
    static KeyTemplate keyTemplate(String template) {
        return KeyTemplate.parse(template, List.of(START_OFFSET_VAR))
                .withValueEncoding(KeyTemplate.ValueEncoding.PATH_SEGMENT);
    }

    /** The bytes written after each value with s3.format=bytes. */
    public byte[] bytesSeparator() {
        return unescape(getString(BYTES_SEPARATOR));
    }

    public boolean scrubInvalidNames() {
        return getBoolean(SCRUB_INVALID_NAMES);
    }

    /** s3.value.schema parsed, or null when unset. */
    ValueSchema valueSchema() {
        String v = getString(VALUE_SCHEMA);
        return v == null ? null : ValueSchema.parse(v);
    }

    public SchemaCompatibility schemaCompatibility() {
        return SchemaCompatibility.parse(getString(SCHEMA_COMPATIBILITY));
    }

    public boolean storeKafkaKeys() {
        return getBoolean(STORE_KAFKA_KEYS);
    }

    public boolean storeKafkaHeaders() {
        return getBoolean(STORE_KAFKA_HEADERS);
    }

    /** s3.partition.time.field, or null for the record timestamp. */
    public String partitionTimeField() {
        return getString(PARTITION_TIME_FIELD);
    }

    /** s3.partition.time.format: a keyword of {@link PartitionTime} or a DateTimeFormatter pattern. */
    public String partitionTimeFormat() {
        return getString(PARTITION_TIME_FORMAT);
    }

    public int offsetPadWidth() {
        return getInt(OFFSET_PAD_WIDTH);
    }

    /** The bytes of an escaped separator (see {@link #BYTES_SEPARATOR}); IllegalArgumentException if malformed. */
    static byte[] unescape(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                out.writeBytes(s.substring(i, end).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                i = end - 1;
                continue;
            }
            if (i + 1 >= s.length()) {
                throw new IllegalArgumentException("a lone backslash at the end; write \\\\ for a backslash");
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n':
                    out.write('\n');
                    break;
                case 'r':
                    out.write('\r');
                    break;
                case 't':
                    out.write('\t');
                    break;
                case '0':
                    out.write(0);
                    break;
                case '\\':
                    out.write('\\');
                    break;
                case 'x':
                    int hi = i + 1 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                    int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
                    if (hi < 0 || lo < 0) {
                        throw new IllegalArgumentException("\\x needs two hex digits, e.g. \\x1e");
                    }
                    out.write(hi * 16 + lo);
                    i += 2;
                    break;
                default:
                    throw new IllegalArgumentException("unknown escape \\" + e + "; use \\n \\r \\t \\0 "
                            + "\\\\ or \\xHH");
            }
        }
        return out.toByteArray();
    }

    public Format format() {
        return Format.parse(getString(FORMAT));
    }

    public Compression compression() {
        return Compression.parse(getString(COMPRESSION));
    }

    public int compressionLevel() {
        return getInt(COMPRESSION_LEVEL);
    }

    public NullBehavior nullBehavior() {
        return NullBehavior.parse(getString(NULL_VALUES));
    }

    public Sse sse() {
        return Sse.parse(getString(SSE));
    }

    public Optional<String> kmsKeyId() {
        return Optional.ofNullable(getString(SSE_KMS_KEY_ID));
    }

    public int flushSize() {
        return getInt(FLUSH_SIZE);
    }

    public Duration rotateInterval() {
        return Duration.ofMillis(getLong(ROTATE_INTERVAL_MS));
    }

    public Duration validateTimeout() {
        return Duration.ofMillis(getLong(VALIDATE_TIMEOUT_MS));
    }

    public Duration rotateScheduleInterval() {
        return Duration.ofMillis(getLong(ROTATE_SCHEDULE_INTERVAL_MS));
    }

    public long objectMaxBytes() {
        return getLong(OBJECT_MAX_BYTES);
    }

    public int partSize() {
        return getInt(PART_SIZE);
    }

    public long bufferMaxBytes() {
        return getLong(BUFFER_MAX_BYTES);
    }

    public int parquetRowGroupBytes() {
        return getInt(PARQUET_ROW_GROUP_BYTES);
    }

    /** See {@link #uploadReserve(Format, int, int)}. */
    public long uploadReserve() {
        return uploadReserve(format(), partSize(), parquetRowGroupBytes());
    }

    public String spillDir() {
        String d = getString(SPILL_DIR);
        return d == null || d.isBlank() ? System.getProperty("java.io.tmpdir") : d;
    }

    public ConditionalWrites conditionalWrites() {
        return ConfigEnums.parse(ConditionalWrites.class, CONDITIONAL_WRITES, getString(CONDITIONAL_WRITES));
    }

    /** s3.layout.history.prefix; empty when no layout history is kept. */
    public String layoutHistoryPrefix() {
        return getString(LAYOUT_HISTORY_PREFIX);
    }

    /** The x-amz-tagging value of s3.object.tagging (URL-encoded), or null for no tags. */
    public String objectTagging() {
        return ObjectTags.header(ObjectTags.parse(getString(OBJECT_TAGGING)));
    }

    public Duration uploadRetryTimeout() {
        return Duration.ofMillis(getLong(UPLOAD_RETRY_TIMEOUT_MS));
    }

    /** The object key suffix of this format and compression, e.g. ".jsonl.gz". */
    public String extension() {
        Format f = format();
        // Whole-file compression shows in the name; Avro and Parquet compress inside the file.
        return f == Format.JSONL || f == Format.BYTES ? f.extension + compression().jsonlSuffix : f.extension;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
