package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The "is this parent finished" probe against the in-memory Kinesis. */
class ShardProgressTest {

    static final String STREAM = KinesisSourceTaskTest.STREAM;

    final FakeKinesis kinesis = new FakeKinesis(STREAM);

    /**
     * A closed shard of three KPL aggregates whose user records all lie outside the spec's hash range (the lower
     * half; they were routed to the upper), served one per page: the probe reads all three to decide.
     */
    ShardSpec closedShardOfForeignRecords() throws Exception {
        kinesis.shard("shardId-0", null).closed = true;
        byte[] upper = DeaggregatorTest.bytes(DeaggregatorTest.reshardAggregate("after", "high"));
        for (int i = 0; i < 3; i++) {
            kinesis.put("shardId-0", "k", upper);
        }
        kinesis.pageSize = 1;
        return new ShardSpec(STREAM, "shardId-0", ShardSpec.Start.TRIM_HORIZON, DeaggregatorTest.LOW, List.of());
    }

    @Test
    void aProbeThatTakesSeveralCallsSpacesThemAsAReaderAtItsShareWould() throws Exception {
        ShardSpec spec = closedShardOfForeignRecords();
        ReadPacing pacing = new ReadPacing(0.5);

        assertThat(ShardProgress.finished(kinesis, spec, null, pacing)).as("nothing it owns is left").isTrue();

        List<Long> at = kinesis.getRecordsCallNanos;
        assertThat(at).hasSize(3);
        for (int i = 1; i < at.size(); i++) {
            assertThat(TimeUnit.NANOSECONDS.toMillis(at.get(i) - at.get(i - 1)))
                    .as("gap before probe call %d", i + 1).isGreaterThanOrEqualTo(pacing.callIntervalMs());
        }
    }

    @Test
    void anInterruptedProbeAnswersNotYetAndKeepsTheInterrupt() throws Exception {
        ShardSpec spec = closedShardOfForeignRecords();
        Thread.currentThread().interrupt();
        try {
            assertThat(ShardProgress.finished(kinesis, spec, null, new ReadPacing(0.5))).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(kinesis.getRecordsCalls.get()).as("stopped before its second call").isEqualTo(1);
    }
}
