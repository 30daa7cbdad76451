package io.mskbridge.kinesis;

import java.util.HashMap;
import java.util.Map;

/**
 * Source partition and offset maps. Always {@link HashMap} (docs/ARCHITECTURE.md, Offsets): Connect keys
 * stored offsets by the partition's serialized JSON, and {@code Map.of} iteration order differs between JVMs.
 *
 * <p>Offset: {@code sequence} (Kinesis sequence number of the last delivered record), {@code sub_sequence}
 * (index of the last delivered user record inside a KPL aggregate; 0 for plain records) and
 * {@code finished} (true on the last record of a shard that was closed by resharding) and, with
 * {@code kinesis.position=LATEST}, {@code latest_ms}: the moment the connector resolved LATEST to (epoch millis),
 * so that a restarted connector keeps starting the shards that have no offset yet at that moment.
 */
final class Offsets {

    static final String STREAM = "stream";
    static final String SHARD = "shard";
    static final String SEQUENCE = "sequence";
    static final String SUB_SEQUENCE = "sub_sequence";
    static final String FINISHED = "finished";
    static final String LATEST_MS = "latest_ms";

    private Offsets() {
    }

    static Map<String, Object> partition(String stream, String shardId) {
        Map<String, Object> m = new HashMap<>();
        m.put(STREAM, stream);
        m.put(SHARD, shardId);
        return m;
    }

    static Map<String, Object> offset(String sequence, long subSequence, boolean finished) {
        return offset(sequence, subSequence, finished, null);
    }

    /** @param latestMs the resolved LATEST moment, or null when the position is not LATEST */
    static Map<String, Object> offset(String sequence, long subSequence, boolean finished, Long latestMs) {
        Map<String, Object> m = new HashMap<>();
        m.put(SEQUENCE, sequence);
        m.put(SUB_SEQUENCE, subSequence);
        m.put(FINISHED, finished);
        if (latestMs != null) {
            m.put(LATEST_MS, latestMs);
        }
        return m;
    }

    /** A stored position, parsed defensively (offsets may have been edited through the REST API). */
    record Position(String sequence, long subSequence, boolean finished, Long latestMs) {

        Position(String sequence, long subSequence, boolean finished) {
            this(sequence, subSequence, finished, null);
        }

        static Position from(Map<String, Object> offset) {
            if (offset == null) {
                return null;
            }
            Object seq = offset.get(SEQUENCE);
            Object sub = offset.get(SUB_SEQUENCE);
            Object fin = offset.get(FINISHED);
            Object latest = offset.get(LATEST_MS);
            return new Position(seq == null ? null : seq.toString(),
                    sub instanceof Number ? ((Number) sub).longValue() : 0L,
                    Boolean.TRUE.equals(fin) || "true".equals(String.valueOf(fin)),
                    latest instanceof Number ? ((Number) latest).longValue() : null);
        }
    }
}
