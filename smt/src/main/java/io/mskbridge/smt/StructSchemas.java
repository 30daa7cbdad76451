package io.mskbridge.smt;

import java.util.List;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.util.SchemaUtil;

/** Derives Struct schemas with added output fields, and copies values into them. */
final class StructSchemas {

    private StructSchemas() {
    }

    /**
     * {@code base} with the given fields appended; a field that already exists keeps its position but takes
     * the new schema (the transform overwrites it), so re-running a chain is idempotent.
     */
    static Schema extend(Schema base, String[] names, Schema[] schemas) {
        if (base.type() != Schema.Type.STRUCT) {
            throw new DataException("expected a STRUCT value schema but got " + base.type());
        }
        SchemaBuilder builder = SchemaUtil.copySchemaBasics(base, SchemaBuilder.struct());
        boolean[] present = new boolean[names.length];
        for (Field f : base.fields()) {
            Schema s = f.schema();
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(f.name())) {
                    s = schemas[i];
                    present[i] = true;
                }
            }
            builder.field(f.name(), s);
        }
        for (int i = 0; i < names.length; i++) {
            if (!present[i]) {
                builder.field(names[i], schemas[i]);
            }
        }
        return builder.build();
    }

    /**
     * Copies {@code value} into a new Struct of {@code updated} (built by {@link #extend}); fields whose
     * schema was replaced are left for the caller to set.
     */
    static Struct copy(Struct value, Schema updated) {
        Struct out = new Struct(updated);
        List<Field> src = value.schema().fields();
        List<Field> dst = updated.fields();
        for (int i = 0, n = src.size(); i < n; i++) {
            Field from = src.get(i);
            Field to = dst.get(i);
            if (to.schema() != from.schema()) {
                continue;
            }
            Object v = value.get(from);
            if (v != null) {
                out.put(to, v);
            }
        }
        return out;
    }

    /** A field's value, or null when the schema has no such field. */
    static Object get(Struct value, String name) {
        Field f = value.schema().field(name);
        return f == null ? null : value.get(f);
    }
}
