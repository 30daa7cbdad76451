package io.mskbridge.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** What s3.partition.time.field reads under each s3.partition.time.format. */
class PartitionTimeTest {

    private static final long T = Instant.parse("2026-11-22T04:05:47.123Z").toEpochMilli();

    private static long read(String format, Object value) {
        Map<String, Object> v = new HashMap<>();
        v.put("ts", value);
        return PartitionTime.of("ts", format).of(new SinkRecord("t", 0, null, null, null, v, 7));
    }

    @Test
    void autoReadsIsoTextAndEpochMillis() {
        assertThat(read("auto", "2026-11-22T04:05:47.123Z")).isEqualTo(T);
        assertThat(read("auto", "2026-11-22T05:05:47.123+01:00")).isEqualTo(T);
        assertThat(read("auto", "2026-11-22T04:05:47.123")).as("no offset: UTC").isEqualTo(T);
        assertThat(read("auto", T)).isEqualTo(T);
        assertThat(read("auto", Long.toString(T))).isEqualTo(T);
        assertThat(read(null, new Date(T))).isEqualTo(T);
        assertThatThrownBy(() -> read("auto", T / 1000.0)).isInstanceOf(DataException.class)
                .hasMessageContaining("'ts'").hasMessageContaining("offset=7");
    }

    @Test
    void epochUnitsReadNumbersAndNumericStrings() {
        assertThat(read("epoch_seconds", T / 1000)).isEqualTo(T - 123);
        assertThat(read("epoch_seconds", 1_795_320_347.123)).as("Python's time.time()").isEqualTo(T);
        assertThat(read("epoch_seconds", "1795320347.1239")).as("cut at the millisecond").isEqualTo(T);
        assertThat(read("epoch_millis", T)).isEqualTo(T);
        assertThat(read("epoch_millis", Long.toString(T))).isEqualTo(T);
        assertThat(read("epoch_micros", T * 1000 + 999)).isEqualTo(T);
        assertThat(read("epoch_micros", new Date(T))).as("a Connect Timestamp in any format").isEqualTo(T);
        assertThatThrownBy(() -> read("epoch_millis", 1.5)).isInstanceOf(DataException.class)
                .hasMessageContaining("epoch_millis");
        assertThatThrownBy(() -> read("epoch_seconds", "2026-11-22")).isInstanceOf(DataException.class)
                .hasMessageContaining("'ts'").hasMessageContaining("epoch_seconds");
    }

    @Test
    void aPatternReadsTextInItsShapeAsUtcUnlessItCarriesAZone() {
        assertThat(read("yyyy/MM/dd HH:mm:ss.SSS", "2026/11/22 04:05:47.123")).isEqualTo(T);
        assertThat(read("EEE, dd MMM yyyy HH:mm:ss zzz", "Sun, 22 Nov 2026 05:05:47 CET")).isEqualTo(T - 123);
        assertThat(read("yyyyMMdd", "20261122")).as("a date: its midnight UTC")
                .isEqualTo(Instant.parse("2026-11-22T00:00:00Z").toEpochMilli());
        assertThat(read("yyyyMMdd", T)).as("numbers as in auto").isEqualTo(T);
        assertThatThrownBy(() -> read("yyyy/MM/dd HH:mm:ss.SSS", "2026-11-22T04:05:47.123Z"))
                .isInstanceOf(DataException.class).hasMessageContaining("s3.partition.time.format");
    }

    @Test
    void aFormatThatIsNoPatternOrGivesNoDateIsAConfigError() {
        Map<String, String> p = TaskDriver.props(java.net.URI.create("http://localhost:1"), "bucket");
        p.put("s3.partition.time.field", "ts");
        for (String bad : new String[] {"epoch_nanos", "HH:mm", "yyyy-MM-dd'T"}) {
            p.put("s3.partition.time.format", bad);
            assertThatThrownBy(() -> new S3ArchiveSinkConfig(p)).as(bad).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("s3.partition.time.format");
        }
        p.put("s3.partition.time.format", "dd.MM.yyyy HH:mm");
        assertThat(new S3ArchiveSinkConfig(p).partitionTimeFormat()).isEqualTo("dd.MM.yyyy HH:mm");
    }
}
