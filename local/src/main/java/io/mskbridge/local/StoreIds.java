package io.mskbridge.local;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads which event ids a store holds, without writing anything: a DynamoDB table by Scan (projecting only the id
 * and time attributes), an S3 prefix by ListObjectsV2 and GetObject (gzip or plain; JSON Lines, or one JSON
 * document per object as the seed Lambda archives). Only records whose time field falls in the window count.
 */
final class StoreIds {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** [from, to); a null bound is open. */
    record Window(Instant from, Instant to) {
        static final Window ALL = new Window(null, null);

        boolean open() {
            return from == null && to == null;
        }

        boolean contains(Instant t) {
            return (from == null || !t.isBefore(from)) && (to == null || t.isBefore(to));
        }
    }

    /** What a store holds in the window: id → occurrences, and what was left out and why. */
    static final class Counts {
        final Map<String, Integer> ids = new TreeMap<>();
        int records;
        int withoutId;
        int withoutTime;
        int outsideWindow;
        int objects;

        private void add(String id, Instant time, Window window) {
            records++;
            if (!window.open()) {
                if (time == null) {
                    withoutTime++;
                    return;
                }
                if (!window.contains(time)) {
                    outsideWindow++;
                    return;
                }
            }
            if (id == null) {
                withoutId++;
                return;
            }
            ids.merge(id, 1, Integer::sum);
        }

        @Override
        public String toString() {
            return String.format("%d records: %d ids in the window, %d outside it, %d without a time, %d without an id",
                    records, ids.values().stream().mapToInt(Integer::intValue).sum(), outsideWindow, withoutTime, withoutId)
                    + (objects > 0 ? ", in " + objects + " objects" : "");
        }
    }

    private StoreIds() {
    }

    static Counts dynamoDb(DynamoDbClient dynamo, String table, String idField, String timeField, Window window) {
        Counts out = new Counts();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamo.scan(b -> b.tableName(table).projectionExpression("#i, #t")
                    .expressionAttributeNames(Map.of("#i", idField, "#t", timeField)).exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                AttributeValue id = item.get(idField);
                AttributeValue t = item.get(timeField);
                out.add(id == null ? null : id.s() != null ? id.s() : id.n(), t == null ? null : time(t.s() != null ? t.s() : t.n()), window);
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    static Counts s3(S3Client s3, String bucket, String prefix, String idField, String timeField, Window window) throws IOException {
        Counts out = new Counts();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            byte[] bytes;
            try {
                bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray();
            } catch (NoSuchKeyException e) {
                continue; // deleted (or being replaced) between LIST and GET
            }
            out.objects++;
            boolean gzip = bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
            try (InputStream in = gzip ? new GZIPInputStream(new ByteArrayInputStream(bytes)) : new ByteArrayInputStream(bytes);
                 MappingIterator<JsonNode> values = JSON.readerFor(JsonNode.class).readValues(in)) {
                while (values.hasNextValue()) {
                    JsonNode v = values.nextValue();
                    JsonNode id = v.get(idField);
                    JsonNode t = v.get(timeField);
                    out.add(id == null || id.isNull() ? null : id.asText(), t == null || t.isNull() ? null : time(t.asText()), window);
                }
            } catch (IOException e) {
                throw new IOException("s3://" + bucket + "/" + o.key() + ": not JSON (" + e.getMessage() + ")", e);
            }
        }
        return out;
    }

    /** An ISO-8601 instant (with or without offset), or epoch seconds or milliseconds; null when it is neither. */
    static Instant time(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            // not with an offset
        }
        try {
            return Instant.parse(s.endsWith("Z") ? s : s + "Z");
        } catch (DateTimeParseException e) {
            // not ISO-8601
        }
        try {
            double n = Double.parseDouble(s);
            return n > 1e11 ? Instant.ofEpochMilli((long) n) : Instant.ofEpochMilli((long) (n * 1000));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
