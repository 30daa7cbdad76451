package io.mskbridge.smt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.util.SchemaUtil;

/** Derives Struct schemas with added output fields, and copies values into them. */
final class StructSchemas {

    /**
     * Struct's private value array, where this runtime lets us reach it (null otherwise: then values are copied
     * with {@code put}). {@code Struct.put} validates every value against its field schema, walking nested maps
     * and arrays; for a value taken from a Struct whose field has the very same schema object that is repeated
     * work, and it dominated the Struct path of a transform chain. Connect's classes and ours live in unnamed
     * modules, which are open to deep reflection.
     */
    private static final VarHandle VALUES = valuesHandle();

    private StructSchemas() {
    }

    private static VarHandle valuesHandle() {
        try {
            return MethodHandles.privateLookupIn(Struct.class, MethodHandles.lookup())
                    .findVarHandle(Struct.class, "values", Object[].class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another Connect version, or a security manager: the validating copy still works
        }
    }

    /** Whether {@link #copy} copies value arrays directly (for tests). */
    static boolean directCopy() {
        return VALUES != null;
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
        if (VALUES != null) {
            // Raw values, not get(): a null stays null (get() would materialize the field default), as in the source.
            Object[] from = (Object[]) VALUES.get(value);
            Object[] to = (Object[]) VALUES.get(out);
            for (int i = 0, n = src.size(); i < n; i++) {
                if (dst.get(i).schema() == src.get(i).schema()) {
                    to[i] = from[i];
                }
            }
            return out;
        }
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
