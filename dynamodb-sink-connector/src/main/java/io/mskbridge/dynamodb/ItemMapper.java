package io.mskbridge.dynamodb;

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
import io.mskbridge.dynamodb.DynamoDbSinkConfig.MissingTimestamp;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Turns one sink record into one DynamoDB write: a PutRequest for a value (Struct, Map or a JSON object
 * string), a DeleteRequest for a tombstone when deletes are on, nothing for a skipped tombstone.
 *
 * <p>Key attributes are strings rendered by the key templates and override value fields of the same name;
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
        String pk = keyValue(record, partitionAttribute, pkTemplate, MAX_PARTITION_KEY_BYTES);
        String sk = sortAttribute.isPresent()
                ? keyValue(record, sortAttribute.get(), skTemplate.orElseThrow(), MAX_SORT_KEY_BYTES) : null;
        Map<String, AttributeValue> key = new LinkedHashMap<>(4);
        key.put(partitionAttribute, AttributeValue.fromS(pk));
        if (sk != null) {
            key.put(sortAttribute.get(), AttributeValue.fromS(sk));
        }
        ItemKey itemKey = new ItemKey(tableName, pk, sk);
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
            try {
                return JSON.readValue((String) v, MAP);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UnwritableRecordException(record, "<value>", "the value is a string but not a JSON object ("
                        + e.getOriginalMessage() + ")");
            }
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

    private static String keyValue(SinkRecord record, String attribute, KeyTemplate template, int maxBytes) {
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
        if (AttributeValues.utf8Length(v) > maxBytes) {
            throw new UnwritableRecordException(record, attribute, "key attribute '" + attribute + "' is "
                    + AttributeValues.utf8Length(v) + " bytes; DynamoDB allows at most " + maxBytes);
        }
        return v;
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
