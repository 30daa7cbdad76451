package io.mskbridge.smt;

import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.LambdaValidator;
import org.apache.kafka.common.config.ConfigException;

/** ConfigDef validators shared by the transforms; each renders its rule in {@code toString()} for the docs. */
final class Validators {

    private static final int MAX_TOPIC_LENGTH = 249;

    private Validators() {
    }

    /** A record field name: not blank. */
    static ConfigDef.Validator fieldName() {
        return LambdaValidator.with((name, value) -> {
            if (!(value instanceof String) || ((String) value).trim().isEmpty()) {
                throw new ConfigException(name, value, "must be a non-empty field name");
            }
        }, () -> "non-empty field name");
    }

    /** Either empty (feature off) or a field name. */
    static ConfigDef.Validator optionalFieldName() {
        return LambdaValidator.with((name, value) -> {
            if (value != null && !(value instanceof String)) {
                throw new ConfigException(name, value, "must be a field name or empty");
            }
        }, () -> "field name, or empty to disable");
    }

    /** A comma-separated list of distinct, non-blank field names; may be empty. */
    static ConfigDef.Validator fieldNames() {
        return distinctNonBlank("field name", "field ");
    }

    /** A comma-separated list of distinct, non-blank values; may be empty. */
    static ConfigDef.Validator distinctValues() {
        return distinctNonBlank("value", "");
    }

    /** A list whose items are all in {@code allowed} (compared in lower case), each at most once. */
    static ConfigDef.Validator subsetOf(List<String> allowed) {
        return distinctList("comma-separated subset of " + allowed, "", s -> s.toLowerCase(Locale.ROOT),
                (item, s) -> allowed.contains(s) ? null : "unknown item '" + item + "'; allowed: " + allowed);
    }

    private static ConfigDef.Validator distinctNonBlank(String noun, String duplicateLabel) {
        return distinctList("comma-separated list of distinct " + noun + "s (may be empty)", duplicateLabel,
                UnaryOperator.identity(), (item, s) -> s.isEmpty() ? "contains an empty " + noun : null);
    }

    /**
     * A list whose items, trimmed and made {@code canonical}, each pass {@code problem} (null, or what is wrong
     * with the item) and appear once.
     */
    private static ConfigDef.Validator distinctList(String doc, String duplicateLabel, UnaryOperator<String> canonical,
                                                    BiFunction<Object, String, String> problem) {
        return LambdaValidator.with((name, value) -> {
            Set<String> seen = new HashSet<>();
            for (Object item : (List<?>) value) {
                String s = canonical.apply(String.valueOf(item).trim());
                String wrong = problem.apply(item, s);
                if (wrong != null) {
                    throw new ConfigException(name, value, wrong);
                }
                if (!seen.add(s)) {
                    throw new ConfigException(name, value, "lists " + duplicateLabel + "'" + s + "' more than once");
                }
            }
        }, () -> doc);
    }

    /** {@code field:type} pairs with a known {@link FieldType}. */
    static ConfigDef.Validator fieldTypes() {
        return LambdaValidator.with((name, value) -> FieldType.parseSpecs(name, (List<?>) value),
                () -> "comma-separated field:type pairs, type one of " + FieldType.names());
    }

    /** A topic name, optionally containing one {@code ${topic}} placeholder. */
    static ConfigDef.Validator topicTemplate() {
        return LambdaValidator.with((name, value) -> {
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
        }, () -> "topic name; '${topic}' (at most once) is replaced by the record's topic");
    }

    /** An ISO 4217 currency code that has minor units. */
    static ConfigDef.Validator currencyCode() {
        return LambdaValidator.with((name, value) -> {
            String s = value == null ? "" : ((String) value).trim();
            try {
                Currency c = Currency.getInstance(s.toUpperCase(Locale.ROOT));
                if (c.getDefaultFractionDigits() < 0) {
                    throw new ConfigException(name, value, "currency " + s + " has no minor units (e.g. XAU, XXX)");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, "is not an ISO 4217 currency code (e.g. USD, EUR, JPY)");
            }
        }, () -> "ISO 4217 currency code with minor units, e.g. USD, EUR, JPY, KWD");
    }

    /** Accepts null (the feature is off) or whatever {@code inner} accepts. */
    static ConfigDef.Validator nullOr(ConfigDef.Validator inner) {
        return LambdaValidator.with((name, value) -> {
            if (value != null) {
                inner.ensureValid(name, value);
            }
        }, () -> "null (off) or " + inner);
    }

    /** A finite double (any sign). */
    static ConfigDef.Validator finite() {
        return finiteNumber(null);
    }

    /** A finite double strictly greater than {@code min}. */
    static ConfigDef.Validator finiteAbove(double min) {
        return finiteNumber(min);
    }

    private static ConfigDef.Validator finiteNumber(Double exclusiveMin) {
        return LambdaValidator.with((name, value) -> {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d) || exclusiveMin != null && d <= exclusiveMin) {
                throw new ConfigException(name, value, "must be a finite number"
                        + (exclusiveMin == null ? "" : " greater than " + exclusiveMin));
            }
        }, () -> "finite number" + (exclusiveMin == null ? "" : " > " + exclusiveMin));
    }
}
