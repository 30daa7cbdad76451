package io.mskbridge.smt;

import java.math.BigDecimal;
import java.math.RoundingMode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** AmountToMinorUnits (and its double fast path) against plain BigDecimal arithmetic. */
class AmountToMinorUnitsPropertiesTest {

    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    /** The reference: shortest decimal of the double, scaled, rounded; null when it does not fit a long. */
    private static Long reference(BigDecimal amount, int digits, RoundingMode mode) {
        BigDecimal r = amount.movePointRight(digits).setScale(0, mode);
        return r.compareTo(LONG_MIN) < 0 || r.compareTo(LONG_MAX) > 0 ? null : r.longValueExact();
    }

    @Provide
    Arbitrary<Double> doubles() {
        return Arbitraries.oneOf(
                // cents-like amounts as a producer writes them
                Arbitraries.longs().between(-10_000_000_000L, 10_000_000_000L).map(c -> c / 100.0),
                Arbitraries.longs().between(-1_000_000_000L, 1_000_000_000L).map(c -> c / 1000.0),
                Arbitraries.doubles().between(-1e15, 1e15),
                Arbitraries.doubles().between(-1, 1).ofScale(12),
                Arbitraries.doubles(),
                Arbitraries.of(0.1 + 0.2, 19.99, 1e-7, -0.0, 0.005, 0.015, 1.005, 92233720368547758.07, 4.35, 1.15));
    }

    @Property(tries = 3000)
    void doublesMatchBigDecimalOfShortestRepresentation(@ForAll("doubles") double amount,
                                                        @ForAll @IntRange(min = 0, max = 4) int digits,
                                                        @ForAll RoundingMode mode) {
        Assume.that(mode != RoundingMode.UNNECESSARY);
        Long expected = reference(BigDecimal.valueOf(amount), digits, mode);
        if (expected == null) {
            assertThatThrownBy(() -> Amounts.toMinorUnits(amount, digits, mode))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
        } else {
            assertThat(Amounts.toMinorUnits(amount, digits, mode)).isEqualTo(expected);
            assertThat(Amounts.toMinorUnits((Object) amount, digits, mode)).isEqualTo(expected);
        }
    }

    @Property(tries = 1000)
    void unnecessaryIsExactOrRejects(@ForAll("doubles") double amount, @ForAll @IntRange(min = 0, max = 3) int digits) {
        BigDecimal scaled = BigDecimal.valueOf(amount).movePointRight(digits);
        boolean exact = scaled.signum() == 0 || scaled.stripTrailingZeros().scale() <= 0;
        Long expected = exact ? reference(BigDecimal.valueOf(amount), digits, RoundingMode.UNNECESSARY) : null;
        if (expected != null) {
            assertThat(Amounts.toMinorUnits(amount, digits, RoundingMode.UNNECESSARY)).isEqualTo(expected);
        } else {
            assertThatThrownBy(() -> Amounts.toMinorUnits(amount, digits, RoundingMode.UNNECESSARY))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Provide
    Arbitrary<BigDecimal> decimals() {
        return Arbitraries.bigDecimals().between(new BigDecimal("-1e20"), new BigDecimal("1e20")).ofScale(6);
    }

    @Property(tries = 2000)
    void numericStringsAndDecimalsMatchBigDecimal(@ForAll("decimals") BigDecimal amount,
                                                  @ForAll @IntRange(min = 0, max = 4) int digits,
                                                  @ForAll RoundingMode mode) {
        Assume.that(mode != RoundingMode.UNNECESSARY);
        Long expected = reference(amount, digits, mode);
        for (Object input : new Object[]{amount, amount.toPlainString(), amount.toString()}) {
            if (expected == null) {
                assertThatThrownBy(() -> Amounts.toMinorUnits(input, digits, mode))
                        .isInstanceOf(IllegalArgumentException.class);
            } else {
                assertThat(Amounts.toMinorUnits(input, digits, mode)).as("%s", input).isEqualTo(expected);
            }
        }
    }

    @Property(tries = 1000)
    void integralInputsAreExact(@ForAll long amount, @ForAll @IntRange(min = 0, max = 3) int digits) {
        Long expected = reference(BigDecimal.valueOf(amount), digits, RoundingMode.UNNECESSARY);
        if (expected == null) {
            assertThatThrownBy(() -> Amounts.toMinorUnits(amount, digits, RoundingMode.HALF_EVEN))
                    .hasMessageContaining("does not fit");
        } else {
            assertThat(Amounts.toMinorUnits((Object) amount, digits, RoundingMode.HALF_EVEN)).isEqualTo(expected);
        }
    }
}
