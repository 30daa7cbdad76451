package io.mskbridge.common.metrics;

import java.util.Locale;
import java.util.regex.Pattern;

import org.apache.kafka.common.utils.Sanitizer;

/**
 * The pack's one naming rule and one escaping rule for metrics (docs/ARCHITECTURE.md, Logging and metrics).
 *
 * <ul>
 *   <li>Metric and dimension names are UpperCamelCase ({@code RecordsRead}, {@code Stream}): the same name is the
 *       JMX attribute and the CloudWatch metric name.</li>
 *   <li>Every value that becomes part of a JMX name (the {@code connector} and {@code task} keys of the MBean
 *       name, the keys of a per-key attribute such as {@code MillisBehindLatest.<stream>.<shard>}) goes through
 *       Kafka's {@link Sanitizer#jmxSanitize}: left as is when it holds only letters, digits, {@code _ - % .},
 *       space and tab, else quoted by {@code ObjectName.quote}.</li>
 * </ul>
 */
public final class MetricNames {

    /** A metric or dimension name. */
    public static final Pattern NAME = Pattern.compile("[A-Z][A-Za-z0-9]*");

    private MetricNames() {
    }

    /** Throws unless {@code name} follows the naming rule. */
    public static String check(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Metric name '" + name + "' is not UpperCamelCase ([A-Z][A-Za-z0-9]*)");
        }
        return name;
    }

    /** The escaping rule for a value that becomes part of a JMX name. */
    public static String escape(String value) {
        return Sanitizer.jmxSanitize(value == null ? "unknown" : value);
    }

    /**
     * A record field name as a metric or dimension name: {@code event_type}, {@code event-type} and
     * {@code eventType} all give {@code EventType}; characters other than letters and digits separate words.
     * Empty when the field has no letter or digit.
     */
    public static String camelCase(String field) {
        StringBuilder b = new StringBuilder();
        boolean upper = true;
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c < 128 && Character.isLetterOrDigit(c)) {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            } else {
                upper = true;
            }
        }
        if (b.length() > 0 && !Character.isLetter(b.charAt(0))) {
            b.insert(0, 'F');
        }
        return b.toString().isEmpty() ? "" : b.substring(0, 1).toUpperCase(Locale.ROOT) + b.substring(1);
    }
}
