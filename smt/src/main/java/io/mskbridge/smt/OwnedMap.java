package io.mskbridge.smt;

import java.util.HashMap;
import java.util.Map;

/**
 * A record value map created by one of these transforms for the record it returned. The next transform of
 * this pack in the same chain may add its fields to it in place instead of copying it again: Connect keeps
 * no reference to intermediate records of a transformation chain (retries restart from the record that
 * entered the failed stage, and these transforms only write after every check has passed). Maps from
 * converters or other transforms are always copied, so the converter's value is never modified.
 */
final class OwnedMap extends HashMap<String, Object> {

    private static final long serialVersionUID = 1L;

    private OwnedMap(Map<String, Object> source, int extra) {
        super((int) ((source.size() + extra) / 0.75f) + 1);
        putAll(source);
    }

    /** A map the caller may write {@code extra} fields to without affecting {@code value}'s other holders. */
    static Map<String, Object> writable(Map<String, Object> value, int extra) {
        return value instanceof OwnedMap ? value : new OwnedMap(value, extra);
    }
}
