package io.mskbridge.smt;

import io.mskbridge.common.config.ConfigEnums;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Builds a transform's ConfigDef group by group. Keys are numbered in each group in the order they are defined,
 * so no definition repeats its group and position, and the kinds of key several transforms share (field names,
 * field lists, fractions, enum choices) are defined one way: same type, validator and width everywhere.
 */
final class ConfigDefBuilder {

    private final ConfigDef def = new ConfigDef();
    private String group;
    private int order;

    /** Starts a group: the keys defined next are its 1st, 2nd, ... */
    ConfigDefBuilder group(String name) {
        group = name;
        order = 0;
        return this;
    }

    ConfigDefBuilder define(String key, Type type, Object defaultValue, ConfigDef.Validator validator,
                            Importance importance, String doc, Width width, String displayName) {
        def.define(key, type, defaultValue, validator, importance, doc, group, ++order, width, displayName);
        return this;
    }

    /** A record field name the transform cannot do without; blank is rejected. */
    ConfigDefBuilder field(String key, String defaultName, Importance importance, String doc, String displayName) {
        return define(key, Type.STRING, defaultName, Validators.fieldName(), importance, doc, Width.MEDIUM,
                displayName);
    }

    /** A record field name that may be set empty to switch its feature off. */
    ConfigDefBuilder optionalField(String key, String defaultName, Importance importance, String doc,
                                   String displayName) {
        return define(key, Type.STRING, defaultName, Validators.optionalFieldName(), importance, doc, Width.MEDIUM,
                displayName);
    }

    /** A comma-separated list of distinct field names. */
    ConfigDefBuilder fieldList(String key, String defaultNames, Importance importance, String doc,
                               String displayName) {
        return define(key, Type.LIST, defaultNames, Validators.fieldNames(), importance, doc, Width.LONG, displayName);
    }

    /** A number in [0, 1]: a rule's weight or a score's penalty. */
    ConfigDefBuilder fraction(String key, double defaultValue, Importance importance, String doc,
                              String displayName) {
        return define(key, Type.DOUBLE, defaultValue, ConfigDef.Range.between(0.0, 1.0), importance, doc,
                Width.SHORT, displayName);
    }

    /** One constant of {@code type}, spelled as {@link ConfigEnums} reads it. */
    ConfigDefBuilder choice(String key, Class<? extends Enum<?>> type, String defaultValue, Importance importance,
                            String doc, String displayName) {
        return define(key, Type.STRING, defaultValue, ConfigEnums.validator(type), importance, doc, Width.SHORT,
                displayName);
    }

    ConfigDef build() {
        return def;
    }
}
