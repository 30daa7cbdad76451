package io.mskbridge.smt;

import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** ConfigDef validators shared by the transforms; each renders its rule in {@code toString()} for the docs. */
final class Validators {

    private static final int MAX_TOPIC_LENGTH = 249;

    private Validators() {
    }

    /** A record field name: not blank. */
    static ConfigDef.Validator fieldName() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (!(value instanceof String) || ((String) value).trim().isEmpty()) {
                    throw new ConfigException(name, value, "must be a non-empty field name");
                }
            }

            @Override
            public String toString() {
                return "non-empty field name";
            }
        };
    }

    /** Either empty (feature off) or a field name. */
    static ConfigDef.Validator optionalFieldName() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value != null && !(value instanceof String)) {
                    throw new ConfigException(name, value, "must be a field name or empty");
                }
            }

            @Override
            public String toString() {
                return "field name, or empty to disable";
            }
        };
    }

    /** A comma-separated list of distinct, non-blank field names; may be empty. */
    static ConfigDef.Validator fieldNames() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                Set<String> seen = new HashSet<>();
                for (Object o : (List<?>) value) {
                    String s = String.valueOf(o).trim();
                    if (s.isEmpty()) {
                        throw new ConfigException(name, value, "contains an empty field name");
                    }
                    if (!seen.add(s)) {
                        throw new ConfigException(name, value, "lists field '" + s + "' more than once");
                    }
                }
            }

            @Override
            public String toString() {
                return "comma-separated list of distinct field names (may be empty)";
            }
        };
    }

    /** A comma-separated list of distinct, non-blank values; may be empty. */
    static ConfigDef.Validator distinctValues() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                Set<String> seen = new HashSet<>();
                for (Object o : (List<?>) value) {
                    String s = String.valueOf(o).trim();
                    if (s.isEmpty()) {
                        throw new ConfigException(name, value, "contains an empty value");
                    }
                    if (!seen.add(s)) {
                        throw new ConfigException(name, value, "lists '" + s + "' more than once");
                    }
                }
            }

            @Override
            public String toString() {
                return "comma-separated list of distinct values (may be empty)";
            }
        };
    }

    /** {@code field:type} pairs with a known {@link FieldType}. */
    static ConfigDef.Validator fieldTypes() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                FieldType.parseSpecs(name, (List<?>) value);
            }

            @Override
            public String toString() {
                return "comma-separated field:type pairs, type one of " + FieldType.names();
            }
        };
    }

    /** A topic name, optionally containing one {@code ${topic}} placeholder. */
    static ConfigDef.Validator topicTemplate() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String s = value == null ? "" : ((String) value).trim();
                if (s.isEmpty()) {
                    throw new ConfigException(name, value, "must be a topic name or a template such as '${topic}.invalid'");
                }
                int first = s.indexOf(InvalidRecordHandler.TOPIC_PLACEHOLDER);
                if (first >= 0 && s.indexOf(InvalidRecordHandler.TOPIC_PLACEHOLDER, first + 1) >= 0) {
                    throw new ConfigException(name, value, "may contain '${topic}' at most once");
                }
                String sample = s.replace(InvalidRecordHandler.TOPIC_PLACEHOLDER, "t");
                for (int i = 0; i < sample.length(); i++) {
                    char c = sample.charAt(i);
                    if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                            || c == '.' || c == '_' || c == '-')) {
                        throw new ConfigException(name, value, "contains '" + c
                                + "'; topic names allow only ASCII letters, digits, '.', '_' and '-' besides '${topic}'");
                    }
                }
                if (sample.length() > MAX_TOPIC_LENGTH) {
                    throw new ConfigException(name, value, "is longer than " + MAX_TOPIC_LENGTH + " characters");
                }
            }

            @Override
            public String toString() {
                return "topic name; '${topic}' (at most once) is replaced by the record's topic";
            }
        };
    }

    /** An ISO 4217 currency code that has minor units. */
    static ConfigDef.Validator currencyCode() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String s = value == null ? "" : ((String) value).trim();
                try {
                    Currency c = Currency.getInstance(s.toUpperCase(Locale.ROOT));
                    if (c.getDefaultFractionDigits() < 0) {
                        throw new ConfigException(name, value, "currency " + s + " has no minor units (e.g. XAU, XXX)");
                    }
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, "is not an ISO 4217 currency code (e.g. USD, EUR, JPY)");
                }
            }

            @Override
            public String toString() {
                return "ISO 4217 currency code with minor units, e.g. USD, EUR, JPY, KWD";
            }
        };
    }

    /** A list whose items are all in {@code allowed}. */
    static ConfigDef.Validator subsetOf(List<String> allowed) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                Set<String> seen = new HashSet<>();
                for (Object o : (List<?>) value) {
                    String s = String.valueOf(o).trim().toLowerCase(Locale.ROOT);
                    if (!allowed.contains(s)) {
                        throw new ConfigException(name, value, "unknown item '" + o + "'; allowed: " + allowed);
                    }
                    if (!seen.add(s)) {
                        throw new ConfigException(name, value, "lists '" + s + "' more than once");
                    }
                }
            }

            @Override
            public String toString() {
                return "comma-separated subset of " + allowed;
            }
        };
    }

    /** Accepts null (the feature is off) or whatever {@code inner} accepts. */
    static ConfigDef.Validator nullOr(ConfigDef.Validator inner) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value != null) {
                    inner.ensureValid(name, value);
                }
            }

            @Override
            public String toString() {
                return "null (off) or " + inner;
            }
        };
    }

    /** A finite double strictly greater than {@code min}. */
    static ConfigDef.Validator finiteAbove(double min) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                double d = ((Number) value).doubleValue();
                if (!Double.isFinite(d) || d <= min) {
                    throw new ConfigException(name, value, "must be a finite number greater than " + min);
                }
            }

            @Override
            public String toString() {
                return "finite number > " + min;
            }
        };
    }

    /** A finite double (any sign). */
    static ConfigDef.Validator finite() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                double d = ((Number) value).doubleValue();
                if (!Double.isFinite(d)) {
                    throw new ConfigException(name, value, "must be a finite number");
                }
            }

            @Override
            public String toString() {
                return "finite number";
            }
        };
    }
}
