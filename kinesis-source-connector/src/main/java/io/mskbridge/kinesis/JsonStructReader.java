package io.mskbridge.kinesis;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.apicurio.registry.utils.converter.avro.AvroData;

/**
 * Reads JSON payloads into Connect {@link Struct}s of a Connect schema that Apicurio's {@link AvroData} made from
 * the Avro record schema in {@code kinesis.payload.schema}. The Connect schema is built once; per record the JSON
 * is parsed (Jackson, numbers with floating point kept as exact {@link BigDecimal}s so decimals never pass through
 * a double) and the Struct is built by walking the schema.
 *
 * <p>Rules: unknown JSON fields are ignored; an absent field takes its schema default, else null when optional,
 * else it is an error; JSON null is allowed only for optional fields. Decimals come from a JSON number or a
 * numeric string and must fit the scale exactly; timestamps from epoch millis or an ISO-8601 instant/offset
 * date-time; dates from days since the epoch or {@code yyyy-MM-dd}; times from millis of the day or
 * {@code HH:mm:ss[.SSS]}; bytes from base64 text; enums from one of their symbols. A payload that does not fit
 * raises {@link Mismatch} naming the JSON path of the field and the reason.
 *
 * <p>Immutable and thread-safe (Jackson's mapper is), so one instance serves every shard of a task.
 */
final class JsonStructReader {

    /** The JSON text is not valid JSON. */
    static final class InvalidJson extends Exception {
        InvalidJson(String message) {
            super(message);
        }
    }

    /** Valid JSON that does not fit the schema; {@link #path()} is where (e.g. {@code $.items[2].price}). */
    static final class Mismatch extends Exception {
        private final String path;
        private final String reason;

        Mismatch(String path, String reason) {
            super(path + ": " + reason);
            this.path = path;
            this.reason = reason;
        }

        String path() {
            return path;
        }

        String reason() {
            return reason;
        }
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private final Schema schema;

    private JsonStructReader(Schema schema) {
        this.schema = schema;
    }

    /** The reader for an Avro record schema; conversion of the schema is done here, once. */
    static JsonStructReader forAvroSchema(org.apache.avro.Schema avro) {
        if (avro.getType() != org.apache.avro.Schema.Type.RECORD) {
            throw new IllegalArgumentException("Not an Avro record schema: " + avro.getType());
        }
        Schema connect = new AvroData(1).toConnectSchema(avro);
        return new JsonStructReader(connect);
    }

    /** The Connect schema of every value this reader returns. */
    Schema schema() {
        return schema;
    }

    Struct read(byte[] json) throws InvalidJson, Mismatch {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidJson(e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidJson(String.valueOf(e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidJson("no JSON content");
        }
        if (!root.isObject()) {
            throw new Mismatch("$", "expected a JSON object for record " + schema.name() + ", got " + kind(root));
        }
        return (Struct) convert(schema, root, "$");
    }

    private static Object convert(Schema s, JsonNode n, String path) throws Mismatch {
        if (n == null || n.isNull()) {
            if (s.isOptional()) {
                return null;
            }
            throw new Mismatch(path, "null for a required field");
        }
        String logical = s.name();
        if (logical != null) {
            switch (logical) {
                case org.apache.kafka.connect.data.Decimal.LOGICAL_NAME:
                    return decimal(s, n, path);
                case org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME:
                    return timestamp(n, path);
                case org.apache.kafka.connect.data.Date.LOGICAL_NAME:
                    return date(n, path);
                case org.apache.kafka.connect.data.Time.LOGICAL_NAME:
                    return time(n, path);
                default:
                    break;
            }
        }
        switch (s.type()) {
            case INT8:
                return (byte) integral(n, path, Byte.MIN_VALUE, Byte.MAX_VALUE, "int8");
            case INT16:
                return (short) integral(n, path, Short.MIN_VALUE, Short.MAX_VALUE, "int16");
            case INT32:
                return (int) integral(n, path, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
            case INT64:
                return integral(n, path, Long.MIN_VALUE, Long.MAX_VALUE, "long");
            case FLOAT32:
                return (float) number(n, path);
            case FLOAT64:
                return number(n, path);
            case BOOLEAN:
                if (!n.isBoolean()) {
                    throw new Mismatch(path, "expected a boolean, got " + kind(n));
                }
                return n.booleanValue();
            case STRING:
                if (!n.isTextual()) {
                    throw new Mismatch(path, "expected a string, got " + kind(n));
                }
                return enumSymbol(s, n.textValue(), path);
            case BYTES:
                if (!n.isTextual()) {
                    throw new Mismatch(path, "expected base64 text for bytes, got " + kind(n));
                }
                try {
                    return Base64.getDecoder().decode(n.textValue());
                } catch (IllegalArgumentException e) {
                    throw new Mismatch(path, "not base64: " + e.getMessage());
                }
            case ARRAY:
                return array(s, n, path);
            case MAP:
                return map(s, n, path);
            case STRUCT:
                if (AvroData.AVRO_TYPE_UNION.equals(s.name()) || AvroData.GENERALIZED_TYPE_UNION.equals(s.name())) {
                    return union(s, n, path);
                }
                return struct(s, n, path);
            default:
                throw new Mismatch(path, "unsupported Connect type " + s.type());
        }
    }

    private static Struct struct(Schema s, JsonNode n, String path) throws Mismatch {
        if (!n.isObject()) {
            throw new Mismatch(path, "expected a JSON object for record " + s.name() + ", got " + kind(n));
        }
        Struct out = new Struct(s);
        for (Field f : s.fields()) {
            String fp = path + "." + f.name();
            JsonNode v = n.get(f.name());
            Object value;
            if (v == null) {
                if (f.schema().defaultValue() != null) {
                    value = f.schema().defaultValue();
                } else if (f.schema().isOptional()) {
                    value = null;
                } else {
                    throw new Mismatch(fp, "required field is missing");
                }
            } else {
                value = convert(f.schema(), v, fp);
            }
            out.put(f, value);
        }
        return out;
    }

    private static List<Object> array(Schema s, JsonNode n, String path) throws Mismatch {
        if (!n.isArray()) {
            throw new Mismatch(path, "expected a JSON array, got " + kind(n));
        }
        List<Object> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            out.add(convert(s.valueSchema(), n.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    private static Map<Object, Object> map(Schema s, JsonNode n, String path) throws Mismatch {
        Map<Object, Object> out = new HashMap<>();
        if (s.keySchema().type() == Schema.Type.STRING && n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), convert(s.valueSchema(), e.getValue(), path + "." + e.getKey()));
            }
            return out;
        }
        if (s.keySchema().type() != Schema.Type.STRING && n.isArray()) {
            // Avro has string keys only; AvroData gives other key types for arrays of {key, value} records.
            for (int i = 0; i < n.size(); i++) {
                JsonNode e = n.get(i);
                String ep = path + "[" + i + "]";
                if (!e.isObject()) {
                    throw new Mismatch(ep, "expected a {\"key\":…,\"value\":…} object, got " + kind(e));
                }
                out.put(convert(s.keySchema(), e.get(AvroData.KEY_FIELD), ep + ".key"),
                        convert(s.valueSchema(), e.get(AvroData.VALUE_FIELD), ep + ".value"));
            }
            return out;
        }
        throw new Mismatch(path, "expected a JSON " + (s.keySchema().type() == Schema.Type.STRING ? "object"
                : "array of {key, value} objects") + " for a map, got " + kind(n));
    }

    /** A non-nullable Avro union: the first branch the JSON fits, in schema order. */
    private static Struct union(Schema s, JsonNode n, String path) throws Mismatch {
        List<String> tried = new ArrayList<>();
        for (Field f : s.fields()) {
            try {
                Object v = convert(f.schema(), n, path);
                Struct out = new Struct(s);
                out.put(f, v);
                return out;
            } catch (Mismatch m) {
                tried.add(f.name());
            }
        }
        throw new Mismatch(path, "fits none of the union branches " + tried + ", got " + kind(n));
    }

    private static long integral(JsonNode n, String path, long min, long max, String type) throws Mismatch {
        if (!n.isIntegralNumber()) {
            throw new Mismatch(path, "expected an integer (" + type + "), got " + kind(n));
        }
        if (!n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            throw new Mismatch(path, n.asText() + " is out of range for " + type);
        }
        return n.longValue();
    }

    private static double number(JsonNode n, String path) throws Mismatch {
        if (!n.isNumber()) {
            throw new Mismatch(path, "expected a number, got " + kind(n));
        }
        return n.doubleValue();
    }

    private static String enumSymbol(Schema s, String v, String path) throws Mismatch {
        Map<String, String> params = s.parameters();
        if (params == null || !params.containsKey(AvroData.AVRO_TYPE_ENUM)) {
            return v;
        }
        if (!params.containsKey(AvroData.AVRO_TYPE_ENUM + "." + v)) {
            throw new Mismatch(path, "'" + v + "' is not a symbol of enum " + params.get(AvroData.AVRO_TYPE_ENUM));
        }
        return v;
    }

    private static BigDecimal decimal(Schema s, JsonNode n, String path) throws Mismatch {
        BigDecimal d;
        if (n.isNumber()) {
            // DecimalNode/BigIntegerNode/IntNode/LongNode: exact (floats are parsed as BigDecimal, see MAPPER)
            d = n.decimalValue();
        } else if (n.isTextual()) {
            try {
                d = new BigDecimal(n.textValue().trim());
            } catch (NumberFormatException e) {
                throw new Mismatch(path, "'" + n.textValue() + "' is not a decimal number");
            }
        } else {
            throw new Mismatch(path, "expected a decimal number or numeric string, got " + kind(n));
        }
        int scale = Integer.parseInt(s.parameters().get(org.apache.kafka.connect.data.Decimal.SCALE_FIELD));
        try {
            d = d.setScale(scale, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new Mismatch(path, d.toPlainString() + " has more than " + scale + " decimal place(s)");
        }
        String precision = s.parameters().get("connect.decimal.precision");
        if (precision != null && d.precision() > Integer.parseInt(precision)) {
            throw new Mismatch(path, d.toPlainString() + " has more than " + precision + " digit(s)");
        }
        return d;
    }

    private static Date timestamp(JsonNode n, String path) throws Mismatch {
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return new Date(n.longValue());
        }
        if (n.isTextual()) {
            String t = n.textValue().trim();
            try {
                return Date.from(OffsetDateTime.parse(t).toInstant());
            } catch (DateTimeException e) {
                try {
                    return Date.from(Instant.parse(t));
                } catch (DateTimeException e2) {
                    throw new Mismatch(path, "'" + t + "' is not an ISO-8601 timestamp such as "
                            + "2026-11-22T04:00:00Z");
                }
            } catch (ArithmeticException e) {
                throw new Mismatch(path, "'" + t + "' is out of range for a timestamp");
            }
        }
        throw new Mismatch(path, "expected epoch milliseconds or an ISO-8601 timestamp, got " + kind(n));
    }

    private static Date date(JsonNode n, String path) throws Mismatch {
        long days;
        if (n.isIntegralNumber() && n.canConvertToInt()) {
            days = n.intValue();
        } else if (n.isTextual()) {
            try {
                days = LocalDate.parse(n.textValue().trim()).toEpochDay();
            } catch (DateTimeException e) {
                throw new Mismatch(path, "'" + n.textValue() + "' is not an ISO-8601 date such as 2026-11-22");
            }
        } else {
            throw new Mismatch(path, "expected days since the epoch or an ISO-8601 date, got " + kind(n));
        }
        return new Date(days * 86_400_000L);
    }

    private static Date time(JsonNode n, String path) throws Mismatch {
        long millis;
        if (n.isIntegralNumber() && n.canConvertToInt()) {
            millis = n.intValue();
        } else if (n.isTextual()) {
            try {
                millis = LocalTime.parse(n.textValue().trim()).toNanoOfDay() / 1_000_000L;
            } catch (DateTimeException e) {
                throw new Mismatch(path, "'" + n.textValue() + "' is not an ISO-8601 time such as 04:00:00.250");
            }
        } else {
            throw new Mismatch(path, "expected milliseconds of the day or an ISO-8601 time, got " + kind(n));
        }
        if (millis < 0 || millis >= 86_400_000L) {
            throw new Mismatch(path, millis + " is not a time of day in milliseconds");
        }
        return new Date(millis);
    }

    private static String kind(JsonNode n) {
        if (n.isNumber()) {
            return "number " + n.asText();
        }
        if (n.isTextual()) {
            String t = n.textValue();
            return "string \"" + (t.length() > 40 ? t.substring(0, 40) + "…" : t) + "\"";
        }
        return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
