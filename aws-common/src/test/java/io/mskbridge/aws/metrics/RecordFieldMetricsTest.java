package io.mskbridge.aws.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import io.mskbridge.common.metrics.MetricSample;
import io.mskbridge.common.metrics.TaskMetrics;

/** The seed's own metrics from record fields: RecordsProcessed by EventType, DataQualityScore. */
class RecordFieldMetricsTest {

    final TaskMetrics metrics = new TaskMetrics("fields-test-task-metrics", "test", () -> 0L);

    static CloudWatchMetricsConfig.Settings settings(String... kv) {
        Map<String, String> p = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return CloudWatchMetricsConfig.Settings.from(p);
    }

    static SinkRecord record(Object value) {
        return new SinkRecord("events", 0, null, null, null, value, 7);
    }

    @Test
    void countsByFieldValueAndAveragesNumericFieldsUnderTheSeedsNames() {
        RecordFieldMetrics fields = RecordFieldMetrics.create(settings(
                CloudWatchMetricsConfig.COUNT_BY_FIELD, "event_type",
                CloudWatchMetricsConfig.AVERAGE_FIELDS, "quality_score,payload.amount:OrderAmount",
                CloudWatchMetricsConfig.MAX_FIELD_VALUES, "2"), metrics);
        fields.record(record(Map.of("event_type", "click", "quality_score", 80)));
        fields.record(record(Map.of("event_type", "click", "quality_score", 100.0)));
        fields.record(record(Map.of("event_type", "purchase", "quality_score", "n/a",
                "payload", Map.of("amount", 12.5))));
        fields.record(record(Map.of("quality_score", 90)));
        fields.record(record(Map.of("event_type", "view")));
        fields.record(record(null));
        Schema schema = SchemaBuilder.struct().field("event_type", Schema.STRING_SCHEMA)
                .field("quality_score", Schema.INT32_SCHEMA).build();
        fields.record(record(new Struct(schema).put("event_type", "click").put("quality_score", 60)));
        fields.record(record("not an object"));

        assertThat(metrics.drain()).extracting(MetricSample::name, MetricSample::dimensions, MetricSample::count,
                MetricSample::sum, MetricSample::min, MetricSample::max).containsExactlyInAnyOrder(
                tuple("RecordsProcessed", Map.of("EventType", "click"), 1.0, 3.0, 3.0, 3.0),
                tuple("RecordsProcessed", Map.of("EventType", "purchase"), 1.0, 1.0, 1.0, 1.0),
                // Past 2 values: records without the field and later values share Other.
                tuple("RecordsProcessed", Map.of("EventType", "Other"), 1.0, 3.0, 3.0, 3.0),
                tuple("DataQualityScore", Map.of(), 4.0, 330.0, 60.0, 100.0),
                tuple("OrderAmount", Map.of(), 1.0, 12.5, 12.5, 12.5));
    }

    @Test
    void nothingConfiguredIsNoWork() {
        assertThat(RecordFieldMetrics.create(settings(), metrics)).isNull();
    }

    @Test
    void badFieldsAndNamesAreConfigErrorsNamingTheKey() {
        assertThatThrownBy(() -> settings(CloudWatchMetricsConfig.AVERAGE_FIELDS, "score:lower"))
                .isInstanceOf(ConfigException.class).hasMessageContaining(CloudWatchMetricsConfig.AVERAGE_FIELDS)
                .hasMessageContaining("UpperCamelCase");
        assertThatThrownBy(() -> settings(CloudWatchMetricsConfig.AVERAGE_FIELDS, "a_score,a-score"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Two fields give the metric AScore");
        assertThatThrownBy(() -> settings(CloudWatchMetricsConfig.COUNT_BY_FIELD, "a..b"))
                .isInstanceOf(ConfigException.class).hasMessageContaining(CloudWatchMetricsConfig.COUNT_BY_FIELD);
        assertThatThrownBy(() -> settings(CloudWatchMetricsConfig.NAMESPACE, "AWS/Kinesis"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not starting with AWS/");
        assertThat(settings().namespace()).isEqualTo("MSKBridge");
        assertThat(settings().interval().toMillis()).isEqualTo(60_000L);
        assertThat(settings().enabled()).isFalse();
    }
}
