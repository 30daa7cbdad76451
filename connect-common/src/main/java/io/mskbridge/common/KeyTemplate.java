package io.mskbridge.common;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A key template (DynamoDB key values, S3 object keys) parsed once and rendered per record.
 *
 * <h2>Grammar</h2>
 * <ul>
 *   <li>literal text, where {@code {{} and {@code }}} stand for a literal brace;</li>
 *   <li>{@code {field.path}}: a field of the record value, via {@link FieldPath} (Struct and Map,
 *       nested); {@code {value:field.path}} says the same explicitly, for fields named like a variable
 *       (e.g. a top-level field called {@code kafka});</li>
 *   <li>{@code {key:field.path}}: a field of the record key;</li>
 *   <li>{@code {kafka.topic}}, {@code {kafka.partition}}, {@code {kafka.offset}} (sink records only),
 *       {@code {kafka.timestamp}} (epoch millis), {@code {kafka.key}} (the whole key as a string);</li>
 *   <li>{@code {time:PATTERN}}: the record timestamp in UTC formatted with the
 *       {@link DateTimeFormatter} pattern, e.g. {@code {time:yyyy/MM/dd/HH}};</li>
 *   <li>extra variables declared by the caller at parse time (e.g. S3's {@code {kafka.start_offset}}),
 *       resolved per render by a function the caller passes;</li>
 *   <li>any placeholder may end in {@code |default}: the text after the first {@code |} (possibly
 *       empty) is used when the value is absent or null. So {@code |} cannot appear in a pattern.</li>
 *   <li>{@code ||default} (two bars) also replaces a value that renders as the empty string, like Python's
 *       {@code value or 'default'}. The seed Lambda's {@code pk} uses {@code data.get('user_id', 'anonymous')},
 *       which replaces only an absent field: that is the one-bar form, {@code {user_id|anonymous}}, as the shipped
 *       DynamoDB configs write it. (Before this form existed, {@code {f||x}} meant the default {@code |x}.)</li>
 * </ul>
 *
 * <h2>Value encoding</h2>
 * By default values are inserted as rendered ({@link ValueEncoding#RAW}; DynamoDB keys). A caller whose
 * keys are paths (S3 object keys) renders with {@link ValueEncoding#PATH_SEGMENT} via
 * {@link #withValueEncoding}: the value of every field placeholder ({@code {field}}, {@code {value:…}},
 * {@code {key:…}}) and of {@code {kafka.key}} then cannot change the key's layout (see
 * {@link #pathSegment(String)} for the rule). Literal text, defaults, time patterns, the other built-ins and
 * caller variables are inserted as they are: they come from the configuration, not from records.
 *
 * <h2>Values</h2>
 * Strings as is; integers in decimal; {@code BigDecimal} (Connect Decimal) via {@code toPlainString()}
 * keeping its scale; floating point as the shortest plain decimal ({@code 1.0E10} becomes
 * {@code 10000000000}, {@code 2.0} becomes {@code 2}); booleans as {@code true}/{@code false};
 * {@code java.util.Date} (Connect Date/Time/Timestamp) as ISO-8601 UTC instant. Structs, maps, arrays,
 * bytes, NaN and infinities are not key components and fail with a {@link DataException}, as does a
 * missing value without a default; its message names the record (topic/partition/offset) and the field,
 * so the record can go to the DLQ with an actionable reason.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class KeyTemplate {

    public static final String KAFKA_TOPIC = "kafka.topic";
    public static final String KAFKA_PARTITION = "kafka.partition";
    public static final String KAFKA_OFFSET = "kafka.offset";
    public static final String KAFKA_TIMESTAMP = "kafka.timestamp";
    public static final String KAFKA_KEY = "kafka.key";

    private static final Set<String> BUILTINS =
            Set.of(KAFKA_TOPIC, KAFKA_PARTITION, KAFKA_OFFSET, KAFKA_TIMESTAMP, KAFKA_KEY);
    private static final String TIME_PREFIX = "time:";
    private static final String VALUE_PREFIX = "value:";
    private static final String KEY_PREFIX = "key:";
    private static final Function<String, Object> NO_EXTRAS = name -> null;

    /** What {@link ValueEncoding#PATH_SEGMENT} renders an empty value as: Hive's name for the null partition. */
    public static final String EMPTY_SEGMENT = "__HIVE_DEFAULT_PARTITION__";

    /** How record values are inserted into the rendered key. */
    public enum ValueEncoding {
        /** As rendered (DynamoDB key values). */
        RAW,
        /** Made a safe path segment by {@link KeyTemplate#pathSegment(String)} (S3 object keys). */
        PATH_SEGMENT
    }

    private final String template;
    private final Part[] parts;
    private final List<FieldPath> valuePaths;
    private final List<FieldPath> keyPaths;
    private final Set<String> variables;
    private final int sizeHint;
    private final ValueEncoding encoding;

    private KeyTemplate(KeyTemplate t, ValueEncoding encoding) {
        this.template = t.template;
        this.parts = t.parts;
        this.valuePaths = t.valuePaths;
        this.keyPaths = t.keyPaths;
        this.variables = t.variables;
        this.sizeHint = t.sizeHint;
        this.encoding = encoding;
    }

    private KeyTemplate(String template, List<Part> parts) {
        this.encoding = ValueEncoding.RAW;
        this.template = template;
        this.parts = parts.toArray(new Part[0]);
        Set<FieldPath> values = new LinkedHashSet<>();
        Set<FieldPath> keys = new LinkedHashSet<>();
        Set<String> vars = new LinkedHashSet<>();
        int literalLength = 0;
        for (Part p : parts) {
            if (p.kind == Kind.LITERAL) {
                literalLength += p.text.length();
            } else if (p.kind == Kind.VALUE_FIELD) {
                values.add(p.path);
            } else if (p.kind == Kind.KEY_FIELD) {
                keys.add(p.path);
            } else {
                vars.add(p.name);
            }
        }
        this.valuePaths = List.copyOf(values);
        this.keyPaths = List.copyOf(keys);
        this.variables = Collections.unmodifiableSet(vars);
        this.sizeHint = literalLength + 16 * (parts.size() - 1) + 16;
    }

    /** Parses a template with only the built-in variables. */
    public static KeyTemplate parse(String template) {
        return parse(template, Set.of());
    }

    /**
     * Parses a template.
     *
     * @param extraVariables names of caller-defined variables ({@code kafka.start_offset}), resolved per
     *                       render by {@link #render(ConnectRecord, Function)}; must not shadow built-ins
     * @throws ConfigException for a malformed template, naming the position (0-based)
     */
    public static KeyTemplate parse(String template, Collection<String> extraVariables) {
        if (template == null) {
            throw new ConfigException("Key template must not be null");
        }
        for (String extra : extraVariables) {
            if (BUILTINS.contains(extra) || extra.startsWith(TIME_PREFIX) || extra.startsWith(VALUE_PREFIX)
                    || extra.startsWith(KEY_PREFIX) || extra.contains("|") || extra.contains("{")
                    || extra.contains("}")) {
                throw new IllegalArgumentException("Extra variable name '" + extra + "' clashes with the grammar");
            }
        }
        Set<String> extras = Set.copyOf(extraVariables);
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int n = template.length();
        int i = 0;
        while (i < n) {
            char c = template.charAt(i);
            if (c == '{') {
                if (i + 1 < n && template.charAt(i + 1) == '{') {
                    literal.append('{');
                    i += 2;
                    continue;
                }
                int close = -1;
                for (int j = i + 1; j < n; j++) {
                    char d = template.charAt(j);
                    if (d == '}') {
                        close = j;
                        break;
                    }
                    if (d == '{') {
                        throw malformed(template, j, "'{' inside a placeholder (write '{{' outside "
                                + "placeholders for a literal brace)");
                    }
                }
                if (close < 0) {
                    throw malformed(template, i, "unclosed '{' (write '{{' for a literal brace)");
                }
                if (literal.length() > 0) {
                    parts.add(Part.literal(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(placeholder(template, i, template.substring(i + 1, close), extras));
                i = close + 1;
            } else if (c == '}') {
                if (i + 1 < n && template.charAt(i + 1) == '}') {
                    literal.append('}');
                    i += 2;
                    continue;
                }
                throw malformed(template, i, "unmatched '}' (write '}}' for a literal brace)");
            } else {
                literal.append(c);
                i++;
            }
        }
        if (literal.length() > 0) {
            parts.add(Part.literal(literal.toString()));
        }
        return new KeyTemplate(template, parts);
    }

    private static Part placeholder(String template, int pos, String body, Set<String> extras) {
        int bar = body.indexOf('|');
        String name = (bar < 0 ? body : body.substring(0, bar)).trim();
        boolean orEmpty = bar >= 0 && bar + 1 < body.length() && body.charAt(bar + 1) == '|';
        String defaultValue = bar < 0 ? null : body.substring(bar + (orEmpty ? 2 : 1));
        if (name.isEmpty()) {
            throw malformed(template, pos, "empty placeholder '{" + body + "}'");
        }
        Part part = placeholder(template, pos, body, name, defaultValue, extras);
        return orEmpty ? part.orEmpty() : part;
    }

    private static Part placeholder(String template, int pos, String body, String name, String defaultValue,
                                    Set<String> extras) {
        if (BUILTINS.contains(name)) {
            return new Part(Kind.BUILTIN, name, null, null, defaultValue);
        }
        if (extras.contains(name)) {
            return new Part(Kind.EXTRA, name, null, null, defaultValue);
        }
        if (name.startsWith(TIME_PREFIX)) {
            String pattern = name.substring(TIME_PREFIX.length());
            if (pattern.isEmpty()) {
                throw malformed(template, pos, "empty time pattern in '{" + body + "}', e.g. {time:yyyy/MM/dd}");
            }
            DateTimeFormatter formatter;
            try {
                formatter = DateTimeFormatter.ofPattern(pattern, Locale.ROOT).withZone(ZoneOffset.UTC);
                // Some patterns parse but cannot format an instant; find out now, not on the first record.
                formatter.format(Instant.EPOCH);
            } catch (IllegalArgumentException | DateTimeException e) {
                throw malformed(template, pos, "invalid time pattern '" + pattern + "': " + e.getMessage());
            }
            return new Part(Kind.TIME, name, null, formatter, defaultValue);
        }
        if (name.startsWith(KAFKA_PREFIX_DOT)) {
            throw malformed(template, pos, "unknown variable '{" + name + "}'; known: " + known(extras)
                    + ". For a value field named 'kafka' write {value:" + name + "}");
        }
        Kind kind = Kind.VALUE_FIELD;
        String path = name;
        if (name.startsWith(VALUE_PREFIX)) {
            path = name.substring(VALUE_PREFIX.length());
        } else if (name.startsWith(KEY_PREFIX)) {
            kind = Kind.KEY_FIELD;
            path = name.substring(KEY_PREFIX.length());
        } else if (name.indexOf(':') >= 0) {
            throw malformed(template, pos, "unknown prefix in '{" + name + "}'; use time:, value: or key:");
        }
        try {
            return new Part(kind, name, FieldPath.of(path), null, defaultValue);
        } catch (IllegalArgumentException e) {
            throw malformed(template, pos, e.getMessage());
        }
    }

    private static final String KAFKA_PREFIX_DOT = "kafka.";

    private static String known(Set<String> extras) {
        Set<String> all = new TreeSet<>(BUILTINS);
        all.addAll(extras);
        return all.toString();
    }

    private static ConfigException malformed(String template, int pos, String reason) {
        return new ConfigException("Invalid key template '" + template + "' at position " + pos + ": " + reason);
    }

    /** Renders with only built-in variables; a template using an extra variable fails here. */
    public String render(ConnectRecord<?> record) {
        return render(record, NO_EXTRAS);
    }

    /**
     * Renders the key of one record.
     *
     * @param extras resolves the extra variables declared at parse time; a {@code null} result means
     *               "no value" (then the default applies, else it is an error)
     * @throws DataException when a value is missing without default or cannot be a key component; the
     *                       message names the record and the placeholder
     */
    public String render(ConnectRecord<?> record, Function<String, ?> extras) {
        // A template may be rendered without a record (validate() renders literal-only templates that way).
        return render(record, extras, record == null ? null : record.timestamp());
    }

    /**
     * Renders the key of one record with {@code {time:PATTERN}} taken from {@code timeMs} instead of the record
     * timestamp (e.g. an event time read from the value); {@code {kafka.timestamp}} stays the record's.
     *
     * @param timeMs epoch milliseconds for the time placeholders; null means "no time" (then the default
     *               applies, else it is an error)
     */
    public String render(ConnectRecord<?> record, Function<String, ?> extras, Long timeMs) {
        StringBuilder sb = new StringBuilder(sizeHint);
        for (Part p : parts) {
            if (p.kind == Kind.LITERAL) {
                sb.append(p.text);
                continue;
            }
            Object v;
            switch (p.kind) {
                case VALUE_FIELD:
                    v = p.path.get(record.value());
                    break;
                case KEY_FIELD:
                    v = p.path.get(record.key());
                    break;
                case BUILTIN:
                    v = builtin(p, record);
                    break;
                case EXTRA:
                    v = extras.apply(p.name);
                    break;
                case TIME:
                    v = timeMs == null ? null : p.formatter.format(Instant.ofEpochMilli(timeMs));
                    break;
                default:
                    throw new IllegalStateException(p.kind.name());
            }
            if (v == null || v == FieldPath.ABSENT) {
                if (p.defaultValue != null) {
                    sb.append(p.defaultValue);
                    continue;
                }
                throw new DataException(missing(p, v == null) + " in " + coordinates(record) + " (key template '"
                        + template + "'). " + hint(p));
            }
            int start = sb.length();
            try {
                appendValue(sb, v);
            } catch (IllegalArgumentException e) {
                throw new DataException("Cannot use {" + p.name + "} as a key component in " + coordinates(record)
                        + " (key template '" + template + "'): " + e.getMessage());
            }
            if (p.orEmpty && sb.length() == start) {
                sb.append(p.defaultValue);
            } else if (encoding == ValueEncoding.PATH_SEGMENT && p.fromRecord()) {
                String raw = sb.substring(start);
                sb.setLength(start);
                sb.append(pathSegment(raw));
            }
        }
        return sb.toString();
    }

    /**
     * This template rendering record values with the given encoding (the parsed template is shared).
     */
    public KeyTemplate withValueEncoding(ValueEncoding valueEncoding) {
        return valueEncoding == encoding ? this : new KeyTemplate(this, valueEncoding);
    }

    /**
     * A value made a path segment that cannot change the layout of the key it is inserted into, so an S3
     * archive stays readable as Hive/Athena partitions: {@code /}, {@code %} and control characters
     * (U+0000-U+001F, U+007F-U+009F) are percent-encoded as their UTF-8 bytes ({@code a/b} becomes
     * {@code a%2Fb}, {@code 100%} becomes {@code 100%25}); a value that is exactly {@code .} or {@code ..}
     * becomes {@code %2E} or {@code %2E%2E}; an empty value becomes {@value #EMPTY_SEGMENT}. Everything else
     * (other UTF-8 text included) is kept. URL-decoding a segment gives the value back, except for the empty
     * token.
     */
    public static String pathSegment(String value) {
        if (value.isEmpty()) {
            return EMPTY_SEGMENT;
        }
        if (value.equals(".")) {
            return "%2E";
        }
        if (value.equals("..")) {
            return "%2E%2E";
        }
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || c == '%' || Character.isISOControl(c)) {
                if (out == null) {
                    out = new StringBuilder(value.length() + 8).append(value, 0, i);
                }
                for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
                }
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? value : out.toString();
    }

    private static Object builtin(Part p, ConnectRecord<?> record) {
        switch (p.name) {
            case KAFKA_TOPIC:
                return record.topic();
            case KAFKA_PARTITION:
                return record.kafkaPartition();
            case KAFKA_OFFSET:
                if (!(record instanceof SinkRecord)) {
                    throw new DataException("{" + KAFKA_OFFSET + "} is only available for sink records, not in "
                            + record.getClass().getSimpleName() + " " + coordinates(record));
                }
                return ((SinkRecord) record).kafkaOffset();
            case KAFKA_TIMESTAMP:
                return record.timestamp();
            case KAFKA_KEY:
                return record.key();
            default:
                throw new IllegalStateException(p.name);
        }
    }

    private static String missing(Part p, boolean nullValue) {
        switch (p.kind) {
            case VALUE_FIELD:
                return "Field '" + p.path + "' is " + (nullValue ? "null" : "missing") + " in the record value";
            case KEY_FIELD:
                return "Field '" + p.path + "' is " + (nullValue ? "null" : "missing") + " in the record key";
            case TIME:
                return "No record timestamp for {" + p.name + "}";
            case BUILTIN:
                return "{" + p.name + "} has no value";
            default:
                return "Variable {" + p.name + "} has no value";
        }
    }

    private static String hint(Part p) {
        if (p.kind == Kind.TIME) {
            return "Have the producer set timestamps, or give a default: {" + p.name + "|unknown}.";
        }
        return "Give a default with {" + p.name + "|default}, or route such records elsewhere.";
    }

    /** "topic=t, partition=p, offset=o" for a sink record; without offset otherwise. */
    static String coordinates(ConnectRecord<?> record) {
        String s = "record topic=" + record.topic() + ", partition=" + record.kafkaPartition();
        return record instanceof SinkRecord ? s + ", offset=" + ((SinkRecord) record).kafkaOffset() : s;
    }

    /**
     * Renders one value as a key component (see the class comment).
     *
     * @throws IllegalArgumentException if the value cannot be a key component
     */
    static void appendValue(StringBuilder sb, Object v) {
        if (v instanceof String) {
            sb.append((String) v);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            sb.append(v);
        } else if (v instanceof BigDecimal) {
            sb.append(((BigDecimal) v).toPlainString());
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("the number " + v + " has no decimal representation");
            }
            // Float.toString gives the shortest string that round-trips the float, not the widened double.
            BigDecimal bd = v instanceof Float ? new BigDecimal(v.toString()) : BigDecimal.valueOf(d);
            bd = bd.stripTrailingZeros();
            if (bd.scale() < 0) {
                bd = bd.setScale(0);
            }
            sb.append(bd.signum() == 0 ? "0" : bd.toPlainString());
        } else if (v instanceof Boolean || v instanceof Character) {
            sb.append(v);
        } else if (v instanceof java.util.Date) {
            sb.append(DateTimeFormatter.ISO_INSTANT.format(((java.util.Date) v).toInstant()));
        } else if (v instanceof Struct || v instanceof Map || v instanceof Collection) {
            throw new IllegalArgumentException("it is a " + kindOf(v)
                    + ", not a scalar; point the template at a field inside it");
        } else if (v instanceof byte[] || v instanceof ByteBuffer) {
            throw new IllegalArgumentException("it is binary data; key templates render text");
        } else {
            sb.append(v);
        }
    }

    private static String kindOf(Object v) {
        return v instanceof Struct ? "struct" : v instanceof Map ? "map" : "array";
    }

    /** Value fields the template references, in order of first use (for {@code validate()} checks). */
    public List<FieldPath> fieldPaths() {
        return valuePaths;
    }

    /** Key fields ({@code {key:...}}) the template references. */
    public List<FieldPath> keyFieldPaths() {
        return keyPaths;
    }

    /** Names of the non-field variables used: built-ins, extras, and {@code time:PATTERN}. */
    public Set<String> variables() {
        return variables;
    }

    /** Whether the template is the given variable's user, e.g. {@code uses("kafka.start_offset")}. */
    public boolean uses(String variable) {
        return variables.contains(variable);
    }

    /** True when the template has no placeholders, so every record renders the same key. */
    public boolean isConstant() {
        for (Part p : parts) {
            if (p.kind != Kind.LITERAL) {
                return false;
            }
        }
        return true;
    }

    /** The template as written. */
    public String template() {
        return template;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyTemplate && ((KeyTemplate) o).template.equals(template)
                && ((KeyTemplate) o).encoding == encoding;
    }

    @Override
    public int hashCode() {
        return template.hashCode();
    }

    @Override
    public String toString() {
        return template;
    }

    /**
     * A ConfigDef validator for a template-valued key (null allowed), so malformed templates are reported
     * on their field by Connect's validation.
     */
    public static ConfigDef.Validator validator(Collection<String> extraVariables) {
        Set<String> extras = Set.copyOf(extraVariables);
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value == null) {
                    return;
                }
                try {
                    parse((String) value, extras);
                } catch (ConfigException e) {
                    throw new ConfigException(name, value, e.getMessage());
                }
            }

            @Override
            public String toString() {
                return "key template: literal text with {field.path}, {field|default}, {field||default} (also "
                        + "replaces an empty value), {key:field}, "
                        + "{kafka.topic}, {kafka.partition}, {kafka.offset}, {kafka.timestamp}, {kafka.key}, "
                        + "{time:PATTERN}" + (extras.isEmpty() ? "" : ", " + String.join(", ",
                                new TreeSet<>(extras).stream().map(x -> "{" + x + "}").toArray(String[]::new)))
                        + "; '{{' and '}}' are literal braces";
            }
        };
    }

    private enum Kind { LITERAL, VALUE_FIELD, KEY_FIELD, BUILTIN, EXTRA, TIME }

    private static final class Part {
        final Kind kind;
        final String name;
        final String text;
        final FieldPath path;
        final DateTimeFormatter formatter;
        final String defaultValue;
        /** {@code ||default}: the default also replaces a value rendered as the empty string. */
        final boolean orEmpty;

        Part(Kind kind, String name, FieldPath path, DateTimeFormatter formatter, String defaultValue) {
            this(kind, name, path, formatter, defaultValue, false);
        }

        private Part(Kind kind, String name, FieldPath path, DateTimeFormatter formatter, String defaultValue,
                     boolean orEmpty) {
            this.kind = kind;
            this.name = name;
            this.text = null;
            this.path = path;
            this.formatter = formatter;
            this.defaultValue = defaultValue;
            this.orEmpty = orEmpty;
        }

        Part orEmpty() {
            return new Part(kind, name, path, formatter, defaultValue, true);
        }

        /** Whether the value comes from the record's content (fields, the whole key), not from configuration. */
        boolean fromRecord() {
            return kind == Kind.VALUE_FIELD || kind == Kind.KEY_FIELD || KAFKA_KEY.equals(name);
        }

        private Part(String text) {
            this.kind = Kind.LITERAL;
            this.name = null;
            this.text = Objects.requireNonNull(text);
            this.path = null;
            this.formatter = null;
            this.defaultValue = null;
            this.orEmpty = false;
        }

        static Part literal(String text) {
            return new Part(text);
        }
    }
}
