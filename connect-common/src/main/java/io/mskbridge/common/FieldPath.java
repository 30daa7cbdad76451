package io.mskbridge.common;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * A dotted path into a Connect record value ({@code metadata.device}), parsed once and then applied per
 * record on the hot path without any string work. Each segment steps into a {@link Struct} field or a
 * {@link Map} entry, so Struct and Map levels may be mixed (schemaless JSON gives Maps, Avro gives
 * Structs).
 *
 * <p>{@link #get(Object)} distinguishes a path that does not exist ({@link #ABSENT}) from one that exists
 * and holds {@code null}. A path through a {@code null}, a missing field/key, or a non-container value
 * (e.g. {@code a.b} where {@code a} is a string) is absent.
 *
 * <p>A literal dot inside a segment is written {@code \.} and a literal backslash {@code \\}.
 * Instances are immutable and thread-safe.
 */
public final class FieldPath {

    /** Returned by {@link #get(Object)} when the path does not exist in the value. */
    public static final Object ABSENT = new Object() {
        @Override
        public String toString() {
            return "<absent>";
        }
    };

    // Templates and configs reuse a handful of paths; bounded so hostile input cannot grow it forever.
    private static final int CACHE_LIMIT = 4096;
    private static final Map<String, FieldPath> CACHE = new ConcurrentHashMap<>();

    private final String path;
    private final String[] segments;

    private FieldPath(String path, String[] segments) {
        this.path = path;
        this.segments = segments;
    }

    /**
     * Parses (or returns the cached) path.
     *
     * @throws IllegalArgumentException for an empty path or an empty segment ({@code a..b}, {@code .a})
     */
    public static FieldPath of(String path) {
        FieldPath cached = CACHE.get(path);
        if (cached != null) {
            return cached;
        }
        FieldPath parsed = new FieldPath(path, parse(path));
        if (CACHE.size() < CACHE_LIMIT) {
            CACHE.putIfAbsent(path, parsed);
        }
        return parsed;
    }

    private static String[] parse(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("Field path must not be empty");
        }
        List<String> out = new ArrayList<>();
        StringBuilder seg = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\') {
                if (i + 1 >= path.length() || (path.charAt(i + 1) != '.' && path.charAt(i + 1) != '\\')) {
                    throw new IllegalArgumentException("Invalid escape at position " + i + " in field path '" + path
                            + "': only \\. and \\\\ are allowed");
                }
                seg.append(path.charAt(++i));
            } else if (c == '.') {
                endSegment(path, i, seg, out);
            } else {
                seg.append(c);
            }
        }
        endSegment(path, path.length(), seg, out);
        return out.toArray(new String[0]);
    }

    private static void endSegment(String path, int pos, StringBuilder seg, List<String> out) {
        if (seg.length() == 0) {
            throw new IllegalArgumentException("Empty segment at position " + pos + " in field path '" + path + "'");
        }
        out.add(seg.toString());
        seg.setLength(0);
    }

    /**
     * The value at this path, {@code null} if present but null, or {@link #ABSENT}.
     *
     * @param value a record value (or key): Struct, Map, or anything else (then the path is absent)
     */
    public Object get(Object value) {
        Object current = value;
        for (String segment : segments) {
            if (current instanceof Struct) {
                Struct struct = (Struct) current;
                Field field = struct.schema().field(segment);
                if (field == null) {
                    return ABSENT;
                }
                current = struct.get(field);
            } else if (current instanceof Map) {
                Map<?, ?> map = (Map<?, ?>) current;
                Object next = map.get(segment);
                // Only pay for containsKey when the value is null, to tell "null" from "missing".
                if (next == null && !map.containsKey(segment)) {
                    return ABSENT;
                }
                current = next;
            } else {
                return ABSENT;
            }
        }
        return current;
    }

    /** The value at this path, or {@code null} when absent or null. */
    public Object getOrNull(Object value) {
        Object v = get(value);
        return v == ABSENT ? null : v;
    }

    /** Whether a result of {@link #get(Object)} means "absent". */
    public static boolean isAbsent(Object result) {
        return result == ABSENT;
    }

    /** The parsed segments (unescaped). */
    public List<String> segments() {
        return List.of(segments);
    }

    /** The path as written. */
    public String path() {
        return path;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldPath && Arrays.equals(segments, ((FieldPath) o).segments);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(segments);
    }

    @Override
    public String toString() {
        return path;
    }
}
