package io.mskbridge.common.metrics;

import java.util.Map;

/**
 * What one metric did during one publishing interval, as a statistic set: {@code count} observations summing to
 * {@code sum}, between {@code min} and {@code max}. A counter's interval is one observation of its increase; a
 * gauge's is one observation of its value. {@code dimensions} are the metric's own (e.g. {@code Stream}); the
 * publisher adds the connector's.
 */
public record MetricSample(String name, MetricUnit unit, Map<String, String> dimensions, long timestampMillis,
                           double count, double sum, double min, double max) {

    /** One observation of {@code value}. */
    public static MetricSample single(String name, MetricUnit unit, Map<String, String> dimensions,
                                      long timestampMillis, double value) {
        return new MetricSample(name, unit, dimensions, timestampMillis, 1, value, value, value);
    }
}
