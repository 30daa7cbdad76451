package io.mskbridge.smt;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * What every transform's configuration does alike: parse against its ConfigDef, read field-name keys trimmed,
 * and, when it defines {@code on.invalid}, refuse to route invalid records back to their own topic.
 */
abstract class TransformConfig extends AbstractConfig {

    TransformConfig(ConfigDef def, Map<?, ?> originals) {
        super(def, originals, false);
        if (def.configKeys().containsKey(InvalidRecordHandler.ON_INVALID_CONFIG)) {
            InvalidRecordHandler.requireRouteTopic(this);
        }
    }

    /** A field-name key's value, trimmed. */
    String field(String key) {
        return getString(key).trim();
    }

    /** An optional field-name key's value, trimmed; empty when its feature is off. */
    String optionalField(String key) {
        String s = getString(key);
        return s == null ? "" : s.trim();
    }

    /** A list key's items, each trimmed. */
    List<String> trimmedList(String key) {
        return getList(key).stream().map(String::trim).collect(Collectors.toList());
    }
}
