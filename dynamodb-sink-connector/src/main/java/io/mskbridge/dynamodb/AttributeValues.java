package io.mskbridge.dynamodb;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

import io.mskbridge.dynamodb.DynamoDbSinkConfig.TimestampFormat;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Converts Connect values (Struct, Map, List, scalars, logical types) to DynamoDB {@link AttributeValue}s
 * and estimates item sizes the way DynamoDB counts them.
 *
 * <p>Numbers never pass through {@code double}: integers and {@code BigDecimal} keep their decimal digits,
 * and a {@code Double}/{@code Float} (what schemaless JSON gives for 19.99) becomes the shortest decimal
 * that reads back as the same binary value ({@code BigDecimal.valueOf}), so 0.1 is stored as 0.1, not
 * 0.1000000000000000055511151231257827. Values DynamoDB cannot store (NaN, infinities, more than 38
 * significant digits, magnitudes outside 1E-130..1E+126) raise {@link Unwritable} naming the field path.
 */
final class AttributeValues {

    /** DynamoDB's maximum item size. */
    static final int MAX_ITEM_BYTES = 400 * 1024;

    static final AttributeValue NULL = AttributeValue.builder().nul(true).build();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final long MILLIS_PER_DAY = 24L * 60 * 60 * 1000;

    /** A value that DynamoDB cannot hold; {@link #field()} is the dotted path inside the record value. */
    static final class Unwritable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String field;

        Unwritable(String field, String reason) {
            super(reason, null, false, false);
            this.field = field;
        }

        String field() {
            return field;
        }
    }

    private final TimestampFormat timestampFormat;

    AttributeValues(TimestampFormat timestampFormat) {
        this.timestampFormat = timestampFormat;
    }

    /** The attributes of a top-level Struct or Map value. */
    Map<String, AttributeValue> item(Object value, Schema schema) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        if (value instanceof Struct) {
            Struct s = (Struct) value;
            for (Field f : s.schema().fields()) {
                item.put(f.name(), convert(s.get(f), f.schema(), f.name()));
            }
        } else if (value instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                String name = String.valueOf(e.getKey());
                item.put(name, convert(e.getValue(), valueSchema(schema), name));
            }
        } else {
            throw new IllegalArgumentException("not a Struct or Map: " + (value == null ? null : value.getClass()));
        }
        return item;
    }

    private static Schema valueSchema(Schema mapSchema) {
        return mapSchema != null && mapSchema.type() == Schema.Type.MAP ? mapSchema.valueSchema() : null;
    }

    /**
     * Converts one value.
     *
     * @param schema the Connect schema if any (decides logical types), else null
     * @param path   the field path, for error messages
     */
    AttributeValue convert(Object value, Schema schema, String path) {
        if (value == null) {
            return NULL;
        }
        String logical = schema == null ? null : schema.name();
        if (logical != null) {
            switch (logical) {
                case Decimal.LOGICAL_NAME:
                    return number((BigDecimal) value, path);
                case Timestamp.LOGICAL_NAME:
                    return timestamp((java.util.Date) value);
                case Date.LOGICAL_NAME:
                    return date((java.util.Date) value);
                case Time.LOGICAL_NAME:
                    return time((java.util.Date) value);
                default:
                    break;
            }
        }
        if (value instanceof String) {
            return AttributeValue.fromS((String) value);
        }
        if (value instanceof Boolean) {
            return AttributeValue.fromBool((Boolean) value);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return AttributeValue.fromN(value.toString());
        }
        if (value instanceof BigInteger) {
            return number(new BigDecimal((BigInteger) value), path);
        }
        if (value instanceof BigDecimal) {
            return number((BigDecimal) value, path);
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new Unwritable(path, "the number " + value + " cannot be stored: DynamoDB has no NaN or "
                        + "Infinity");
            }
            // Float.toString is the shortest repr of the float itself, not of the widened double.
            BigDecimal bd = value instanceof Float ? new BigDecimal(value.toString()) : BigDecimal.valueOf(d);
            return number(bd, path);
        }
        if (value instanceof Struct) {
            Struct s = (Struct) value;
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            for (Field f : s.schema().fields()) {
                m.put(f.name(), convert(s.get(f), f.schema(), path + "." + f.name()));
            }
            return AttributeValue.fromM(m);
        }
        if (value instanceof Map) {
            Schema vs = valueSchema(schema);
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                String name = String.valueOf(e.getKey());
                m.put(name, convert(e.getValue(), vs, path + "." + name));
            }
            return AttributeValue.fromM(m);
        }
        if (value instanceof Collection) {
            Schema es = schema != null && schema.type() == Schema.Type.ARRAY ? schema.valueSchema() : null;
            List<AttributeValue> l = new ArrayList<>(((Collection<?>) value).size());
            int i = 0;
            for (Object o : (Collection<?>) value) {
                l.add(convert(o, es, path + "[" + i++ + "]"));
            }
            return AttributeValue.fromL(l);
        }
        if (value instanceof byte[]) {
            return AttributeValue.fromB(SdkBytes.fromByteArray((byte[]) value));
        }
        if (value instanceof ByteBuffer) {
            return AttributeValue.fromB(SdkBytes.fromByteBuffer(((ByteBuffer) value).duplicate()));
        }
        if (value instanceof java.util.Date) {
            // Schemaless values do not say which logical type a Date is; a point in time is the safe reading.
            return timestamp((java.util.Date) value);
        }
        if (value instanceof Character) {
            return AttributeValue.fromS(value.toString());
        }
        throw new Unwritable(path, "values of type " + value.getClass().getName() + " have no DynamoDB equivalent");
    }

    private AttributeValue timestamp(java.util.Date d) {
        return timestampFormat == TimestampFormat.EPOCH_MILLIS ? AttributeValue.fromN(Long.toString(d.getTime()))
                : AttributeValue.fromS(DateTimeFormatter.ISO_INSTANT.format(d.toInstant()));
    }

    private AttributeValue date(java.util.Date d) {
        return timestampFormat == TimestampFormat.EPOCH_MILLIS
                ? AttributeValue.fromN(Long.toString(Math.floorDiv(d.getTime(), MILLIS_PER_DAY)))
                : AttributeValue.fromS(d.toInstant().atZone(ZoneOffset.UTC).toLocalDate().toString());
    }

    private AttributeValue time(java.util.Date d) {
        long millisOfDay = Math.floorMod(d.getTime(), MILLIS_PER_DAY);
        return timestampFormat == TimestampFormat.EPOCH_MILLIS ? AttributeValue.fromN(Long.toString(millisOfDay))
                : AttributeValue.fromS(TIME.format(LocalTime.ofNanoOfDay(millisOfDay * 1_000_000L)
                        .atDate(java.time.LocalDate.EPOCH).toInstant(ZoneOffset.UTC)));
    }

    /** The N value of a decimal, or {@link Unwritable} outside DynamoDB's number range. */
    static AttributeValue number(BigDecimal bd, String path) {
        return AttributeValue.fromN(numberString(bd, path));
    }

    static String numberString(BigDecimal bd, String path) {
        if (bd.signum() == 0) {
            return "0";
        }
        BigDecimal stripped = bd.stripTrailingZeros();
        if (stripped.precision() > 38) {
            throw new Unwritable(path, "the number " + abbreviate(bd.toString()) + " has "
                    + stripped.precision() + " significant digits; DynamoDB stores at most 38 significant digits");
        }
        long exponent = (long) stripped.precision() - stripped.scale() - 1;
        if (exponent > 125 || exponent < -130) {
            throw new Unwritable(path, "the number " + bd + " is outside DynamoDB's range (1E-130 to 9.99E+125 in "
                    + "magnitude)");
        }
        // Trailing zeros of the fraction carry no value in DynamoDB (it normalizes), and dropping them makes a
        // double's 2.0 and a long's 2 the same N. Integers with a negative scale are written out in full.
        BigDecimal out = stripped.scale() < 0 ? stripped.setScale(0) : stripped;
        String plain = out.toPlainString();
        return plain.length() <= 64 ? plain : out.toString();
    }

    /** An item's size as DynamoDB counts it (attribute names + values), in bytes. */
    static long itemSize(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8Length(e.getKey()) + size(e.getValue());
        }
        return size;
    }

    private static long size(AttributeValue v) {
        switch (v.type()) {
            case S:
                return utf8Length(v.s());
            case N:
                return numberSize(v.n());
            case B:
                return v.b().asByteArrayUnsafe().length;
            case BOOL:
            case NUL:
                return 1;
            case M: {
                long s = 3;
                for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) {
                    s += utf8Length(e.getKey()) + size(e.getValue()) + 1;
                }
                return s;
            }
            case L: {
                long s = 3;
                for (AttributeValue e : v.l()) {
                    s += size(e) + 1;
                }
                return s;
            }
            case SS:
                return v.ss().stream().mapToLong(AttributeValues::utf8Length).sum();
            case NS:
                return v.ns().stream().mapToLong(AttributeValues::numberSize).sum();
            case BS:
                return v.bs().stream().mapToLong(b -> b.asByteArrayUnsafe().length).sum();
            default:
                return 0;
        }
    }

    /** DynamoDB: "approximately (number of significant digits / 2) + 1 bytes"; rounded up to stay on the safe side. */
    private static long numberSize(String n) {
        long digits = n.chars().filter(Character::isDigit).count();
        return (digits + 1) / 2 + 1;
    }

    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static String abbreviate(String s) {
        return s.length() <= 48 ? s : s.substring(0, 45) + "...";
    }
}
