package io.mskbridge.common.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Enum-valued configuration keys, the one way every plugin of the pack reads and documents them: values are
 * matched case-insensitively (surrounding blanks ignored) against each constant's spelling ({@link ConfigChoice},
 * else the lower-case name), and the docs list the choices as {@code one of [a, b, c] (case-insensitive)}.
 */
public final class ConfigEnums {

    private ConfigEnums() {
    }

    /** How {@code e} is written in a configuration. */
    public static String configValue(Enum<?> e) {
        return e instanceof ConfigChoice ? ((ConfigChoice) e).configValue() : e.name().toLowerCase(Locale.ROOT);
    }

    /** The choices of {@code type} as the docs and error messages print them: {@code [a, b, c]}. */
    public static String choices(Class<? extends Enum<?>> type) {
        return spellings(type).stream().collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * The constant spelled {@code value} (case-insensitive, trimmed).
     *
     * @throws ConfigException naming {@code key} and the choices when there is none
     */
    public static <E extends Enum<E>> E parse(Class<E> type, String key, String value) {
        String v = value == null ? "" : value.trim();
        for (E e : type.getEnumConstants()) {
            if (configValue(e).equalsIgnoreCase(v)) {
                return e;
            }
        }
        throw new ConfigException(key, value, "Must be one of " + choices(type) + " (case-insensitive)");
    }

    /** A validator accepting exactly what {@link #parse} accepts; its {@code toString()} is the docs' text. */
    public static ConfigDef.Validator validator(Class<? extends Enum<?>> type) {
        return new EnumValidator(type);
    }

    private static List<String> spellings(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(ConfigEnums::configValue).collect(Collectors.toList());
    }

    private static final class EnumValidator implements ConfigDef.Validator {
        private final Class<? extends Enum<?>> type;

        EnumValidator(Class<? extends Enum<?>> type) {
            this.type = type;
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (!(value instanceof String)) {
                throw new ConfigException(name, value, "Must be one of " + choices(type) + " (case-insensitive)");
            }
            String v = ((String) value).trim();
            if (spellings(type).stream().noneMatch(s -> s.equalsIgnoreCase(v))) {
                throw new ConfigException(name, value, "Must be one of " + choices(type) + " (case-insensitive)");
            }
        }

        @Override
        public String toString() {
            return "one of " + choices(type) + " (case-insensitive)";
        }
    }
}
