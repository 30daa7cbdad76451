package io.mskbridge.smt;

import java.util.Map;

import org.apache.kafka.connect.data.Struct;

/**
 * A record value read by top-level field name, the same way whether it is a schemaless {@code Map} or a
 * {@code Struct}, so each transform states its rule once instead of once per value kind.
 */
final class ValueFields {

    private final Map<String, Object> map;
    private final Struct struct;

    private ValueFields(Map<String, Object> map, Struct struct) {
        this.map = map;
        this.struct = struct;
    }

    static ValueFields of(Map<String, Object> map) {
        return new ValueFields(map, null);
    }

    static ValueFields of(Struct struct) {
        return new ValueFields(null, struct);
    }

    /**
     * The field's value, null when it is absent or null. A Struct field falls back to its schema default, as
     * {@link Struct#get(String)} does.
     */
    Object get(String name) {
        return struct == null ? map.get(name) : StructSchemas.get(struct, name);
    }

    /** Whether the field exists at all, null or not: a key of the Map, a field of the Struct's schema. */
    boolean has(String name) {
        return struct == null ? map.containsKey(name) : struct.schema().field(name) != null;
    }

    boolean hasSchema() {
        return struct != null;
    }

    /** The schemaless value; only when {@link #hasSchema()} is false. */
    Map<String, Object> map() {
        return map;
    }

    /** The Struct value; only when {@link #hasSchema()} is true. */
    Struct struct() {
        return struct;
    }
}
