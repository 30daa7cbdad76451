package io.mskbridge.dynamodb;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import io.mskbridge.aws.AwsConfig;
import io.mskbridge.aws.metrics.CloudWatchMetricsConfig;
import io.mskbridge.aws.AwsSettings;
import io.mskbridge.aws.ReachabilityProbe;
import io.mskbridge.common.KeyTemplate;
import io.mskbridge.common.config.ConfigChoice;
import io.mskbridge.common.config.ConfigEnums;

/**
 * Configuration of {@link DynamoDbSinkConnector}: where items go (table and key templates), what is
 * written (TTL, deletes, timestamp format), how (batch size, concurrency, retry budget) and what
 * {@code validate()} checks. The AWS keys come from {@link AwsConfig}.
 */
public class DynamoDbSinkConfig extends AbstractConfig {

    public static final String TABLE_GROUP = "Table";
    public static final String ITEM_GROUP = "Item";
    public static final String WRITE_GROUP = "Writes";

    public static final String TABLE = "dynamodb.table";
    public static final String TABLE_AUTO_CREATE = "dynamodb.table.auto.create";
    public static final String TABLE_CHECK = "dynamodb.table.check";
    public static final String VALIDATE_TIMEOUT_MS = ReachabilityProbe.timeoutKey("dynamodb");
    public static final String PARTITION_ATTRIBUTE = "dynamodb.key.partition.attribute";
    public static final String PARTITION_TEMPLATE = "dynamodb.key.partition.template";
    public static final String SORT_ATTRIBUTE = "dynamodb.key.sort.attribute";
    public static final String SORT_TEMPLATE = "dynamodb.key.sort.template";
    public static final String PARTITION_TYPE = "dynamodb.key.partition.type";
    public static final String SORT_TYPE = "dynamodb.key.sort.type";
    public static final String DELETE_ON_TOMBSTONE = "dynamodb.delete.on.tombstone";
    public static final String DELETE_PARTITION_TEMPLATE = "dynamodb.delete.key.partition.template";
    public static final String DELETE_SORT_TEMPLATE = "dynamodb.delete.key.sort.template";
    public static final String TTL_ATTRIBUTE = "dynamodb.ttl.attribute";
    public static final String TTL_SECONDS = "dynamodb.ttl.seconds";
    public static final String TTL_MISSING_TIMESTAMP = "dynamodb.ttl.missing.timestamp";
    public static final String TIMESTAMP_FORMAT = "dynamodb.timestamp.format";
    public static final String BATCH_SIZE = "dynamodb.batch.size";
    public static final String MAX_IN_FLIGHT = "dynamodb.max.in.flight";
    public static final String RETRY_MAX_MS = "dynamodb.retry.max.ms";
    public static final String RETRY_BACKOFF_MS = "dynamodb.retry.backoff.ms";

    /** DynamoDB's BatchWriteItem limit. */
    public static final int MAX_BATCH_SIZE = 25;
    public static final long TTL_SECONDS_DEFAULT = 30L * 24 * 3600;

    /** What to do when the TTL needs a record timestamp and the record has none. */
    public enum MissingTimestamp implements ConfigChoice {
        /** The record cannot be written: DLQ (or fail the task without a DLQ). */
        FAIL,
        /** Write the item without the TTL attribute (it never expires). */
        OMIT,
        /** Use the worker's clock, as the seed Lambda did; a replay then writes a different TTL. */
        WALL_CLOCK;

        @Override
        public String configValue() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The DynamoDB type of a key attribute, spelled as DynamoDB spells it (S, N, B). */
    public enum KeyAttributeType implements ConfigChoice {
        /** The rendered template, as it is. */
        S,
        /** The rendered template read as a decimal number (at most 38 significant digits). */
        N,
        /** The rendered template read as base64; the key is the decoded bytes. */
        B;

        @Override
        public String configValue() {
            return name();
        }
    }

    /** How Connect Date/Time/Timestamp values are stored. */
    public enum TimestampFormat implements ConfigChoice {
        /** ISO-8601 strings (S): Timestamp 2024-01-02T03:04:05.678Z, Date 2024-01-02, Time 03:04:05.678. */
        ISO_8601,
        /** Epoch milliseconds (N) for Timestamp; Date as epoch days, Time as millis of the day. */
        EPOCH_MILLIS;

        @Override
        public String configValue() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private static final ConfigDef CONFIG_DEF = build();

    private final KeyTemplate table;
    private final KeyTemplate partitionTemplate;
    private final Optional<KeyTemplate> sortTemplate;
    private final KeyTemplate deletePartitionTemplate;
    private final Optional<KeyTemplate> deleteSortTemplate;
    private final AwsSettings aws;

    public DynamoDbSinkConfig(Map<String, ?> props) {
        super(CONFIG_DEF, props);
        this.table = KeyTemplate.parse(getString(TABLE));
        this.partitionTemplate = KeyTemplate.parse(getString(PARTITION_TEMPLATE));
        this.sortTemplate = Optional.ofNullable(getString(SORT_TEMPLATE)).map(KeyTemplate::parse);
        this.deletePartitionTemplate = Optional.ofNullable(getString(DELETE_PARTITION_TEMPLATE))
                .map(KeyTemplate::parse).orElse(partitionTemplate);
        this.deleteSortTemplate = Optional.ofNullable(getString(DELETE_SORT_TEMPLATE)).map(KeyTemplate::parse)
                .or(() -> sortTemplate);
        List<String> problems = crossFieldErrors(originalsStrings()).values().stream().flatMap(List::stream)
                .collect(Collectors.toList());
        if (!problems.isEmpty()) {
            // A task started with a config that bypassed validate() (REST PUT) must still refuse to run.
            throw new ConfigException(String.join(" ", problems));
        }
        this.aws = AwsSettings.from(this);
    }

    /** A copy of the full ConfigDef (connector keys + AWS fragment). */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG_DEF);
    }

    private static ConfigDef build() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(TABLE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, templateValidator(), Importance.HIGH,
                "Target table, as a key template: a fixed name such as mskbridge-events-dev, or e.g. "
                        + "{kafka.topic} to write each topic to its own table. A rendered name must be 3-255 "
                        + "characters of [a-zA-Z0-9_.-]; a record whose name is not is sent to the DLQ.",
                TABLE_GROUP, ++order, Width.LONG, "Table");
        def.define(TABLE_AUTO_CREATE, Type.BOOLEAN, false, null, Importance.LOW,
                "Create a missing table (on-demand billing, key attributes of the configured names and types, TTL enabled "
                        + "on " + TTL_ATTRIBUTE + " when set) the first time a task writes to it. Off by default: "
                        + "production tables belong to infrastructure code, and a typo should fail, not create.",
                TABLE_GROUP, ++order, Width.SHORT, "Auto-create table");
        def.define(TABLE_CHECK, Type.BOOLEAN, true, null, Importance.LOW,
                "Whether validate() calls DescribeTable to check that the table exists and that its key schema "
                        + "matches " + PARTITION_ATTRIBUTE + "/" + SORT_ATTRIBUTE + " and their types, and (with " + TTL_ATTRIBUTE
                        + ") that the table's TTL is enabled on that attribute (DescribeTimeToLive; without the "
                        + "permission for it this part is only logged as a warning). Only done for a fixed table "
                        + "name; tasks check every table they write to once, whatever this setting. Turn off to "
                        + "validate a configuration offline.",
                TABLE_GROUP, ++order, Width.SHORT, "Check table on validate");
        ReachabilityProbe.defineTimeout(def, "dynamodb", 10_000L, "DescribeTable of a fixed table name, with "
                + TABLE_CHECK + "=true", TABLE_GROUP, ++order);

        order = 0;
        def.define(PARTITION_ATTRIBUTE, Type.STRING, "pk", new AttributeName(false), Importance.HIGH,
                "Name of the table's partition (HASH) key attribute; its type is " + PARTITION_TYPE + ".",
                ITEM_GROUP, ++order, Width.SHORT, "Partition key attribute");
        def.define(PARTITION_TEMPLATE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, templateValidator(),
                Importance.HIGH,
                "Key template rendering the partition key value from the record, e.g. {event_type}#{user_id|anonymous} "
                        + "(the seed Lambda's pk). A record whose key renders empty or misses a field without "
                        + "default is sent to the DLQ.",
                ITEM_GROUP, ++order, Width.LONG, "Partition key template");
        def.define(SORT_ATTRIBUTE, Type.STRING, null, new AttributeName(true), Importance.MEDIUM,
                "Name of the table's sort (RANGE) key attribute; leave unset for a table without sort key. "
                        + "Set together with " + SORT_TEMPLATE + ".",
                ITEM_GROUP, ++order, Width.SHORT, "Sort key attribute");
        def.define(SORT_TEMPLATE, Type.STRING, null, templateValidator(), Importance.MEDIUM,
                "Key template rendering the sort key value, e.g. {timestamp}. Set together with " + SORT_ATTRIBUTE
                        + ".",
                ITEM_GROUP, ++order, Width.LONG, "Sort key template");
        def.define(PARTITION_TYPE, Type.STRING, KeyAttributeType.S.configValue(),
                ConfigEnums.validator(KeyAttributeType.class), Importance.MEDIUM,
                "DynamoDB type of the partition key attribute, as the table defines it: 'S' writes the rendered "
                        + "template as a string; 'N' reads it as a decimal number (a record whose key is not one, "
                        + "or has more than 38 significant digits, is sent to the DLQ); 'B' reads it as base64 and "
                        + "writes the bytes (a record whose key is not base64 is sent to the DLQ).",
                ITEM_GROUP, ++order, Width.SHORT, "Partition key type");
        def.define(SORT_TYPE, Type.STRING, KeyAttributeType.S.configValue(),
                ConfigEnums.validator(KeyAttributeType.class), Importance.MEDIUM,
                "DynamoDB type of the sort key attribute (S, N or B, read as for " + PARTITION_TYPE + "). Only used "
                        + "with " + SORT_ATTRIBUTE + ".",
                ITEM_GROUP, ++order, Width.SHORT, "Sort key type");
        def.define(TTL_ATTRIBUTE, Type.STRING, null, new AttributeName(true), Importance.MEDIUM,
                "Attribute receiving the expiry time (epoch seconds, N) = record timestamp + " + TTL_SECONDS
                        + ". Computed from the Kafka record timestamp, not the clock, so a redelivered record "
                        + "writes the same item. Unset: no TTL attribute.",
                ITEM_GROUP, ++order, Width.SHORT, "TTL attribute");
        def.define(TTL_SECONDS, Type.LONG, TTL_SECONDS_DEFAULT, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                "Lifetime of an item after its record's timestamp, in seconds (default 30 days, as the seed).",
                ITEM_GROUP, ++order, Width.SHORT, "TTL (s)");
        def.define(TTL_MISSING_TIMESTAMP, Type.STRING, MissingTimestamp.FAIL.configValue(),
                ConfigEnums.validator(MissingTimestamp.class), Importance.LOW,
                "When " + TTL_ATTRIBUTE + " is set and a record has no timestamp: 'fail' sends the record to the "
                        + "DLQ (or fails the task without one), 'omit' writes the item without TTL, 'wall-clock' uses "
                        + "the worker's clock (a replay then writes a different TTL).",
                ITEM_GROUP, ++order, Width.SHORT, "TTL without record timestamp");
        def.define(TIMESTAMP_FORMAT, Type.STRING, TimestampFormat.ISO_8601.configValue(),
                ConfigEnums.validator(TimestampFormat.class), Importance.LOW,
                "How Connect Timestamp/Date/Time values are stored: 'iso-8601' strings (S; UTC, sortable) or "
                        + "'epoch-millis' numbers (N; Date as epoch days, Time as milliseconds of the day).",
                ITEM_GROUP, ++order, Width.SHORT, "Timestamp format");
        def.define(DELETE_ON_TOMBSTONE, Type.BOOLEAN, false, null, Importance.MEDIUM,
                "Whether a tombstone (null value) deletes the item whose key is rendered by "
                        + DELETE_PARTITION_TEMPLATE + "/" + DELETE_SORT_TEMPLATE + ". When false, tombstones are "
                        + "skipped.",
                ITEM_GROUP, ++order, Width.SHORT, "Delete on tombstone");
        def.define(DELETE_PARTITION_TEMPLATE, Type.STRING, null, templateValidator(), Importance.MEDIUM,
                "Key template for the partition key of a tombstone's item. A tombstone has no value, so it may use "
                        + "only record key fields ({key:field}, {kafka.key}) and Kafka variables, e.g. "
                        + "{key:event_type}#{key:user_id|anonymous}. Unset: " + PARTITION_TEMPLATE + " (which must then "
                        + "not use value fields).",
                ITEM_GROUP, ++order, Width.LONG, "Delete partition key template");
        def.define(DELETE_SORT_TEMPLATE, Type.STRING, null, templateValidator(), Importance.MEDIUM,
                "Key template for the sort key of a tombstone's item, e.g. {key:timestamp}. Unset: "
                        + SORT_TEMPLATE + ".",
                ITEM_GROUP, ++order, Width.LONG, "Delete sort key template");

        order = 0;
        def.define(BATCH_SIZE, Type.INT, MAX_BATCH_SIZE, ConfigDef.Range.between(1, MAX_BATCH_SIZE), Importance.MEDIUM,
                "Items per BatchWriteItem request (DynamoDB allows at most 25).",
                WRITE_GROUP, ++order, Width.SHORT, "Batch size");
        def.define(MAX_IN_FLIGHT, Type.INT, 8, ConfigDef.Range.between(1, 128), Importance.MEDIUM,
                "BatchWriteItem requests a task keeps in flight at once (also its HTTP connection pool size).",
                WRITE_GROUP, ++order, Width.SHORT, "Max requests in flight");
        def.define(RETRY_MAX_MS, Type.LONG, 30_000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                "How long one put() keeps retrying throttled requests, 5xx errors and UnprocessedItems (jittered "
                        + "exponential backoff) before it throws a RetriableException, after which Connect "
                        + "redelivers the same records. Writes are idempotent, so redelivery is safe.",
                WRITE_GROUP, ++order, Width.SHORT, "Retry budget (ms)");
        def.define(RETRY_BACKOFF_MS, Type.LONG, 50L, ConfigDef.Range.between(1, 60_000), Importance.LOW,
                "Base of the full-jitter exponential backoff between retries, in milliseconds (capped at 5 s).",
                WRITE_GROUP, ++order, Width.SHORT, "Retry backoff base (ms)");

        return CloudWatchMetricsConfig.addTo(AwsConfig.addTo(def));
    }

    /**
     * Cross-field rules, by the key the message belongs to. Fields that fail on their own are skipped so a
     * typo yields one message.
     */
    static Map<String, List<String>> crossFieldErrors(Map<String, String> props) {
        Map<String, List<String>> errors = new java.util.LinkedHashMap<>();
        String sortAttr = blankToNull(props.get(SORT_ATTRIBUTE));
        String sortTemplate = blankToNull(props.get(SORT_TEMPLATE));
        if (sortAttr != null && sortTemplate == null) {
            add(errors, SORT_TEMPLATE, SORT_TEMPLATE + " is required when " + SORT_ATTRIBUTE + " is set ('" + sortAttr
                    + "'): give the template rendering the sort key, e.g. {timestamp}.");
        }
        if (sortTemplate != null && sortAttr == null) {
            add(errors, SORT_ATTRIBUTE, SORT_ATTRIBUTE + " is required when " + SORT_TEMPLATE
                    + " is set: name the table's sort key attribute, e.g. sk.");
        }
        String deleteSort = blankToNull(props.get(DELETE_SORT_TEMPLATE));
        if (deleteSort != null && sortAttr == null) {
            add(errors, DELETE_SORT_TEMPLATE, DELETE_SORT_TEMPLATE + " is set but the table has no sort key ("
                    + SORT_ATTRIBUTE + " is unset); remove it or set " + SORT_ATTRIBUTE + ".");
        }
        String pa = blankToNull(props.get(PARTITION_ATTRIBUTE));
        if (pa == null) {
            pa = "pk";
        }
        for (String k : new String[] {SORT_ATTRIBUTE, TTL_ATTRIBUTE}) {
            String v = blankToNull(props.get(k));
            if (v != null && v.equals(pa)) {
                add(errors, k, k + " ('" + v + "') must differ from " + PARTITION_ATTRIBUTE + ".");
            }
        }
        String ttl = blankToNull(props.get(TTL_ATTRIBUTE));
        if (ttl != null && ttl.equals(sortAttr) && !ttl.equals(pa)) {
            add(errors, TTL_ATTRIBUTE, TTL_ATTRIBUTE + " ('" + ttl + "') must differ from " + SORT_ATTRIBUTE + ".");
        }
        if (Boolean.parseBoolean(String.valueOf(props.getOrDefault(DELETE_ON_TOMBSTONE, "false")).trim())) {
            deleteTemplateErrors(errors, DELETE_PARTITION_TEMPLATE, PARTITION_TEMPLATE, props);
            if (sortAttr != null) {
                deleteTemplateErrors(errors, DELETE_SORT_TEMPLATE, SORT_TEMPLATE, props);
            }
        }
        return errors;
    }

    private static void deleteTemplateErrors(Map<String, List<String>> errors, String deleteKey, String putKey,
                                             Map<String, String> props) {
        String own = blankToNull(props.get(deleteKey));
        String effective = own != null ? own : blankToNull(props.get(putKey));
        if (effective == null) {
            return;
        }
        KeyTemplate t;
        try {
            t = KeyTemplate.parse(effective);
        } catch (ConfigException e) {
            return; // reported on its own field
        }
        if (!t.fieldPaths().isEmpty()) {
            String fields = t.fieldPaths().stream().map(Object::toString).collect(Collectors.joining(", "));
            add(errors, deleteKey, (own != null ? deleteKey : deleteKey + " is unset, so " + putKey + " is used for "
                    + "tombstones, but it") + " uses value field(s) " + fields + ", and a tombstone has no value. "
                    + "With " + DELETE_ON_TOMBSTONE + "=true set " + deleteKey + " to a template over the record key, "
                    + "e.g. {key:" + t.fieldPaths().get(0) + "}.");
        }
    }

    private static void add(Map<String, List<String>> errors, String key, String message) {
        errors.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(message);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static ConfigDef.Validator templateValidator() {
        return KeyTemplate.validator(Set.of());
    }

    /** DynamoDB attribute names: 1 to 255 bytes of UTF-8 for key attributes; we require non-blank. */
    static final class AttributeName implements ConfigDef.Validator {
        private final boolean optional;

        AttributeName(boolean optional) {
            this.optional = optional;
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                if (!optional) {
                    throw new ConfigException(name, null, "An attribute name is required");
                }
                return;
            }
            String s = (String) value;
            if (s.isBlank() || !s.equals(s.trim())) {
                throw new ConfigException(name, value, "An attribute name must be non-blank, without surrounding "
                        + "whitespace");
            }
            if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                throw new ConfigException(name, value, "A key attribute name is at most 255 bytes");
            }
        }

        @Override
        public String toString() {
            return "attribute name, 1-255 bytes" + (optional ? ", or unset" : "");
        }
    }

    static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");

    // ---- typed accessors ----

    public KeyTemplate table() {
        return table;
    }

    public boolean tableAutoCreate() {
        return getBoolean(TABLE_AUTO_CREATE);
    }

    public boolean tableCheck() {
        return getBoolean(TABLE_CHECK);
    }

    public Duration validateTimeout() {
        return Duration.ofMillis(getLong(VALIDATE_TIMEOUT_MS));
    }

    public String partitionAttribute() {
        return getString(PARTITION_ATTRIBUTE);
    }

    public KeyTemplate partitionTemplate() {
        return partitionTemplate;
    }

    public Optional<String> sortAttribute() {
        return Optional.ofNullable(blankToNull(getString(SORT_ATTRIBUTE)));
    }

    public Optional<KeyTemplate> sortTemplate() {
        return sortTemplate;
    }

    public KeyAttributeType partitionType() {
        return ConfigEnums.parse(KeyAttributeType.class, PARTITION_TYPE, getString(PARTITION_TYPE));
    }

    public KeyAttributeType sortType() {
        return ConfigEnums.parse(KeyAttributeType.class, SORT_TYPE, getString(SORT_TYPE));
    }

    public boolean deleteOnTombstone() {
        return getBoolean(DELETE_ON_TOMBSTONE);
    }

    public KeyTemplate deletePartitionTemplate() {
        return deletePartitionTemplate;
    }

    public Optional<KeyTemplate> deleteSortTemplate() {
        return deleteSortTemplate;
    }

    public Optional<String> ttlAttribute() {
        return Optional.ofNullable(blankToNull(getString(TTL_ATTRIBUTE)));
    }

    public Duration ttl() {
        return Duration.ofSeconds(getLong(TTL_SECONDS));
    }

    public MissingTimestamp ttlMissingTimestamp() {
        return ConfigEnums.parse(MissingTimestamp.class, TTL_MISSING_TIMESTAMP, getString(TTL_MISSING_TIMESTAMP));
    }

    public TimestampFormat timestampFormat() {
        return ConfigEnums.parse(TimestampFormat.class, TIMESTAMP_FORMAT, getString(TIMESTAMP_FORMAT));
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public int maxInFlight() {
        return getInt(MAX_IN_FLIGHT);
    }

    public Duration retryMax() {
        return Duration.ofMillis(getLong(RETRY_MAX_MS));
    }

    public Duration retryBackoff() {
        return Duration.ofMillis(getLong(RETRY_BACKOFF_MS));
    }

    public AwsSettings aws() {
        return aws;
    }
}
