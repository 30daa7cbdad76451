package io.mskbridge.dynamodb;

import java.math.BigDecimal;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.mskbridge.common.KeyTemplate;
import io.mskbridge.dynamodb.DynamoDbSinkConfig.KeyAttributeType;
import io.mskbridge.dynamodb.DynamoDbSinkConfig.MissingTimestamp;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Turns one sink record into one DynamoDB write: a PutRequest for a value (Struct, Map or a JSON object
 * string), a DeleteRequest for a tombstone when deletes are on, nothing for a skipped tombstone.
 *
 * <p>Key attributes are rendered by the key templates, read as their configured type (S, N from the decimal
 * text, B from base64) and override value fields of the same name;
 * the TTL is the record timestamp plus the configured lifetime, so a redelivered record produces a
 * byte-identical item. A record that cannot become a valid item raises {@link UnwritableRecordException}.
 */
final class ItemMapper {

    /** DynamoDB limits on key values, in UTF-8 bytes. */
    static final int MAX_PARTITION_KEY_BYTES = 2048;
    static final int MAX_SORT_KEY_BYTES = 1024;

    // BigDecimal for floats so "19.990" keeps its digits; ints become Integer/Long/BigInteger as they fit.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final KeyTemplate table;
    private final String partitionAttribute;
    private final KeyTemplate partitionTemplate;
    private final Optional<String> sortAttribute;
    private final Optional<KeyTemplate> sortTemplate;
    private final KeyAttributeType partitionType;
    private final KeyAttributeType sortType;
    private final boolean deleteOnTombstone;
    private final KeyTemplate deletePartitionTemplate;
    private final Optional<KeyTemplate> deleteSortTemplate;
    private final Optional<String> ttlAttribute;
    private final long ttlSeconds;
    private final MissingTimestamp missingTimestamp;
    private final AttributeValues values;
    private final LongSupplier clockMillis;

    ItemMapper(DynamoDbSinkConfig config) {
        this(config, System::currentTimeMillis);
    }

    ItemMapper(DynamoDbSinkConfig config, LongSupplier clockMillis) {
        this.table = config.table();
        this.partitionAttribute = config.partitionAttribute();
        this.partitionTemplate = config.partitionTemplate();
        this.sortAttribute = config.sortAttribute();
        this.sortTemplate = config.sortTemplate();
        this.partitionType = config.partitionType();
        this.sortType = config.sortType();
        this.deleteOnTombstone = config.deleteOnTombstone();
        this.deletePartitionTemplate = config.deletePartitionTemplate();
        this.deleteSortTemplate = config.deleteSortTemplate();
        this.ttlAttribute = config.ttlAttribute();
        this.ttlSeconds = config.ttl().getSeconds();
        this.missingTimestamp = config.ttlMissingTimestamp();
        this.values = new AttributeValues(config.timestampFormat());
        this.clockMillis = clockMillis;
    }

    /**
     * @return the write, or null for a tombstone that is skipped ({@code dynamodb.delete.on.tombstone=false})
     * @throws UnwritableRecordException when the record cannot be written; the message names the field
     */
    WriteOp map(SinkRecord original) {
        try {
            return mapOrThrow(original);
        } catch (UnwritableRecordException e) {
            throw e;
        } catch (RuntimeException e) {
            // Mapping is a pure function of the record: whatever else it throws, this record will throw again
            // after every restart, so it is a record error, never a task failure (docs/ARCHITECTURE.md, Errors).
            throw new UnwritableRecordException(original, "<value>", "the record cannot be mapped to an item: " + e);
        }
    }

    private WriteOp mapOrThrow(SinkRecord original) {
        boolean tombstone = original.value() == null;
        if (tombstone && !deleteOnTombstone) {
            return null;
        }
        // Key templates read fields, so a JSON string is parsed first; the original record is what gets reported.
        SinkRecord record = original;
        Object value = tombstone ? null : structOrMap(original);
        if (original.value() instanceof String) {
            record = original.newRecord(original.topic(), original.kafkaPartition(), original.keySchema(),
                    original.key(), null, value, original.timestamp());
        }
        String tableName = render(record, table, "table (" + DynamoDbSinkConfig.TABLE + ")");
        if (!DynamoDbSinkConfig.TABLE_NAME.matcher(tableName).matches()) {
            throw new UnwritableRecordException(record, DynamoDbSinkConfig.TABLE, "rendered table name '" + tableName
                    + "' is not a valid DynamoDB table name (3-255 characters of a-z, A-Z, 0-9, _ . -)");
        }
        KeyTemplate pkTemplate = tombstone ? deletePartitionTemplate : partitionTemplate;
        Optional<KeyTemplate> skTemplate = tombstone ? deleteSortTemplate : sortTemplate;
        AttributeValue pk = keyValue(record, partitionAttribute, PARTITION_TYPE_KEY, partitionType, pkTemplate,
                MAX_PARTITION_KEY_BYTES);
        AttributeValue sk = sortAttribute.isPresent() ? keyValue(record, sortAttribute.get(), SORT_TYPE_KEY, sortType,
                skTemplate.orElseThrow(), MAX_SORT_KEY_BYTES) : null;
        Map<String, AttributeValue> key = new LinkedHashMap<>(4);
        key.put(partitionAttribute, pk);
        if (sk != null) {
            key.put(sortAttribute.get(), sk);
        }
        ItemKey itemKey = new ItemKey(tableName, keyString(pk), sk == null ? null : keyString(sk));
        if (tombstone) {
            return new WriteOp(itemKey, WriteRequest.builder()
                    .deleteRequest(DeleteRequest.builder().key(key).build()).build(), original, false);
        }

        Map<String, AttributeValue> item;
        try {
            item = values.item(value, record.valueSchema());
        } catch (AttributeValues.Unwritable e) {
            throw new UnwritableRecordException(record, e.field(), e.getMessage());
        }
        item.putAll(key);
        if (ttlAttribute.isPresent()) {
            Long ts = record.timestamp();
            long base;
            if (ts != null && ts >= 0) {
                base = ts;
            } else if (missingTimestamp == MissingTimestamp.WALL_CLOCK) {
                base = clockMillis.getAsLong();
            } else if (missingTimestamp == MissingTimestamp.OMIT) {
                base = -1;
            } else {
                throw new UnwritableRecordException(record, ttlAttribute.get(), "the record has no timestamp to "
                        + "compute the TTL from; have the producer set timestamps or set "
                        + DynamoDbSinkConfig.TTL_MISSING_TIMESTAMP + " to omit or wall-clock");
            }
            if (base >= 0) {
                item.put(ttlAttribute.get(), AttributeValue.fromN(Long.toString(Math.floorDiv(base, 1000L) + ttlSeconds)));
            }
        }
        long size = AttributeValues.itemSize(item);
        if (size > AttributeValues.MAX_ITEM_BYTES) {
            throw new UnwritableRecordException(record, largestAttribute(item), "the item is " + size
                    + " bytes, over DynamoDB's 400 KB item limit; its largest attribute is named in 'field'");
        }
        return new WriteOp(itemKey, WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build(),
                original, true);
    }

    private Object structOrMap(SinkRecord record) {
        Object v = record.value();
        if (v instanceof org.apache.kafka.connect.data.Struct || v instanceof Map) {
            return v;
        }
        if (v instanceof String) {
            Map<String, Object> parsed;
            try {
                parsed = JSON.readValue((String) v, MAP);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UnwritableRecordException(record, "<value>", "the value is a string but not a JSON object ("
                        + e.getOriginalMessage() + ")");
            }
            // Jackson reads the text null as a null map, not an error: a value that is the string "null" (what
            // JsonConverter gives for the JSON string "null") has no attributes to write.
            if (parsed == null) {
                throw new UnwritableRecordException(record, "<value>", "the value is the string '" + abbreviate(
                        (String) v) + "', which is JSON null, not a JSON object; an item needs an object");
            }
            return parsed;
        }
        throw new UnwritableRecordException(record, "<value>", "the value is a " + v.getClass().getSimpleName()
                + "; items are made from a Struct, a Map or a JSON object string (check value.converter)");
    }

    private static String render(SinkRecord record, KeyTemplate template, String what) {
        try {
            return template.render(record);
        } catch (DataException e) {
            throw new UnwritableRecordException(record, what, e.getMessage());
        }
    }

    private static final String PARTITION_TYPE_KEY = DynamoDbSinkConfig.PARTITION_TYPE;
    private static final String SORT_TYPE_KEY = DynamoDbSinkConfig.SORT_TYPE;

    /** The rendered key value as an attribute of the configured type, or an error naming the attribute. */
    private static AttributeValue keyValue(SinkRecord record, String attribute, String typeKey, KeyAttributeType type,
                                           KeyTemplate template, int maxBytes) {
        String v;
        try {
            v = template.render(record);
        } catch (DataException e) {
            throw new UnwritableRecordException(record, attribute, e.getMessage());
        }
        if (v.isEmpty()) {
            throw new UnwritableRecordException(record, attribute, "key attribute '" + attribute + "' rendered empty "
                    + "from template '" + template + "'; DynamoDB key values must not be empty");
        }
        switch (type) {
            case N:
                BigDecimal number;
                try {
                    number = new BigDecimal(v);
                } catch (NumberFormatException e) {
                    throw new UnwritableRecordException(record, attribute, "key attribute '" + attribute
                            + "' rendered '" + abbreviate(v) + "' from template '" + template + "', which is not a "
                            + "decimal number (" + typeKey + "=N)");
                }
                try {
                    return AttributeValue.fromN(AttributeValues.numberString(number, attribute));
                } catch (AttributeValues.Unwritable e) {
                    throw new UnwritableRecordException(record, attribute, e.getMessage() + " (" + typeKey + "=N)");
                }
            case B:
                byte[] bytes;
                try {
                    bytes = Base64.getDecoder().decode(v);
                } catch (IllegalArgumentException e) {
                    throw new UnwritableRecordException(record, attribute, "key attribute '" + attribute
                            + "' rendered '" + abbreviate(v) + "' from template '" + template + "', which is not "
                            + "base64 (" + typeKey + "=B): " + e.getMessage());
                }
                if (bytes.length == 0 || bytes.length > maxBytes) {
                    throw new UnwritableRecordException(record, attribute, "key attribute '" + attribute + "' is "
                            + bytes.length + " bytes; DynamoDB allows 1 to " + maxBytes);
                }
                return AttributeValue.fromB(SdkBytes.fromByteArray(bytes));
            default:
                if (AttributeValues.utf8Length(v) > maxBytes) {
                    throw new UnwritableRecordException(record, attribute, "key attribute '" + attribute + "' is "
                            + AttributeValues.utf8Length(v) + " bytes; DynamoDB allows at most " + maxBytes);
                }
                return AttributeValue.fromS(v);
        }
    }

    /**
     * A key attribute as the text {@link ItemKey} holds: S as it is, N normalised, B as base64. Two writes with
     * the same key text are the same item, and an UnprocessedItems entry finds its write by this text.
     */
    static String keyString(AttributeValue v) {
        if (v == null) {
            return null;
        }
        if (v.s() != null) {
            return v.s();
        }
        if (v.n() != null) {
            return AttributeValues.numberString(new BigDecimal(v.n()), "<key>");
        }
        if (v.b() != null) {
            return Base64.getEncoder().encodeToString(v.b().asByteArrayUnsafe());
        }
        return v.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }

    private static String largestAttribute(Map<String, AttributeValue> item) {
        String best = null;
        long max = -1;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            long s = AttributeValues.itemSize(Map.of(e.getKey(), e.getValue()));
            if (s > max) {
                max = s;
                best = e.getKey();
            }
        }
        return best;
    }
}
