package io.mskbridge.common.config;

import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * A string that must match a pattern (after trimming when {@code trim}); null passes when {@code optional}.
 * {@code toString()} is the "Valid values" text of the generated docs.
 */
public final class PatternValidator implements ConfigDef.Validator {

    private final Pattern pattern;
    private final boolean optional;
    private final boolean trim;
    private final String error;
    private final String doc;

    private PatternValidator(Pattern pattern, boolean optional, boolean trim, String error, String doc) {
        this.pattern = pattern;
        this.optional = optional;
        this.trim = trim;
        this.error = error;
        this.doc = doc;
    }

    /** Null allowed; the value is trimmed before matching. */
    public static PatternValidator optional(String regex, String error, String doc) {
        return new PatternValidator(Pattern.compile(regex), true, true, error, doc);
    }

    /** Null rejected; the value is matched as given. */
    public static PatternValidator required(String regex, String error, String doc) {
        return new PatternValidator(Pattern.compile(regex), false, false, error, doc);
    }

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null && optional) {
            return;
        }
        String s = value == null ? null : trim ? ((String) value).trim() : (String) value;
        if (s == null || !pattern.matcher(s).matches()) {
            throw new ConfigException(name, value, error);
        }
    }

    @Override
    public String toString() {
        return doc;
    }
}
