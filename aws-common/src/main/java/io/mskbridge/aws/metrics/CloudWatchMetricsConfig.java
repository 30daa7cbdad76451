package io.mskbridge.aws.metrics;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import io.mskbridge.aws.AwsConfig;
import io.mskbridge.common.FieldPath;
import io.mskbridge.common.config.PatternValidator;
import io.mskbridge.common.metrics.MetricNames;

import software.amazon.awssdk.regions.Region;

/**
 * The {@code metrics.cloudwatch.*} fragment every connector of the pack shares: whether and where its task
 * metrics are published to CloudWatch ({@link CloudWatchPublisher}). Off by default. Credentials come from the
 * {@code aws.*} keys; the region and endpoint too, unless overridden here.
 */
public final class CloudWatchMetricsConfig {

    public static final String GROUP = "CloudWatch metrics";
    public static final String PREFIX = "metrics.cloudwatch.";
    public static final String ENABLED = PREFIX + "enabled";
    public static final String NAMESPACE = PREFIX + "namespace";
    public static final String INTERVAL_MS = PREFIX + "interval.ms";
    public static final String REGION = PREFIX + "region";
    public static final String ENDPOINT_URL = PREFIX + "endpoint.url";
    public static final String TASK_DIMENSION = PREFIX + "task.dimension";
    public static final String COUNT_BY_FIELD = PREFIX + "count.by.field";
    public static final String AVERAGE_FIELDS = PREFIX + "average.fields";
    public static final String MAX_FIELD_VALUES = PREFIX + "max.field.values";
    public static final String BUFFER_MAX_POINTS = PREFIX + "buffer.max.points";

    public static final String NAMESPACE_DEFAULT = "MSKBridge";
    public static final long INTERVAL_MS_DEFAULT = 60_000L;
    public static final int MAX_FIELD_VALUES_DEFAULT = 50;
    public static final int BUFFER_MAX_POINTS_DEFAULT = 20_000;

    /** The metric counting records per value of {@value #COUNT_BY_FIELD}, the seed Lambda's name. */
    public static final String RECORDS_PROCESSED = "RecordsProcessed";
    /** Metric names the seed Lambda gave to averaged fields, kept when no name is given. */
    static final Map<String, String> SEED_NAMES = Map.of("quality_score", "DataQualityScore");

    private CloudWatchMetricsConfig() {
    }

    /** Adds the keys (group {@value #GROUP}) to a connector's ConfigDef and returns it. */
    public static ConfigDef addTo(ConfigDef def) {
        int order = 0;
        def.define(ENABLED, Type.BOOLEAN, false, Importance.MEDIUM,
                "Publish the task metrics to CloudWatch (PutMetricData) from a background thread of each task. "
                        + "Never slows or fails the data path: when CloudWatch throttles or cannot be reached, "
                        + "points wait in a bounded buffer (the oldest are dropped and counted in "
                        + "MetricsPointsDropped). Needs cloudwatch:PutMetricData (deploy/iam/cloudwatch-metrics.json).",
                GROUP, ++order, Width.SHORT, "Publish to CloudWatch");
        def.define(NAMESPACE, Type.STRING, NAMESPACE_DEFAULT, PatternValidator.required("(?!AWS/)[\\x20-\\x7E]{1,255}",
                "Not a custom CloudWatch namespace: 1-255 printable ASCII characters, not starting with AWS/",
                "1-255 printable ASCII characters, not starting with AWS/"), Importance.MEDIUM,
                "CloudWatch namespace of the metrics. The seed Lambda used DataPlatform/Streaming.",
                GROUP, ++order, Width.MEDIUM, "Namespace");
        def.define(INTERVAL_MS, Type.LONG, INTERVAL_MS_DEFAULT, ConfigDef.Range.between(1_000L, 3_600_000L),
                Importance.LOW,
                "How often the task's metrics are collected and sent, in milliseconds: one statistic set per "
                        + "metric and interval (60000 matches CloudWatch's standard one-minute resolution).",
                GROUP, ++order, Width.SHORT, "Interval (ms)");
        def.define(REGION, Type.STRING, null, PatternValidator.optional("[a-z]{2,}(-[a-z0-9]+)+",
                        "Not an AWS region name; expected something like us-east-1",
                        "AWS region name such as us-east-1, or empty for " + AwsConfig.REGION), Importance.LOW,
                "Region of CloudWatch when it is not the region of " + AwsConfig.REGION + ".",
                GROUP, ++order, Width.SHORT, "CloudWatch region");
        def.define(ENDPOINT_URL, Type.STRING, null, PatternValidator.optional("https?://[^\\s]+",
                        "Not an absolute http(s) URL", "absolute http or https URL, or empty for "
                                + AwsConfig.ENDPOINT_URL), Importance.LOW,
                "CloudWatch endpoint when it is not " + AwsConfig.ENDPOINT_URL + " (e.g. a VPC interface endpoint of "
                        + "monitoring, or a test server while " + AwsConfig.ENDPOINT_URL + " points at an emulator).",
                GROUP, ++order, Width.LONG, "CloudWatch endpoint override URL");
        def.define(TASK_DIMENSION, Type.BOOLEAN, false, Importance.LOW,
                "Add a Task dimension (the task number) to every metric. Off, the tasks of a connector publish the "
                        + "same series and CloudWatch aggregates them, which is what the shipped alarms expect; on, "
                        + "each task has its own series (more metrics to pay for).",
                GROUP, ++order, Width.SHORT, "Task dimension");
        def.define(COUNT_BY_FIELD, Type.STRING, null, new FieldValidator(false), Importance.LOW,
                "Sinks only: a record value field (dotted path) whose values count the records the sink receives "
                        + "as " + RECORDS_PROCESSED + ", one series per value with the field as dimension "
                        + "(event_type gives the dimension EventType, as the seed Lambda published). The values "
                        + "become dimension values: use a field with few values. Past " + MAX_FIELD_VALUES
                        + " values per task, the rest count under the value Other.",
                GROUP, ++order, Width.MEDIUM, "Count records by field");
        def.define(AVERAGE_FIELDS, Type.LIST, "", new FieldValidator(true), Importance.LOW,
                "Sinks only: numeric record value fields published as statistic sets (average, min, max), "
                        + "each 'field' or 'field:MetricName'. Without a name the metric is the field in "
                        + "UpperCamelCase, except quality_score, which keeps the seed's name DataQualityScore.",
                GROUP, ++order, Width.LONG, "Average fields");
        def.define(MAX_FIELD_VALUES, Type.INT, MAX_FIELD_VALUES_DEFAULT, ConfigDef.Range.between(1, 1_000),
                Importance.LOW,
                "Distinct values of " + COUNT_BY_FIELD + " a task publishes separately (each one is a CloudWatch "
                        + "metric to pay for); later values share the value Other.",
                GROUP, ++order, Width.SHORT, "Max field values");
        def.define(BUFFER_MAX_POINTS, Type.INT, BUFFER_MAX_POINTS_DEFAULT, ConfigDef.Range.between(100, 1_000_000),
                Importance.LOW,
                "Data points a task holds while CloudWatch throttles or cannot be reached; past it the oldest are "
                        + "dropped (counted in MetricsPointsDropped).",
                GROUP, ++order, Width.SHORT, "Buffer (points)");
        return def;
    }

    /** A ConfigDef holding only these keys, for documentation. */
    public static ConfigDef configDef() {
        return addTo(new ConfigDef());
    }

    /** What the publisher and the record-field metrics need, read from a connector's config. */
    public record Settings(boolean enabled, String namespace, Duration interval, Optional<Region> region,
                           Optional<URI> endpoint, boolean taskDimension, Optional<String> countByField,
                           Map<String, String> averageFields, int maxFieldValues, int bufferMaxPoints) {

        /** Reads the fragment from a config whose ConfigDef included {@link #addTo}. */
        public static Settings from(AbstractConfig c) {
            String region = c.getString(REGION);
            String endpoint = c.getString(ENDPOINT_URL);
            String count = c.getString(COUNT_BY_FIELD);
            Map<String, String> averages = new LinkedHashMap<>();
            for (String entry : c.getList(AVERAGE_FIELDS)) {
                String[] parts = parseAverage(AVERAGE_FIELDS, entry);
                averages.put(parts[0], parts[1]);
            }
            return new Settings(c.getBoolean(ENABLED), c.getString(NAMESPACE), Duration.ofMillis(c.getLong(INTERVAL_MS)),
                    Optional.ofNullable(region).map(String::trim).filter(s -> !s.isEmpty()).map(Region::of),
                    Optional.ofNullable(endpoint).map(String::trim).filter(s -> !s.isEmpty()).map(URI::create),
                    c.getBoolean(TASK_DIMENSION),
                    Optional.ofNullable(count).map(String::trim).filter(s -> !s.isEmpty()), averages,
                    c.getInt(MAX_FIELD_VALUES), c.getInt(BUFFER_MAX_POINTS));
        }

        /** Reads the fragment out of raw properties (other keys are ignored). */
        public static Settings from(Map<String, ?> props) {
            return from(new AbstractConfig(configDef(), props, false));
        }
    }

    /** {field, metric name} of one {@value #AVERAGE_FIELDS} entry. */
    static String[] parseAverage(String key, String entry) {
        String e = entry.trim();
        int colon = e.lastIndexOf(':');
        String field = colon < 0 ? e : e.substring(0, colon).trim();
        String name = colon < 0 ? SEED_NAMES.getOrDefault(field, MetricNames.camelCase(field))
                : e.substring(colon + 1).trim();
        checkField(key, field);
        if (!MetricNames.NAME.matcher(name).matches()) {
            throw new ConfigException(key, entry, "The metric name '" + name + "' is not UpperCamelCase "
                    + "([A-Z][A-Za-z0-9]*); write the entry as field:MetricName");
        }
        return new String[] {field, name};
    }

    static void checkField(String key, String field) {
        try {
            FieldPath.of(field);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, field, "Not a field path: " + e.getMessage());
        }
        if (MetricNames.camelCase(field.substring(field.lastIndexOf('.') + 1)).isEmpty()) {
            throw new ConfigException(key, field, "The field name has no letter or digit to name a dimension by");
        }
    }

    /** Field paths; for {@value #AVERAGE_FIELDS}, each optionally followed by ':MetricName'. */
    static final class FieldValidator implements ConfigDef.Validator {
        private final boolean list;

        FieldValidator(boolean list) {
            this.list = list;
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            if (list) {
                List<String> seen = new ArrayList<>();
                for (Object o : (List<?>) value) {
                    String[] p = parseAverage(name, o.toString());
                    if (seen.contains(p[1])) {
                        throw new ConfigException(name, value, "Two fields give the metric " + p[1]);
                    }
                    seen.add(p[1]);
                }
            } else if (!value.toString().isBlank()) {
                checkField(name, value.toString().trim());
            }
        }

        @Override
        public String toString() {
            return list ? "comma-separated field paths, each optionally followed by :MetricName"
                    : "a field path (e.g. event_type or payload.type), or empty";
        }
    }
}
