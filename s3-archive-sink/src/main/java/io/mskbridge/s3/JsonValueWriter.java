package io.mskbridge.s3;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.errors.DataException;

import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Writes Connect values as plain JSON (no schema envelope) with a deterministic byte output: Struct fields in
 * schema order, map entries sorted by key (schemaless maps come from HashMaps whose order is arbitrary), so the
 * same record always serializes to the same bytes, which the exactly-once object rewrite relies on.
 *
 * <p>Like Connect's JsonConverter: bytes as base64, Date as days since the epoch, Time as milliseconds of the
 * day, Timestamp as epoch milliseconds; Decimal as a JSON number (not JsonConverter's base64 default, which
 * archives poorly).
 */
final class JsonValueWriter {

    private JsonValueWriter() {
    }

    static void write(JsonGenerator g, Schema schema, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
            return;
        }
        if (value instanceof Struct) {
            Struct s = (Struct) value;
            g.writeStartObject();
            for (Field f : s.schema().fields()) {
                g.writeFieldName(f.name());
                write(g, f.schema(), s.get(f));
            }
            g.writeEndObject();
        } else if (value instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) value;
            Schema vs = schema == null || schema.type() != Schema.Type.MAP ? null : schema.valueSchema();
            TreeMap<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sorted.put(String.valueOf(e.getKey()), e.getValue());
            }
            g.writeStartObject();
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                g.writeFieldName(e.getKey());
                write(g, vs, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof Collection) {
            Schema es = schema == null || schema.type() != Schema.Type.ARRAY ? null : schema.valueSchema();
            g.writeStartArray();
            for (Object o : (Collection<?>) value) {
                write(g, es, o);
            }
            g.writeEndArray();
        } else if (value instanceof String) {
            g.writeString((String) value);
        } else if (value instanceof Boolean) {
            g.writeBoolean((Boolean) value);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            g.writeNumber(((Number) value).intValue());
        } else if (value instanceof Long) {
            g.writeNumber((Long) value);
        } else if (value instanceof Float) {
            g.writeNumber((Float) value);
        } else if (value instanceof Double) {
            g.writeNumber((Double) value);
        } else if (value instanceof BigDecimal) {
            g.writeNumber((BigDecimal) value);
        } else if (value instanceof Number) {
            g.writeNumber(value.toString());
        } else if (value instanceof byte[]) {
            g.writeString(Base64.getEncoder().encodeToString((byte[]) value));
        } else if (value instanceof ByteBuffer) {
            ByteBuffer b = ((ByteBuffer) value).duplicate();
            byte[] a = new byte[b.remaining()];
            b.get(a);
            g.writeString(Base64.getEncoder().encodeToString(a));
        } else if (value instanceof java.util.Date) {
            String name = schema == null ? null : schema.name();
            java.util.Date d = (java.util.Date) value;
            if (Date.LOGICAL_NAME.equals(name)) {
                g.writeNumber(Date.fromLogical(schema, d));
            } else if (Time.LOGICAL_NAME.equals(name)) {
                g.writeNumber(Time.fromLogical(schema, d));
            } else {
                g.writeNumber(d.getTime());
            }
        } else if (value instanceof List) {
            throw new IllegalStateException("unreachable");
        } else {
            throw new DataException("Cannot write a " + value.getClass().getName() + " as JSON");
        }
    }
}
