package io.mskbridge.aws.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.connector.ConnectRecord;

import io.mskbridge.common.FieldPath;
import io.mskbridge.common.metrics.Counter;
import io.mskbridge.common.metrics.MetricNames;
import io.mskbridge.common.metrics.MetricScope;
import io.mskbridge.common.metrics.MetricUnit;
import io.mskbridge.common.metrics.Summary;
import io.mskbridge.common.metrics.TaskMetrics;

/**
 * The seed Lambda's own metrics, from the fields of the records a sink receives: {@code RecordsProcessed} per
 * value of {@code metrics.cloudwatch.count.by.field}, and a statistic set per field of
 * {@code metrics.cloudwatch.average.fields}. Values that are not objects, absent fields and non-numeric values of
 * an averaged field are left out of the averages; a record without the counted field counts under
 * {@value #ABSENT}. Cost per record: one field lookup per configured field.
 */
public final class RecordFieldMetrics {

    /** The dimension value of records without the counted field. */
    public static final String ABSENT = "None";
    /** Longer field values are cut to this length before they become dimension values. */
    static final int MAX_VALUE_LENGTH = 256;

    private final FieldPath countField;
    private final TaskMetrics.Family<Counter> processed;
    private final List<Map.Entry<FieldPath, Summary>> averages = new ArrayList<>();

    private RecordFieldMetrics(CloudWatchMetricsConfig.Settings settings, TaskMetrics metrics) {
        String count = settings.countByField().orElse(null);
        countField = count == null ? null : FieldPath.of(count);
        processed = count == null ? null : metrics.counters(CloudWatchMetricsConfig.RECORDS_PROCESSED,
                MetricUnit.COUNT, MetricScope.BOTH, "Records received, by " + count, settings.maxFieldValues(),
                MetricNames.camelCase(count.substring(count.lastIndexOf('.') + 1)));
        settings.averageFields().forEach((field, name) -> averages.add(Map.entry(FieldPath.of(field),
                metrics.summary(name, MetricUnit.NONE, MetricScope.BOTH, "Values of the record field " + field))));
    }

    /** The field metrics the settings ask for, defined in {@code metrics}; null when none is configured. */
    public static RecordFieldMetrics create(CloudWatchMetricsConfig.Settings settings, TaskMetrics metrics) {
        if (settings.countByField().isEmpty() && settings.averageFields().isEmpty()) {
            return null;
        }
        return new RecordFieldMetrics(settings, metrics);
    }

    /** Counts one record a sink received (tombstones are not counted). */
    public void record(ConnectRecord<?> record) {
        Object value = record.value();
        if (value == null) {
            return;
        }
        if (processed != null) {
            Object v = countField.get(value);
            String key = v == null || v == FieldPath.ABSENT ? ABSENT : v.toString();
            if (key.isEmpty()) {
                key = ABSENT;
            } else if (key.length() > MAX_VALUE_LENGTH) {
                key = key.substring(0, MAX_VALUE_LENGTH);
            }
            processed.get(key).increment();
        }
        for (Map.Entry<FieldPath, Summary> a : averages) {
            Object v = a.getKey().get(value);
            if (v instanceof Number n) {
                double d = n.doubleValue();
                if (Double.isFinite(d)) {
                    a.getValue().record(d);
                }
            }
        }
    }
}
