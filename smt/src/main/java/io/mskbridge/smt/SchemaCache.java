package io.mskbridge.smt;

import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.connect.data.Schema;

/**
 * Derived Struct schemas: a bounded {@code SynchronizedCache(LRUCache(16))} as in Kafka's InsertField, behind
 * an identity check on the last input schema. Converters hand out the same Schema instance for every record
 * of a schema, and {@code ConnectSchema.hashCode()} walks every field on every call, which otherwise costs
 * more than the transform itself.
 */
final class SchemaCache {

    private static final class Entry {
        final Schema input;
        final Schema output;

        Entry(Schema input, Schema output) {
            this.input = input;
            this.output = output;
        }
    }

    private final Cache<Schema, Schema> cache = new SynchronizedCache<>(new LRUCache<>(16));
    private volatile Entry last;

    /** The derived schema of {@code input}, or null when it has not been derived yet. */
    Schema get(Schema input) {
        Entry e = last;
        if (e != null && e.input == input) {
            return e.output;
        }
        Schema output = cache.get(input);
        if (output != null) {
            last = new Entry(input, output);
        }
        return output;
    }

    void put(Schema input, Schema output) {
        cache.put(input, output);
        last = new Entry(input, output);
    }

    int size() {
        return (int) cache.size();
    }
}
