package io.mskbridge.common.metrics;

/** The unit of a metric, spelled as CloudWatch's {@code StandardUnit} spells it. */
public enum MetricUnit {
    COUNT("Count"),
    BYTES("Bytes"),
    MILLISECONDS("Milliseconds"),
    NONE("None");

    private final String cloudWatchName;

    MetricUnit(String cloudWatchName) {
        this.cloudWatchName = cloudWatchName;
    }

    /** The name CloudWatch uses for this unit. */
    public String cloudWatchName() {
        return cloudWatchName;
    }
}
