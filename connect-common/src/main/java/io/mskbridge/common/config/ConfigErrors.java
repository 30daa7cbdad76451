package io.mskbridge.common.config;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The result of a connector's {@code validate()} being built up: per-field errors attached to the field the user
 * has to change, each message once, and the field created when the ConfigDef does not know it.
 */
public final class ConfigErrors {

    private final Config config;
    private final Map<String, ConfigValue> byName = new HashMap<>();

    private ConfigErrors(Config config) {
        this.config = config;
        config.configValues().forEach(v -> byName.put(v.name(), v));
    }

    /** Wraps the result of {@code super.validate(props)}; changes go into {@code config} itself. */
    public static ConfigErrors of(Config config) {
        return new ConfigErrors(config);
    }

    /** Attaches {@code message} to {@code key} (once). */
    public ConfigErrors attach(String key, String message) {
        ConfigValue v = byName.computeIfAbsent(key, k -> {
            ConfigValue created = new ConfigValue(k);
            config.configValues().add(created);
            return created;
        });
        if (!v.errorMessages().contains(message)) {
            v.addErrorMessage(message);
        }
        return this;
    }

    /** Attaches every message of {@code errors} (field → messages) to its field. */
    public ConfigErrors attachAll(Map<String, ? extends Iterable<String>> errors) {
        errors.forEach((key, messages) -> messages.forEach(m -> attach(key, m)));
        return this;
    }

    /** True when some field has an error (later checks that need a parsed config then skip). */
    public boolean any() {
        return config.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty());
    }

    /** The parsed value of {@code key} when it is present and passed its own checks, else null. */
    public Object validValue(String key) {
        return validValue(byName.get(key));
    }

    /** The parsed value of {@code v} when it is present and passed its own checks, else null. */
    public static Object validValue(ConfigValue v) {
        return v == null || !v.errorMessages().isEmpty() ? null : v.value();
    }

    /** The underlying result. */
    public Config config() {
        return config;
    }
}
