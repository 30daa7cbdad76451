package io.mskbridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mskbridge.harness.CloudWatchServer.Datum;

class CloudWatchPrintoutTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:10Z");

    private static Map<String, String> dims(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Datum set(String connector, String name, String unit, double n, double sum, double min, double max,
                             String... moreDims) {
        Map<String, String> d = dims("ConnectorName", connector);
        d.putAll(dims(moreDims));
        return new Datum("MSKBridge", name, d, unit, T, null, n, sum, min, max);
    }

    @Test
    void tableCombinesEachSeriesPointsPerConnectorWithUnitAndStatistics() {
        List<String> table = CloudWatchPrintout.table(List.of(
                set("kinesis-source", "MillisBehindLatest", "Milliseconds", 4, 1000, 0, 700, "Stream", "main"),
                set("kinesis-source", "MillisBehindLatest", "Milliseconds", 2, 100, 20, 80, "Stream", "main"),
                set("kinesis-source", "RecordsRead", "Count", 1, 250, 250, 250, "Stream", "main"),
                set("s3-archive-processed", "DataQualityScore", "None", 3, 2.5, 0.5, 1, "EventType", "click"),
                set("s3-archive-processed", "RecordsProcessed", "Count", 1, 12000, 12000, 12000, "EventType",
                        "click")));
        assertThat(table).containsExactly(
                "  namespace MSKBridge, connector kinesis-source (2 series):",
                "    Metric              Dimensions   Unit          Points  Samples    Sum  Min  Max  Average",
                "    MillisBehindLatest  Stream=main  Milliseconds       2        6  1,100    0  700  183.333",
                "    RecordsRead         Stream=main  Count              1        1    250  250  250      250",
                "  namespace MSKBridge, connector s3-archive-processed (2 series):",
                "    Metric            Dimensions       Unit   Points  Samples     Sum     Min     Max  Average",
                "    DataQualityScore  EventType=click  None        1        3     2.5     0.5       1    0.833",
                "    RecordsProcessed  EventType=click  Count       1        1  12,000  12,000  12,000   12,000");
    }

    @Test
    void emptyTableSaysSo() {
        assertThat(CloudWatchPrintout.table(List.of())).containsExactly("  (no data points yet)");
    }

    @Test
    void liveLineShowsTimeConnectorMetricDimensionsStatisticsAndUnit() {
        assertThat(CloudWatchPrintout.line(set("dynamodb-sink-events", "BatchLatency", "Milliseconds", 3, 45, 10,
                20))).isEqualTo(String.format("  10:00:10 %-28s %-30s %-34s %s", "dynamodb-sink-events",
                        "BatchLatency", "-", "samples 3 sum 45 min 10 max 20 Milliseconds"));
        Datum single = new Datum("MSKBridge", "ItemsWritten", dims("ConnectorName", "c", "Task", "0"), "Count", null,
                7.0, null, null, null, null);
        assertThat(CloudWatchPrintout.line(single)).endsWith("Task=0" + " ".repeat(28) + " value 7 Count")
                .startsWith("  --:--:-- c ");
    }
}
