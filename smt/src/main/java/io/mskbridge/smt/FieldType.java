package io.mskbridge.smt;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Struct;

/**
 * The value types {@code ValidateFields} can require. Types are checked on the Java value Connect hands
 * us, so the same rule holds for schemaless (JSON) and Struct records.
 */
enum FieldType {
    /** A {@link CharSequence}. */
    STRING("string") {
        @Override
        boolean matches(Object v) {
            return v instanceof CharSequence;
        }
    },
    /** Any number: integral, floating (finite) or Connect {@code Decimal}. Numeric strings are not numbers. */
    NUMBER("number") {
        @Override
        boolean matches(Object v) {
            if (v instanceof Double || v instanceof Float) {
                return Double.isFinite(((Number) v).doubleValue());
            }
            return v instanceof Number;
        }
    },
    /** An integral number; a {@link BigDecimal} qualifies when it has no fractional part, a double does not. */
    INTEGER("integer") {
        @Override
        boolean matches(Object v) {
            if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                    || v instanceof BigInteger) {
                return true;
            }
            return v instanceof BigDecimal && (((BigDecimal) v).signum() == 0
                    || ((BigDecimal) v).stripTrailingZeros().scale() <= 0);
        }
    },
    BOOLEAN("boolean") {
        @Override
        boolean matches(Object v) {
            return v instanceof Boolean;
        }
    },
    /** ISO-8601 text (offset-less means UTC), epoch millis (number or digits), or a Connect Timestamp. */
    TIMESTAMP("timestamp") {
        @Override
        boolean matches(Object v) {
            try {
                Timestamps.toEpochMillis(v);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    },
    /** A JSON object: a {@link Map} or a {@link Struct}. */
    MAP("map") {
        @Override
        boolean matches(Object v) {
            return v instanceof Map || v instanceof Struct;
        }
    },
    ARRAY("array") {
        @Override
        boolean matches(Object v) {
            return v instanceof List;
        }
    };

    private final String label;

    FieldType(String label) {
        this.label = label;
    }

    abstract boolean matches(Object value);

    String label() {
        return label;
    }

    static FieldType parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if ("object".equals(t)) {
            return MAP;
        }
        for (FieldType f : values()) {
            if (f.label.equals(t)) {
                return f;
            }
        }
        return null;
    }

    static String names() {
        return Arrays.stream(values()).map(FieldType::label).collect(Collectors.joining(", ", "[", ", object]"));
    }

    /** Parses {@code field:type} items, in order; throws a ConfigException naming the bad item. */
    static Map<String, FieldType> parseSpecs(String configName, List<?> items) {
        Map<String, FieldType> out = new LinkedHashMap<>();
        for (Object o : items) {
            String item = String.valueOf(o).trim();
            int colon = item.lastIndexOf(':');
            if (colon <= 0 || colon == item.length() - 1) {
                throw new ConfigException(configName, items, "item '" + item + "' is not of the form field:type");
            }
            String field = item.substring(0, colon).trim();
            FieldType type = parse(item.substring(colon + 1));
            if (field.isEmpty() || type == null) {
                throw new ConfigException(configName, items, "item '" + item + "' has an unknown type; types are "
                        + names());
            }
            if (out.put(field, type) != null) {
                throw new ConfigException(configName, items, "field '" + field + "' is typed more than once");
            }
        }
        return out;
    }

    /** A short description of a value's Java type for error messages. */
    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof CharSequence) {
            String s = v.toString();
            return "string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
        if (v instanceof Map || v instanceof Struct) {
            return "map";
        }
        if (v instanceof List) {
            return "array";
        }
        if (v instanceof byte[]) {
            return "bytes (" + ((byte[]) v).length + " bytes)";
        }
        if (v instanceof ByteBuffer) {
            return "bytes (" + ((ByteBuffer) v).remaining() + " bytes)";
        }
        if (v instanceof Date) {
            return "timestamp";
        }
        return v.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + v;
    }
}
