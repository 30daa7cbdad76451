package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

class ReadPacingTest {

    @Test
    void callsAreSpacedByTheShareOfFivePerSecond() {
        assertThat(new ReadPacing(1).callIntervalMs()).isEqualTo(200);
        assertThat(new ReadPacing(0.5).callIntervalMs()).isEqualTo(400);
        assertThat(new ReadPacing(0.4).callIntervalMs()).isEqualTo(500);
        assertThat(new ReadPacing(0.3).callIntervalMs()).as("rounded up, never faster").isEqualTo(667);
        assertThat(new ReadPacing(0.5).delayAfter(0)).isEqualTo(400);
    }

    @Test
    void bytesArePaidForAtTheShareOfTwoMegabytesPerSecond() {
        assertThat(new ReadPacing(1).delayAfter(10_000_000)).as("Kinesis: after 10 MB, 5 s without a call")
                .isEqualTo(5000);
        assertThat(new ReadPacing(0.5).delayAfter(1_000_000)).isEqualTo(1000);
        assertThat(new ReadPacing(0.5).delayAfter(1_000_001)).as("rounded up").isEqualTo(1001);
        assertThat(new ReadPacing(1).delayAfter(100_000)).as("small answers: the call spacing").isEqualTo(200);
    }

    @Test
    void anyRunOfCallsAveragesWithinTheShareOfBothLimits() {
        Random random = new Random(7);
        for (double share : new double[] {1, 0.5, 0.4, 0.25, 0.1}) {
            ReadPacing pacing = new ReadPacing(share);
            long millis = 0;
            long bytes = 0;
            int calls = 1000;
            for (int i = 0; i < calls; i++) {
                // Mostly small answers, now and then up to the 10 MB a call may return.
                long b = random.nextInt(10) == 0 ? random.nextInt(10_000_001) : random.nextInt(200_000);
                bytes += b;
                millis += pacing.delayAfter(b);
            }
            double seconds = millis / 1000.0;
            assertThat(calls / seconds).as("calls/s at %s", share).isLessThanOrEqualTo(5 * share);
            assertThat(bytes / seconds).as("bytes/s at %s", share).isLessThanOrEqualTo(2_000_000 * share);
        }
    }

    @Test
    void theShareIsAFractionAboveZeroAndAtMostOne() {
        for (double bad : new double[] {0, -0.5, 1.01, Double.NaN}) {
            assertThatThrownBy(() -> new ReadPacing(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void bytesOfAnAnswerAreItsDataAndPartitionKeys() {
        List<Record> records = List.of(
                Record.builder().partitionKey("abc").data(SdkBytes.fromByteArray(new byte[100])).build(),
                Record.builder().partitionKey("k").data(SdkBytes.fromByteArray(new byte[0])).build());
        assertThat(ReadPacing.bytesOf(records)).isEqualTo(104);
        assertThat(ReadPacing.bytesOf(List.of())).isZero();
    }
}
