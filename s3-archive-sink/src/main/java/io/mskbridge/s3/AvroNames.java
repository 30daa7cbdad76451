package io.mskbridge.s3;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import io.apicurio.registry.utils.converter.avro.AvroData;

/**
 * Connect schemas against Avro's naming rules, before {@link AvroData} converts them: names a field Avro would
 * reject (so the record error says which one), finds the empty structs Parquet cannot store, and scrubs invalid
 * names when {@code s3.avro.scrub.invalid.names} is on.
 *
 * <p>Apicurio's AvroData has the scrub rule, but the version bundled (2.6) offers no setting that switches it on,
 * so the rule is applied here to a copy of the Connect schema and value, with AvroData's own function.
 */
final class AvroNames {

    /** Avro's rule for record and field names (one component of a full name). */
    private static final Pattern VALID = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private AvroNames() {
    }

    static boolean valid(String name) {
        return VALID.matcher(name).matches();
    }

    /** AvroData's scrub rule: URL-encoded, invalid characters replaced by _, prefixed when it starts badly. */
    static String scrub(String name) {
        return valid(name) ? name : ApicurioNames.scrub(name);
    }

    /** The path of the first field (or struct name) Avro rejects, with what is wrong; null when all are valid. */
    static String invalidName(Schema s) {
        return firstProblem(s, "", (struct, path) -> {
            if (struct.name() != null && !validFullName(struct.name())) {
                return "struct name '" + struct.name() + "'" + at(path);
            }
            for (Field f : struct.fields()) {
                if (!valid(f.name())) {
                    return "field '" + join(path, f.name()) + "'";
                }
            }
            return null;
        });
    }

    /** The path of the first struct without fields (Parquet cannot store an empty group); null when none. */
    static String emptyStruct(Schema s) {
        return firstProblem(s, "", (struct, path) -> !struct.fields().isEmpty() ? null
                : path.isEmpty() ? "the value" : "field '" + path + "'");
    }

    /** What is wrong with one struct (not its children), or null. */
    @FunctionalInterface
    private interface StructCheck {
        String problem(Schema struct, String path);
    }

    /** The first problem {@code check} finds in the structs of {@code s}, depth-first; null when none. */
    private static String firstProblem(Schema s, String path, StructCheck check) {
        switch (s.type()) {
            case STRUCT:
                String own = check.problem(s, path);
                if (own != null) {
                    return own;
                }
                for (Field f : s.fields()) {
                    String inner = firstProblem(f.schema(), join(path, f.name()), check);
                    if (inner != null) {
                        return inner;
                    }
                }
                return null;
            case ARRAY:
                return firstProblem(s.valueSchema(), path + "[]", check);
            case MAP:
                String k = firstProblem(s.keySchema(), path + "{key}", check);
                return k != null ? k : firstProblem(s.valueSchema(), path + "{}", check);
            default:
                return null;
        }
    }

    /**
     * A copy of {@code s} whose struct and field names Avro accepts, or {@code s} itself when they all do.
     * Defaults of struct, array and map schemas are not carried over (primitive fields keep theirs).
     *
     * @throws DataException when two fields of one struct scrub to the same name
     */
    static Schema scrubbed(Schema s) {
        return invalidName(s) == null ? s : scrub(s, "");
    }

    private static Schema scrub(Schema s, String path) {
        SchemaBuilder b;
        switch (s.type()) {
            case STRUCT:
                b = SchemaBuilder.struct();
                if (s.name() != null) {
                    b.name(scrubFullName(s.name()));
                }
                Map<String, String> taken = new HashMap<>();
                for (Field f : s.fields()) {
                    String name = scrub(f.name());
                    if (!valid(name)) {
                        throw new DataException("field '" + join(path, f.name()) + "' has no valid Avro name even "
                                + "scrubbed ('" + name + "'); rename it (e.g. with a ReplaceField transform)");
                    }
                    String before = taken.putIfAbsent(name, f.name());
                    if (before != null) {
                        throw new DataException("fields '" + join(path, before) + "' and '" + join(path, f.name())
                                + "' both scrub to the Avro name '" + name + "'; rename one (e.g. with a "
                                + "ReplaceField transform)");
                    }
                    b.field(name, scrub(f.schema(), join(path, f.name())));
                }
                break;
            case ARRAY:
                b = SchemaBuilder.array(scrub(s.valueSchema(), path + "[]")).name(s.name());
                break;
            case MAP:
                b = SchemaBuilder.map(scrub(s.keySchema(), path + "{key}"), scrub(s.valueSchema(), path + "{}"))
                        .name(s.name());
                break;
            default:
                return s;
        }
        b.version(s.version()).doc(s.doc());
        if (s.parameters() != null) {
            b.parameters(s.parameters());
        }
        if (s.isOptional()) {
            b.optional();
        }
        return b.build();
    }

    /** {@code value} of schema {@code from} as a value of {@code to}, made from it by {@link #scrubbed}. */
    static Object convert(Schema from, Schema to, Object value) {
        if (value == null || from == to) {
            return value;
        }
        switch (from.type()) {
            case STRUCT:
                Struct in = (Struct) value;
                Struct out = new Struct(to);
                List<Field> targets = to.fields();
                for (int i = 0; i < targets.size(); i++) {
                    Field f = from.fields().get(i);
                    out.put(targets.get(i), convert(f.schema(), targets.get(i).schema(), in.get(f)));
                }
                return out;
            case ARRAY:
                List<Object> list = new ArrayList<>();
                for (Object o : (List<?>) value) {
                    list.add(convert(from.valueSchema(), to.valueSchema(), o));
                }
                return list;
            case MAP:
                Map<Object, Object> map = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    map.put(convert(from.keySchema(), to.keySchema(), e.getKey()),
                            convert(from.valueSchema(), to.valueSchema(), e.getValue()));
                }
                return map;
            default:
                return value;
        }
    }

    private static boolean validFullName(String name) {
        for (String part : name.split("\\.", -1)) {
            if (!valid(part)) {
                return false;
            }
        }
        return true;
    }

    private static String scrubFullName(String name) {
        String[] parts = name.split("\\.", -1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = scrub(parts[i].isEmpty() ? "_" : parts[i]);
        }
        return String.join(".", parts);
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String at(String path) {
        return path.isEmpty() ? " of the value" : " at '" + path + "'";
    }

    /** Reaches AvroData's protected scrub function; never instantiated. */
    private static final class ApicurioNames extends AvroData {
        private ApicurioNames() {
            super(1);
        }

        static String scrub(String name) {
            return doScrubName(name);
        }
    }
}
