package io.mskbridge.s3;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;

import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import io.mskbridge.common.FieldPath;

/**
 * The time a record's object key is rendered with ({@code {time:PATTERN}}): the record timestamp, or with
 * {@code s3.partition.time.field} the event time read from a field of the value. Either is a function of the
 * record alone, so object names stay a pure function of the records and a replay writes the same objects.
 *
 * <p>Field values accepted: ISO-8601 date-times with {@code Z} or an offset, ISO-8601 without an offset (read as
 * UTC, as the seed producer's {@code datetime.utcnow().isoformat()} writes it), epoch milliseconds as an
 * integer or a string of digits, and Connect {@code Timestamp} values. Anything else, a missing field or a
 * null, is a record error naming the field.
 */
final class PartitionTime {

    private final FieldPath field;

    private PartitionTime(FieldPath field) {
        this.field = field;
    }

    static PartitionTime of(S3ArchiveSinkConfig config) {
        return of(config.partitionTimeField());
    }

    /** The time from the value's field {@code f}, or (null) the record timestamp. */
    static PartitionTime of(String f) {
        return new PartitionTime(f == null ? null : FieldPath.of(f));
    }

    /** Epoch millis for the key's time placeholders; null when the record has no timestamp (record time only). */
    Long of(SinkRecord r) {
        if (field == null) {
            return r.timestamp();
        }
        Object v = field.get(r.value());
        if (v == null || v == FieldPath.ABSENT) {
            throw new DataException("Field '" + field + "' (" + S3ArchiveSinkConfig.PARTITION_TIME_FIELD + ") is "
                    + (v == null ? "null" : "missing") + " in the value of " + coordinates(r)
                    + ": the object key's time cannot be rendered");
        }
        try {
            return toEpochMillis(v);
        } catch (IllegalArgumentException | DateTimeException | ArithmeticException e) {
            throw new DataException("Field '" + field + "' (" + S3ArchiveSinkConfig.PARTITION_TIME_FIELD + ") of "
                    + coordinates(r) + " is not a timestamp: " + e.getMessage());
        }
    }

    private static String coordinates(SinkRecord r) {
        return "record topic=" + r.topic() + ", partition=" + r.kafkaPartition() + ", offset=" + r.kafkaOffset();
    }

    static long toEpochMillis(Object v) {
        if (v instanceof java.util.Date) {
            return ((java.util.Date) v).getTime();
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            return new BigDecimal(v.toString()).longValueExact();
        }
        if (v instanceof CharSequence) {
            String s = v.toString().trim();
            if (!s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Long.parseLong(s);
            }
            return parseInstant(s).toEpochMilli();
        }
        throw new IllegalArgumentException("expected an ISO-8601 date-time or epoch millis, got a "
                + v.getClass().getSimpleName() + " (" + abbreviate(String.valueOf(v)) + ")");
    }

    /** An ISO-8601 date-time; without an offset it is read as UTC. */
    static Instant parseInstant(String s) {
        try {
            TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(s, ZonedDateTime::from, LocalDateTime::from);
            return t instanceof ZonedDateTime ? ((ZonedDateTime) t).toInstant()
                    : ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("\"" + abbreviate(s) + "\" is not an ISO-8601 date-time (e.g. "
                    + "2026-11-22T04:05:47.123Z or 2026-11-22T04:05:47.123456) or epoch millis");
        }
    }

    static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
