package io.mskbridge.smt;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.Date;

/**
 * Timestamp values as they arrive from the seed's producers, to epoch milliseconds.
 *
 * <p>Accepted: ISO-8601 date-times with {@code Z} or a numeric offset; ISO-8601 date-times
 * <em>without</em> an offset, read as UTC (the seed producer writes {@code datetime.utcnow().isoformat()},
 * e.g. {@code 2026-11-22T04:05:47.123456}); epoch milliseconds as a number or a string of digits; and
 * Connect {@code Timestamp} values ({@link Date}) or {@link Instant}s. Fractions beyond milliseconds are
 * truncated.
 *
 * <p>The common shapes are parsed by hand: {@link DateTimeFormatter} costs about a microsecond per
 * value, more than the whole SMT chain's budget. Anything else falls back to {@code ISO_DATE_TIME}.
 */
final class Timestamps {

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private Timestamps() {
    }

    /**
     * @throws IllegalArgumentException with a message fit for an operator when the value is not a timestamp
     */
    static long toEpochMillis(Object v) {
        if (v instanceof CharSequence) {
            return parse(v.toString());
        }
        if (v instanceof Date) {
            return ((Date) v).getTime();
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d) || Math.abs(d) >= 0x1p62) {
                throw new IllegalArgumentException("epoch millis " + v + " is not a finite timestamp");
            }
            return (long) Math.floor(d);
        }
        if (v instanceof BigInteger || v instanceof BigDecimal) {
            try {
                return new BigDecimal(v.toString()).setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("epoch millis " + v + " is out of range");
            }
        }
        if (v instanceof Instant) {
            return ((Instant) v).toEpochMilli();
        }
        throw new IllegalArgumentException("expected an ISO-8601 string, epoch millis or a Timestamp but got "
                + FieldType.describe(v));
    }

    static long parse(String s) {
        int n = s.length();
        if (n == 0) {
            throw new IllegalArgumentException("empty timestamp string");
        }
        if (isEpochDigits(s)) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("epoch millis \"" + s + "\" is out of range");
            }
        }
        long fast = parseIsoFast(s);
        if (fast != Long.MIN_VALUE) {
            return fast;
        }
        return parseIsoSlow(s);
    }

    private static boolean isEpochDigits(String s) {
        int i = s.charAt(0) == '-' ? 1 : 0;
        if (i == s.length()) {
            return false;
        }
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Returns Long.MIN_VALUE when the string is not in a shape handled here (the slow path decides). */
    static long parseIsoFast(String s) {
        int n = s.length();
        // yyyy-MM-ddTHH:mm is the minimum
        if (n < 16 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':') {
            return Long.MIN_VALUE;
        }
        char t = s.charAt(10);
        if (t != 'T' && t != 't' && t != ' ') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        if ((year | month | day | hour | minute) < 0) {
            return Long.MIN_VALUE;
        }
        int i = 16;
        int second = 0;
        int millis = 0;
        if (i < n && s.charAt(i) == ':') {
            if (i + 3 > n || (second = digits(s, i + 1, 2)) < 0) {
                return Long.MIN_VALUE;
            }
            i += 3;
            if (i < n && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
                int start = ++i;
                int scale = 100;
                while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    millis += (s.charAt(i) - '0') * scale;
                    scale /= 10;
                    i++;
                }
                if (i == start || i - start > 9) {
                    return Long.MIN_VALUE;
                }
            }
        }
        int offsetSeconds = 0;
        if (i < n) {
            char c = s.charAt(i);
            if ((c == 'Z' || c == 'z') && i + 1 == n) {
                i++;
            } else if (c == '+' || c == '-') {
                int rest = n - i - 1;
                int oh;
                int om = 0;
                if (rest == 2) {
                    oh = digits(s, i + 1, 2);
                } else if (rest == 4) {
                    oh = digits(s, i + 1, 2);
                    om = digits(s, i + 3, 2);
                } else if (rest == 5 && s.charAt(i + 3) == ':') {
                    oh = digits(s, i + 1, 2);
                    om = digits(s, i + 4, 2);
                } else {
                    return Long.MIN_VALUE;
                }
                if (oh < 0 || om < 0 || oh > 18 || om > 59) {
                    return Long.MIN_VALUE;
                }
                offsetSeconds = (c == '-' ? -1 : 1) * (oh * 3600 + om * 60);
            } else {
                return Long.MIN_VALUE;
            }
        }
        if (month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month)
                || hour > 23 || minute > 59 || second > 59) {
            throw new IllegalArgumentException("timestamp \"" + s + "\" has an out-of-range date or time field");
        }
        long days = daysFromCivil(year, month, day);
        return days * MILLIS_PER_DAY + ((hour * 60L + minute) * 60L + second - offsetSeconds) * 1000L + millis;
    }

    private static long parseIsoSlow(String s) {
        try {
            TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(s, ZonedDateTime::from,
                    LocalDateTime::from);
            if (parsed instanceof ZonedDateTime) {
                return ((ZonedDateTime) parsed).toInstant().toEpochMilli();
            }
            return ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("\"" + (s.length() > 64 ? s.substring(0, 64) + "..." : s)
                    + "\" is not an ISO-8601 date-time (e.g. 2026-11-22T04:05:47.123Z) or epoch millis");
        }
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int lengthOfMonth(int year, int month) {
        switch (month) {
            case 2:
                return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4:
            case 6:
            case 9:
            case 11:
                return 30;
            default:
                return 31;
        }
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
    static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }
}
