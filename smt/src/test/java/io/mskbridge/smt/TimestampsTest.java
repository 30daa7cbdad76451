package io.mskbridge.smt;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Date;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimestampsTest {

    @ParameterizedTest
    @CsvSource({
        "2026-11-22T04:05:47Z, 2026-11-22T04:05:47Z",
        "2026-11-22T04:05:47.123456, 2026-11-22T04:05:47.123Z",
        "2026-11-22T04:05:47.1, 2026-11-22T04:05:47.100Z",
        "2026-11-22T04:05:47.999999999Z, 2026-11-22T04:05:47.999Z",
        "2026-11-22 04:05:47, 2026-11-22T04:05:47Z",
        "2026-11-22T04:05, 2026-11-22T04:05:00Z",
        "2026-11-22T04:05:47+01:00, 2026-11-22T03:05:47Z",
        "2026-11-22T04:05:47-0230, 2026-11-22T06:35:47Z",
        "2026-11-22T04:05:47+01, 2026-11-22T03:05:47Z",
        "2024-02-29T23:59:59.5z, 2024-02-29T23:59:59.500Z",
        "1969-12-31T23:59:59.999Z, 1969-12-31T23:59:59.999Z",
        "2026-11-22T04:05:47+01:00[Europe/Paris], 2026-11-22T03:05:47Z",
        "1700000000000, 2023-11-14T22:13:20Z",
        "-1000, 1969-12-31T23:59:59Z",
    })
    void parses(String text, String expected) {
        assertThat(Timestamps.toEpochMillis(text)).isEqualTo(Instant.parse(expected).toEpochMilli());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2026-02-29T00:00:00Z|out-of-range",
        "2026-11-22T24:00:00Z|out-of-range",
        "2026-11-22T04:60:00Z|out-of-range",
        "2026-11-22|not an ISO-8601 date-time",
        "yesterday|not an ISO-8601 date-time",
        "2026-11-22T4:05:47Z|not an ISO-8601 date-time",
        "2026-11-22T04:05:47+1|not an ISO-8601 date-time",
        "99999999999999999999|out of range",
        "''|empty timestamp",
    })
    void rejects(String text, String message) {
        assertThatThrownBy(() -> Timestamps.toEpochMillis(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void nonStrings() {
        assertThat(Timestamps.toEpochMillis(new Date(5))).isEqualTo(5);
        assertThat(Timestamps.toEpochMillis(5)).isEqualTo(5);
        assertThat(Timestamps.toEpochMillis(5.9)).isEqualTo(5);
        assertThat(Timestamps.toEpochMillis(new BigDecimal("5.9"))).isEqualTo(5);
        assertThat(Timestamps.toEpochMillis(Instant.ofEpochMilli(5))).isEqualTo(5);
        assertThatThrownBy(() -> Timestamps.toEpochMillis(Double.NaN)).hasMessageContaining("not a finite");
        assertThatThrownBy(() -> Timestamps.toEpochMillis(true)).hasMessageContaining("but got boolean");
    }

    /** The hand-written parser agrees with java.time on every instant it formats. */
    @Property(tries = 2000)
    void fastParserAgreesWithJavaTime(@ForAll @LongRange(min = -62_135_596_800_000L + 86_400_000L, max = 253_402_300_799_999L - 86_400_000L) long millis,
                                      @ForAll @IntRange(min = -18 * 60, max = 18 * 60) int offsetMinutes,
                                      @ForAll boolean withOffset) {
        Instant instant = Instant.ofEpochMilli(millis);
        String text;
        if (withOffset) {
            text = instant.atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60)).toString();
        } else {
            text = LocalDateTime.ofInstant(instant, ZoneOffset.UTC).toString();
        }
        assertThat(Timestamps.parseIsoFast(text)).as(text).isEqualTo(millis);
    }
}
