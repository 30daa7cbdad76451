package io.mskbridge.common.metrics;

/** Where a metric is visible: JMX, the CloudWatch publisher, or both. */
public enum MetricScope {
    /** A JMX attribute and a CloudWatch metric. */
    BOTH(true, true),
    /** A JMX attribute only (e.g. per shard: shard ids are never CloudWatch dimensions). */
    JMX(true, false),
    /** A CloudWatch metric only (e.g. statistics per interval that have no meaning as a JMX total). */
    CLOUDWATCH(false, true);

    final boolean jmx;
    final boolean cloudWatch;

    MetricScope(boolean jmx, boolean cloudWatch) {
        this.jmx = jmx;
        this.cloudWatch = cloudWatch;
    }
}
