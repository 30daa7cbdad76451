package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The task-level lag attributes: the worst of the shards the task still reads. */
class KinesisSourceTaskMetricsTest {

    final AtomicLong clock = new AtomicLong(50_000);
    final KinesisSourceTaskMetrics metrics = new KinesisSourceTaskMetrics(() -> 0, () -> 0, clock::get);

    long attribute(String name) throws Exception {
        return (Long) metrics.getAttribute(name);
    }

    @Test
    void lagIsTheMaximumOverTheShardsStillReadAndEndedShardsDropOut() throws Exception {
        assertThat(attribute("MillisBehindLatestMax")).isEqualTo(-1L);
        assertThat(attribute("MillisSinceLastSuccessfulFetch")).isZero();
        KinesisSourceTaskMetrics.ShardStats a = metrics.shard("s", "shardId-0");
        KinesisSourceTaskMetrics.ShardStats b = metrics.shard("s", "shardId-1");

        clock.addAndGet(1000);
        metrics.recordBatch(a, 10, 100, 5000L);
        assertThat(attribute("MillisBehindLatestMax")).isEqualTo(5000L);
        assertThat(attribute("MillisSinceLastSuccessfulFetch")).as("b never answered since it was taken on")
                .isEqualTo(1000L);

        clock.addAndGet(2000);
        metrics.recordBatch(b, 0, 0, 200L);
        assertThat(attribute("MillisBehindLatestMax")).isEqualTo(5000L);
        assertThat(attribute("MillisSinceLastSuccessfulFetch")).isEqualTo(2000L);
        metrics.recordBatch(a, 0, 0, null);
        assertThat(attribute("MillisBehindLatestMax")).as("no MillisBehindLatest keeps the last").isEqualTo(5000L);
        assertThat(attribute("MillisSinceLastSuccessfulFetch")).isZero();

        clock.addAndGet(60_000);
        metrics.ended(a);
        metrics.recordBatch(b, 0, 0, 0L);
        assertThat(attribute("MillisBehindLatestMax")).isZero();
        assertThat(attribute("MillisSinceLastSuccessfulFetch")).isZero();
        metrics.ended(b);
        clock.addAndGet(60_000);
        assertThat(attribute("MillisBehindLatestMax")).isEqualTo(-1L);
        assertThat(attribute("MillisSinceLastSuccessfulFetch")).as("nothing left to read is no lag").isZero();
        assertThat(metrics.getMBeanInfo().getAttributes()).extracting(a2 -> a2.getName())
                .contains("MillisBehindLatestMax", "MillisSinceLastSuccessfulFetch");
    }
}
