package io.mskbridge.smt;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link FraudFlag}'s per-key histories in one task, bounded: beyond {@code maxKeys} the least recently seen key
 * is evicted, and its history restarts when it comes back. Not thread-safe, like the transform that owns it.
 */
final class KeyHistories {

    private final int timeCapacity;
    private final int amountCapacity;
    private final Map<Object, KeyHistory> byKey;

    /**
     * @param timeCapacity   event times each history keeps (0 when the velocity rule is off)
     * @param amountCapacity amounts each history keeps (0 when the zscore rule is off)
     */
    KeyHistories(int maxKeys, int timeCapacity, int amountCapacity) {
        this.timeCapacity = timeCapacity;
        this.amountCapacity = amountCapacity;
        // Access order makes the eldest entry the least recently seen key; the initial capacity is capped so a
        // large maxKeys costs no memory up front.
        this.byKey = new LinkedHashMap<>(Math.min(maxKeys, 1024), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, KeyHistory> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /**
     * The history of {@code key}, empty on first sight. Text keys are compared by content, so a String and a
     * StringBuilder holding the same characters share one history.
     */
    KeyHistory of(Object key) {
        Object k = key instanceof CharSequence ? key.toString() : key;
        KeyHistory history = byKey.get(k);
        if (history == null) {
            history = new KeyHistory(timeCapacity, amountCapacity);
            byKey.put(k, history);
        }
        return history;
    }

    int size() {
        return byKey.size();
    }

    void clear() {
        byKey.clear();
    }
}
