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
import java.util.Locale;

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

    /** s3.partition.time.format's keywords; anything else is a DateTimeFormatter pattern. */
    static final String AUTO = "auto";
    static final String EPOCH_SECONDS = "epoch_seconds";
    static final String EPOCH_MILLIS = "epoch_millis";
    static final String EPOCH_MICROS = "epoch_micros";

    private final FieldPath field;
    private final String format;
    /** The pattern of a format that is not a keyword, else null. */
    private final DateTimeFormatter pattern;

    private PartitionTime(FieldPath field, String format) {
        this.field = field;
        this.format = format;
        this.pattern = isKeyword(format) ? null : DateTimeFormatter.ofPattern(format, Locale.ROOT);
    }

    static PartitionTime of(S3ArchiveSinkConfig config) {
        return of(config.partitionTimeField(), config.partitionTimeFormat());
    }

    /** The time from the value's field {@code f} read as {@code format}, or (f null) the record timestamp. */
    static PartitionTime of(String f, String format) {
        return new PartitionTime(f == null ? null : FieldPath.of(f), format == null ? AUTO : format);
    }

    static boolean isKeyword(String format) {
        return AUTO.equals(format) || EPOCH_SECONDS.equals(format) || EPOCH_MILLIS.equals(format)
                || EPOCH_MICROS.equals(format);
    }

    /** Throws IllegalArgumentException unless {@code format} is a keyword or a pattern that can give an instant. */
    static void checkFormat(String format) {
        if (isKeyword(format)) {
            return;
        }
        DateTimeFormatter f = DateTimeFormatter.ofPattern(format, Locale.ROOT);
        String sample = f.format(ZonedDateTime.of(2026, 11, 22, 4, 5, 47, 123_000_000, ZoneOffset.UTC));
        fromPattern(f, sample);
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
            return pattern != null && v instanceof CharSequence ? fromPattern(pattern, v.toString().trim())
                    : toEpochMillis(v, format);
        } catch (IllegalArgumentException | DateTimeException | ArithmeticException e) {
            throw new DataException("Field '" + field + "' (" + S3ArchiveSinkConfig.PARTITION_TIME_FIELD + ") of "
                    + coordinates(r) + " is not a timestamp: " + e.getMessage());
        }
    }

    private static String coordinates(SinkRecord r) {
        return "record topic=" + r.topic() + ", partition=" + r.kafkaPartition() + ", offset=" + r.kafkaOffset();
    }

    static long toEpochMillis(Object v) {
        return toEpochMillis(v, AUTO);
    }

    /**
     * Epoch millis of a field value: a Connect Timestamp in every format; with auto an integer or string of digits
     * as epoch millis, other text as ISO-8601; with epoch_seconds/_millis/_micros a number or numeric string in that
     * unit (seconds may have a fraction; digits past the millisecond are cut, as the key renders no finer).
     */
    static long toEpochMillis(Object v, String format) {
        if (v instanceof java.util.Date) {
            return ((java.util.Date) v).getTime();
        }
        if (!AUTO.equals(format) && isKeyword(format)) {
            BigDecimal n = number(v, format);
            BigDecimal ms = EPOCH_SECONDS.equals(format) ? n.movePointRight(3)
                    : EPOCH_MICROS.equals(format) ? n.movePointLeft(3) : n;
            if (EPOCH_MILLIS.equals(format) && ms.stripTrailingZeros().scale() > 0) {
                throw new IllegalArgumentException(abbreviate(v.toString()) + " is not a whole number of " + format);
            }
            return ms.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
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

    private static BigDecimal number(Object v, String format) {
        try {
            if (v instanceof Number || v instanceof CharSequence) {
                BigDecimal n = new BigDecimal(v.toString().trim());
                if (EPOCH_SECONDS.equals(format) || n.stripTrailingZeros().scale() <= 0) {
                    return n;
                }
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("expected " + format + " (a number"
                + (EPOCH_SECONDS.equals(format) ? ", a fraction allowed" : "") + "), got a "
                + v.getClass().getSimpleName() + " (" + abbreviate(String.valueOf(v)) + ")");
    }

    /** Text in a DateTimeFormatter pattern; without an offset or zone in it, read as UTC. */
    static long fromPattern(DateTimeFormatter pattern, String s) {
        TemporalAccessor t;
        try {
            t = pattern.parseBest(s, ZonedDateTime::from, LocalDateTime::from, java.time.LocalDate::from);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("\"" + abbreviate(s) + "\" does not match the pattern of "
                    + S3ArchiveSinkConfig.PARTITION_TIME_FORMAT + " (" + e.getMessage() + ")");
        }
        if (t instanceof ZonedDateTime) {
            return ((ZonedDateTime) t).toInstant().toEpochMilli();
        }
        if (t instanceof LocalDateTime) {
            return ((LocalDateTime) t).toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        return ((java.time.LocalDate) t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
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
