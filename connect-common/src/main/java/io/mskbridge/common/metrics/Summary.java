package io.mskbridge.common.metrics;

/**
 * Observations of a value (a latency, a score, a lag): count, sum, min and max since the last publishing
 * interval (for CloudWatch statistic sets) and over the task's life (for JMX: {@code <Name>Count},
 * {@code <Name>Avg}, {@code <Name>Max}). Cheap enough for once per batch or once per record: one short lock.
 */
public final class Summary {

    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long lifeCount;
    private double lifeSum;
    private double lifeMax = Double.NEGATIVE_INFINITY;

    Summary() {
    }

    /** Adds one observation. */
    public synchronized void record(double value) {
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
        lifeCount++;
        lifeSum += value;
        lifeMax = Math.max(lifeMax, value);
    }

    /** Observations since the task started. */
    public synchronized long count() {
        return lifeCount;
    }

    /** Mean of every observation since the task started; 0 before the first. */
    public synchronized double average() {
        return lifeCount == 0 ? 0 : lifeSum / lifeCount;
    }

    /** Largest observation since the task started; 0 before the first. */
    public synchronized double maximum() {
        return lifeCount == 0 ? 0 : lifeMax;
    }

    /** {count, sum, min, max} since the previous call, or null when nothing was observed; starts a new interval. */
    synchronized double[] drain() {
        if (count == 0) {
            return null;
        }
        double[] s = {count, sum, min, max};
        count = 0;
        sum = 0;
        min = Double.POSITIVE_INFINITY;
        max = Double.NEGATIVE_INFINITY;
        return s;
    }
}
