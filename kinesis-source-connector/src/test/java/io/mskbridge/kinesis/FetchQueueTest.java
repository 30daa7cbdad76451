package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** The queue's bound in bytes (its bound in records is exercised through the task and the reader). */
class FetchQueueTest {

    static List<SourceRecord> records(int n) {
        List<SourceRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new SourceRecord(null, null, "t", null, i));
        }
        return out;
    }

    static long[] sizes(int n, long each) {
        long[] s = new long[n];
        Arrays.fill(s, each);
        return s;
    }

    @Test
    void theQueueIsFullOnceItHoldsItsBoundInBytesWhateverTheRecordCount() throws Exception {
        FetchQueue q = new FetchQueue(1_000, 1_000);
        q.addAll(records(3), sizes(3, 300));
        assertThat(q.bytes()).isEqualTo(900);
        assertThat(q.hasRoom()).as("900 of 1,000 bytes").isTrue();
        // A fetcher asked before its call, so its whole batch goes in: the bound is exceeded by at most a batch.
        q.addAll(records(4), sizes(4, 300));
        assertThat(q.bytes()).isEqualTo(2_100);
        assertThat(q.size()).as("far below 1,000 records").isEqualTo(7);
        assertThat(q.hasRoom()).isFalse();

        assertThat(q.drain(4, 0)).hasSize(4);
        assertThat(q.bytes()).isEqualTo(900);
        assertThat(q.hasRoom()).isTrue();
        q.addAll(records(1), sizes(1, 100));
        assertThat(q.hasRoom()).as("exactly at the bound is full").isFalse();
        assertThat(q.drain(10, 0)).hasSize(4);
        assertThat(q.bytes()).isZero();
        assertThat(q.hasRoom()).isTrue();
    }
}
