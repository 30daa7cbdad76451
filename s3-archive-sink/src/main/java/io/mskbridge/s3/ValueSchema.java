package io.mskbridge.s3;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * {@code s3.value.schema}: an Avro record schema that schemaless values (maps, e.g. from JsonConverter with
 * {@code schemas.enable=false}) are converted to for {@code s3.format=avro|parquet}.
 *
 * <p>Rules: fields are taken by name; a value is coerced only when nothing is lost (an integer into long, float
 * or double when the number is exactly representable, an integral double into int/long, a number into a
 * decimal whose scale holds it, an ISO-8601 string into timestamp-millis/-micros or date when no digits are
 * dropped); a float or double takes a number whose shortest decimal form it keeps (0.1 stays 0.1). A missing
 * field, or null in a non-nullable field, takes the field's default, else null when the field is nullable,
 * else it is a record error. A union takes the first branch the value converts to. Fields of the value the
 * schema does not name are dropped and counted ({@link #droppedFields()}). Anything else is a record error
 * naming the field, e.g. {@code field 'amount': "12.5" (a String) is not a double}.
 */
final class ValueSchema {

    /** Marks the Connect schema that stands for "converted with s3.value.schema" in batches. */
    static final String TOKEN_PARAMETER = "io.mskbridge.s3.value.schema";
    private static final int MAX_DROPPED_NAMES = 100;
    private static final Conversions.DecimalConversion DECIMALS = new Conversions.DecimalConversion();

    private final Schema avro;
    private final org.apache.kafka.connect.data.Schema token;
    private final AtomicLong dropped = new AtomicLong();
    /** Dropped field paths since the last {@link #takeDroppedSummary()}, for the DEBUG batch summary. */
    private final Map<String, Long> droppedNames = new TreeMap<>();

    private ValueSchema(Schema avro) {
        this.avro = avro;
        this.token = SchemaBuilder.struct().name(avro.getFullName()).parameter(TOKEN_PARAMETER, "true").build();
    }

    /**
     * Parses and checks {@code s3.value.schema}.
     *
     * @throws IllegalArgumentException with a message for the operator when it is not an Avro record schema
     */
    static ValueSchema parse(String json) {
        Schema s;
        try {
            s = new Schema.Parser().parse(json);
        } catch (AvroRuntimeException e) { // SchemaParseException too
            throw new IllegalArgumentException("not a valid Avro schema: " + e.getMessage());
        }
        if (s.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("must be an Avro record schema ({\"type\":\"record\",...}), got a "
                    + s.getType().getName());
        }
        return new ValueSchema(s);
    }

    Schema avro() {
        return avro;
    }

    /** The Connect schema batches of converted records carry (rotation compares it; it has no fields). */
    org.apache.kafka.connect.data.Schema token() {
        return token;
    }

    static boolean isToken(org.apache.kafka.connect.data.Schema s) {
        return s != null && s.parameters() != null && s.parameters().containsKey(TOKEN_PARAMETER);
    }

    /** The path of the first record without fields (Parquet cannot store an empty group), or null. */
    String emptyRecord() {
        return emptyRecord(avro, "", new java.util.HashSet<>());
    }

    private static String emptyRecord(Schema s, String path, java.util.Set<String> seen) {
        switch (s.getType()) {
            case RECORD:
                if (s.getFields().isEmpty()) {
                    return path.isEmpty() ? "the value" : "field '" + path + "'";
                }
                if (!seen.add(s.getFullName())) {
                    return null;
                }
                for (Schema.Field f : s.getFields()) {
                    String inner = emptyRecord(f.schema(), join(path, f.name()), seen);
                    if (inner != null) {
                        return inner;
                    }
                }
                return null;
            case ARRAY:
                return emptyRecord(s.getElementType(), path + "[]", seen);
            case MAP:
                return emptyRecord(s.getValueType(), path + "{}", seen);
            case UNION:
                for (Schema b : s.getTypes()) {
                    String inner = emptyRecord(b, path, seen);
                    if (inner != null) {
                        return inner;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    /** Fields dropped so far (the value had them, the schema does not). */
    long droppedFields() {
        return dropped.get();
    }

    /** The dropped field paths and counts since the last call, then forgotten; empty when none. */
    synchronized Map<String, Long> takeDroppedSummary() {
        Map<String, Long> m = new TreeMap<>(droppedNames);
        droppedNames.clear();
        return m;
    }

    /**
     * The value as a record of the schema.
     *
     * @throws DataException naming the field when the value cannot be converted without loss
     */
    GenericData.Record convert(Object value) {
        if (!(value instanceof Map) && !(value instanceof Struct)) {
            throw new DataException(S3ArchiveSinkConfig.VALUE_SCHEMA + " converts JSON objects (maps), but the value "
                    + "is " + describe(value));
        }
        try {
            List<String> dropped = new ArrayList<>(0);
            GenericData.Record r = record(avro, value, "", dropped);
            for (String path : dropped) { // counted only for values written
                droppedField(path);
            }
            return r;
        } catch (Mismatch m) {
            throw new DataException(S3ArchiveSinkConfig.VALUE_SCHEMA + ": " + m.getMessage());
        }
    }

    /** A value that the schema cannot take at {@code path}: a record error, or the next union branch. */
    private static final class Mismatch extends RuntimeException {
        Mismatch(String path, String what) {
            super((path.isEmpty() ? "the value" : "field '" + path + "'") + " " + what, null, false, false);
        }
    }

    private GenericData.Record record(Schema s, Object value, String path, List<String> dropped) {
        Map<String, Object> fields = fieldsOf(value, s, path);
        GenericData.Record out = new GenericData.Record(s);
        for (Schema.Field f : s.getFields()) {
            String p = join(path, f.name());
            boolean present = fields.containsKey(f.name());
            Object v = fields.get(f.name());
            if (v == null) {
                if (present && acceptsNull(f.schema())) {
                    out.put(f.pos(), null);
                } else if (f.hasDefaultValue()) {
                    out.put(f.pos(), GenericData.get().getDefaultValue(f));
                } else if (acceptsNull(f.schema())) {
                    out.put(f.pos(), null);
                } else {
                    throw new Mismatch(p, (present ? "is null" : "is missing") + ", and the schema's "
                            + f.schema().getType().getName() + " field is not nullable and has no default");
                }
            } else {
                out.put(f.pos(), convert(f.schema(), v, p, dropped));
            }
        }
        if (fields.size() > countPresent(s, fields)) {
            for (String name : fields.keySet()) {
                if (s.getField(name) == null) {
                    dropped.add(join(path, name));
                }
            }
        }
        return out;
    }

    private static int countPresent(Schema s, Map<String, Object> fields) {
        int n = 0;
        for (Schema.Field f : s.getFields()) {
            if (fields.containsKey(f.name())) {
                n++;
            }
        }
        return n;
    }

    private synchronized void droppedField(String path) {
        dropped.incrementAndGet();
        if (droppedNames.size() < MAX_DROPPED_NAMES || droppedNames.containsKey(path)) {
            droppedNames.merge(path, 1L, Long::sum);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fieldsOf(Object value, Schema s, String path) {
        if (value instanceof Struct) {
            Struct st = (Struct) value;
            Map<String, Object> m = new HashMap<>();
            for (Field f : st.schema().fields()) {
                m.put(f.name(), st.get(f));
            }
            return m;
        }
        if (value instanceof Map) {
            for (Object k : ((Map<?, ?>) value).keySet()) {
                if (!(k instanceof String)) {
                    throw new Mismatch(path, "has a non-string key " + describe(k) + "; record " + s.getName()
                            + " needs field names");
                }
            }
            return (Map<String, Object>) value;
        }
        throw new Mismatch(path, "is " + describe(value) + ", not an object for record " + s.getName());
    }

    private static boolean acceptsNull(Schema s) {
        if (s.getType() == Schema.Type.NULL) {
            return true;
        }
        if (s.getType() == Schema.Type.UNION) {
            for (Schema b : s.getTypes()) {
                if (b.getType() == Schema.Type.NULL) {
                    return true;
                }
            }
        }
        return false;
    }

    private Object convert(Schema s, Object v, String path, List<String> dropped) {
        if (v == null) {
            if (acceptsNull(s)) {
                return null;
            }
            throw new Mismatch(path, "is null and the schema's " + s.getType().getName() + " is not nullable");
        }
        LogicalType logical = s.getLogicalType();
        switch (s.getType()) {
            case UNION:
                List<String> tried = new ArrayList<>();
                Mismatch last = null;
                for (Schema b : s.getTypes()) {
                    if (b.getType() == Schema.Type.NULL) {
                        continue;
                    }
                    try {
                        return convert(b, v, path, dropped);
                    } catch (Mismatch m) {
                        tried.add(typeName(b));
                        last = m;
                    }
                }
                if (tried.size() == 1) {
                    throw last; // an optional field: its one type says best what is wrong
                }
                throw new Mismatch(path, "is " + describe(v) + ", which none of " + tried + " takes without loss");
            case NULL:
                throw new Mismatch(path, "is " + describe(v) + ", and the schema says null");
            case BOOLEAN:
                if (v instanceof Boolean) {
                    return v;
                }
                throw notA(path, v, "boolean");
            case INT:
                if (logical instanceof LogicalTypes.Date) {
                    return date(v, path);
                }
                return (int) integral(v, path, Integer.MIN_VALUE, Integer.MAX_VALUE, typeName(s));
            case LONG:
                if (logical instanceof LogicalTypes.TimestampMillis) {
                    return timestamp(v, path, false);
                }
                if (logical instanceof LogicalTypes.TimestampMicros) {
                    return timestamp(v, path, true);
                }
                return integral(v, path, Long.MIN_VALUE, Long.MAX_VALUE, typeName(s));
            case FLOAT:
                return toFloat(v, path);
            case DOUBLE:
                return toDouble(v, path);
            case STRING:
                if (v instanceof CharSequence) {
                    String str = v.toString();
                    if (logical != null && "uuid".equals(logical.getName())) {
                        try {
                            UUID.fromString(str);
                        } catch (IllegalArgumentException e) {
                            throw new Mismatch(path, "is \"" + PartitionTime.abbreviate(str) + "\", not a UUID");
                        }
                    }
                    return str;
                }
                throw notA(path, v, "string");
            case ENUM:
                if (v instanceof CharSequence && s.hasEnumSymbol(v.toString())) {
                    return new GenericData.EnumSymbol(s, v.toString());
                }
                throw new Mismatch(path, "is " + describe(v) + ", not one of the symbols " + s.getEnumSymbols());
            case BYTES:
                if (logical instanceof LogicalTypes.Decimal) {
                    return DECIMALS.toBytes(decimal(v, path, (LogicalTypes.Decimal) logical), s, logical);
                }
                return ByteBuffer.wrap(bytes(v, path));
            case FIXED:
                if (logical instanceof LogicalTypes.Decimal) {
                    return DECIMALS.toFixed(decimal(v, path, (LogicalTypes.Decimal) logical), s, logical);
                }
                byte[] b = bytes(v, path);
                if (b.length != s.getFixedSize()) {
                    throw new Mismatch(path, "has " + b.length + " bytes, fixed " + s.getName() + " takes "
                            + s.getFixedSize());
                }
                return new GenericData.Fixed(s, b);
            case ARRAY:
                if (!(v instanceof Collection)) {
                    throw notA(path, v, "array");
                }
                List<Object> list = new ArrayList<>(((Collection<?>) v).size());
                int i = 0;
                for (Object o : (Collection<?>) v) {
                    list.add(convert(s.getElementType(), o, path + "[" + i++ + "]", dropped));
                }
                return new GenericData.Array<>(s, list);
            case MAP:
                if (!(v instanceof Map)) {
                    throw notA(path, v, "map");
                }
                Map<String, Object> map = new TreeMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    if (!(e.getKey() instanceof String)) {
                        throw new Mismatch(path, "has a non-string key " + describe(e.getKey()));
                    }
                    String k = (String) e.getKey();
                    map.put(k, convert(s.getValueType(), e.getValue(), path + "{" + k + "}", dropped));
                }
                return map;
            case RECORD:
                return record(s, v, path, dropped);
            default:
                throw new Mismatch(path, "has an unsupported schema type " + s.getType());
        }
    }

    private static Mismatch notA(String path, Object v, String type) {
        return new Mismatch(path, "is " + describe(v) + ", not a " + type);
    }

    /** An exact integer in [min, max] from an integral number (or a double/decimal without fraction). */
    private static long integral(Object v, String path, long min, long max, String type) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            long l = ((Number) v).longValue();
            if (l >= min && l <= max) {
                return l;
            }
            throw new Mismatch(path, "is " + describe(v) + ", out of the range of " + type);
        }
        BigDecimal d = exact(v);
        if (d == null) {
            throw notA(path, v, type);
        }
        try {
            long l = d.longValueExact();
            if (l >= min && l <= max) {
                return l;
            }
        } catch (ArithmeticException e) {
            // fraction or out of range: below
        }
        throw new Mismatch(path, "is " + describe(v) + ", which " + type + " cannot hold exactly");
    }

    /** The exact value of a number (a double as the decimal it prints as), or null for other values. */
    private static BigDecimal exact(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof BigInteger) {
            return new BigDecimal((BigInteger) v);
        }
        if (v instanceof BigDecimal) {
            return (BigDecimal) v;
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                return null;
            }
            return v instanceof Float ? new BigDecimal(v.toString()) : BigDecimal.valueOf(d);
        }
        return null;
    }

    private static double toDouble(Object v, String path) {
        if (v instanceof Double || v instanceof Float) {
            return v instanceof Float ? Double.parseDouble(v.toString()) : (Double) v;
        }
        BigDecimal d = exact(v);
        if (d == null) {
            throw notA(path, v, "double");
        }
        double out = d.doubleValue();
        if (Double.isFinite(out) && BigDecimal.valueOf(out).compareTo(d) == 0) {
            return out;
        }
        throw new Mismatch(path, "is " + describe(v) + ", which a double cannot hold exactly");
    }

    private static float toFloat(Object v, String path) {
        if (v instanceof Float) {
            return (Float) v;
        }
        BigDecimal d = exact(v);
        if (d == null) {
            if (v instanceof Double) { // NaN or an infinity
                return ((Double) v).floatValue();
            }
            throw notA(path, v, "float");
        }
        float out = d.floatValue();
        if (Float.isFinite(out) && new BigDecimal(Float.toString(out)).compareTo(d) == 0) {
            return out;
        }
        throw new Mismatch(path, "is " + describe(v) + ", which a float cannot hold exactly");
    }

    private static BigDecimal decimal(Object v, String path, LogicalTypes.Decimal type) {
        BigDecimal d = exact(v);
        if (d == null) {
            throw notA(path, v, "decimal(" + type.getPrecision() + "," + type.getScale() + ")");
        }
        try {
            BigDecimal scaled = d.setScale(type.getScale(), java.math.RoundingMode.UNNECESSARY);
            if (scaled.precision() <= type.getPrecision()) {
                return scaled;
            }
        } catch (ArithmeticException e) {
            // more fraction digits than the scale: below
        }
        throw new Mismatch(path, "is " + describe(v) + ", which decimal(" + type.getPrecision() + ","
                + type.getScale() + ") cannot hold exactly");
    }

    private static long timestamp(Object v, String path, boolean micros) {
        Instant t;
        if (v instanceof java.util.Date) {
            t = ((java.util.Date) v).toInstant();
        } else if (v instanceof CharSequence) {
            try {
                t = PartitionTime.parseInstant(v.toString());
            } catch (IllegalArgumentException e) {
                throw new Mismatch(path, e.getMessage());
            }
        } else {
            return integral(v, path, Long.MIN_VALUE, Long.MAX_VALUE, micros ? "timestamp-micros" : "timestamp-millis");
        }
        long unit = micros ? 1_000L : 1_000_000L;
        if (t.getNano() % unit != 0) {
            throw new Mismatch(path, "is " + describe(v) + ", finer than " + (micros ? "micro" : "milli")
                    + "seconds");
        }
        try {
            return micros ? Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000)
                    : t.toEpochMilli();
        } catch (ArithmeticException e) {
            throw new Mismatch(path, "is " + describe(v) + ", out of range");
        }
    }

    private static int date(Object v, String path) {
        if (v instanceof CharSequence) {
            try {
                return Math.toIntExact(LocalDate.parse(v.toString()).toEpochDay());
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new Mismatch(path, "is " + describe(v) + ", not an ISO-8601 date (2026-11-22)");
            }
        }
        if (v instanceof java.util.Date) {
            long ms = ((java.util.Date) v).getTime();
            if (ms % 86_400_000L == 0) {
                return Math.toIntExact(ms / 86_400_000L);
            }
            throw new Mismatch(path, "is " + describe(v) + ", not midnight UTC");
        }
        return (int) integral(v, path, Integer.MIN_VALUE, Integer.MAX_VALUE, "date (days since 1970-01-01)");
    }

    private static byte[] bytes(Object v, String path) {
        if (v instanceof byte[]) {
            return (byte[]) v;
        }
        if (v instanceof ByteBuffer) {
            ByteBuffer b = ((ByteBuffer) v).duplicate();
            byte[] a = new byte[b.remaining()];
            b.get(a);
            return a;
        }
        throw notA(path, v, "bytes value");
    }

    private static String typeName(Schema s) {
        return s.getLogicalType() != null ? s.getLogicalType().getName()
                : s.getType() == Schema.Type.RECORD || s.getType() == Schema.Type.ENUM
                        || s.getType() == Schema.Type.FIXED ? s.getName() : s.getType().getName();
    }

    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof CharSequence) {
            return "\"" + PartitionTime.abbreviate(v.toString()) + "\" (a string)";
        }
        if (v instanceof Map || v instanceof Struct) {
            return "an object";
        }
        if (v instanceof Collection) {
            return "an array";
        }
        if (v instanceof byte[] || v instanceof ByteBuffer) {
            return "binary data";
        }
        return PartitionTime.abbreviate(String.valueOf(v)) + " (a " + v.getClass().getSimpleName() + ")";
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
