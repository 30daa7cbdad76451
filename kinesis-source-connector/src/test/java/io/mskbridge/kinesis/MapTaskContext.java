package io.mskbridge.kinesis;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * Stands in for a worker's task context in unit tests: its offset reader answers from a map of committed
 * offsets that the test fills (and may change while the task runs, as offset flushes would).
 */
final class MapTaskContext implements SourceTaskContext {

    private final Map<String, String> configs;
    private final Map<Map<String, Object>, Map<String, Object>> committed;

    MapTaskContext(Map<String, String> configs, Map<Map<String, Object>, Map<String, Object>> committed) {
        this.configs = configs;
        this.committed = committed;
    }

    @Override
    public Map<String, String> configs() {
        return configs;
    }

    @Override
    public OffsetStorageReader offsetStorageReader() {
        return reader(committed);
    }

    /** An offset reader answering from {@code committed} (a connector's context has one too). */
    static OffsetStorageReader reader(Map<Map<String, Object>, Map<String, Object>> committed) {
        return new OffsetStorageReader() {
            @Override
            public <T> Map<String, Object> offset(Map<String, T> partition) {
                return committed.get(new HashMap<String, Object>(partition));
            }

            @Override
            public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                Map<Map<String, T>, Map<String, Object>> out = new HashMap<>();
                for (Map<String, T> p : partitions) {
                    Map<String, Object> o = offset(p);
                    if (o != null) {
                        out.put(p, o);
                    }
                }
                return out;
            }
        };
    }
}
