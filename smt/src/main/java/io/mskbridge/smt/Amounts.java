package io.mskbridge.smt;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Monetary amounts in decimal arithmetic. A {@code double} is read through its shortest decimal
 * representation ({@link BigDecimal#valueOf(double)}), which is what the producer wrote in the JSON:
 * 19.99 is 19.99, not 19.989999999999998436805981327779591083526611328125.
 */
final class Amounts {

    private static final double[] POW10 = {1d, 10d, 100d, 1_000d, 10_000d, 100_000d, 1_000_000d};
    private static final long[] LPOW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L};
    /** Below this magnitude, x * 10^d is unique to within one unit; see {@link #toMinorUnits(double, int, RoundingMode)}. */
    private static final double FAST_LIMIT = 0x1p50;
    private static final BigDecimal TINY = new BigDecimal("0.01");

    private Amounts() {
    }

    /**
     * The value in minor units ({@code amount × 10^digits}), rounded with {@code mode}.
     *
     * @throws IllegalArgumentException for non-numbers, NaN/infinity, long overflow, or rounding needed under
     *                                  {@link RoundingMode#UNNECESSARY}
     */
    static long toMinorUnits(Object v, int digits, RoundingMode mode) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            long l = ((Number) v).longValue();
            try {
                return Math.multiplyExact(l, pow10(digits));
            } catch (ArithmeticException e) {
                throw overflow(v);
            }
        }
        if (v instanceof Double) {
            return toMinorUnits(((Double) v).doubleValue(), digits, mode);
        }
        if (v instanceof Float) {
            float f = (Float) v;
            checkFinite(f, v);
            // Float.toString is the float's own shortest representation; widening to double first would not be.
            return toMinorUnits(new BigDecimal(Float.toString(f)), digits, mode, v);
        }
        return toMinorUnits(toBigDecimal(v), digits, mode, v);
    }

    static long toMinorUnits(double d, int digits, RoundingMode mode) {
        checkFinite(d, d);
        if (digits < POW10.length) {
            double scaled = d * POW10[digits];
            if (Math.abs(scaled) < FAST_LIMIT) {
                double n = Math.rint(scaled);
                // n / 10^d == d exactly means the decimal n×10^-d reads back as d. Below 2^50 no other integer
                // does, so it is the shortest representation scaled, and it is exact: no rounding applies.
                if (n / POW10[digits] == d) {
                    return (long) n;
                }
            }
        }
        return toMinorUnits(BigDecimal.valueOf(d), digits, mode, d);
    }

    static long toMinorUnits(BigDecimal amount, int digits, RoundingMode mode, Object original) {
        if (amount.signum() == 0) {
            return 0L;
        }
        // scaleByPowerOfTen only moves the scale; movePointRight would expand 1E+999999999 into digits.
        BigDecimal scaled = amount.scaleByPowerOfTen(digits);
        // Bound the work: huge exponents in a numeric string would otherwise cost a giant setScale.
        if (scaled.precision() - scaled.scale() > 19) {
            throw overflow(original);
        }
        if (scaled.precision() - scaled.scale() < -1) {
            // |scaled| < 0.01: every rounding mode decides on the sign alone, as it would for ±0.01.
            scaled = scaled.signum() < 0 ? TINY.negate() : TINY;
        }
        try {
            return scaled.setScale(0, mode).longValueExact();
        } catch (ArithmeticException e) {
            if (mode == RoundingMode.UNNECESSARY && scaled.signum() != 0
                    && scaled.stripTrailingZeros().scale() > 0) {
                throw new IllegalArgumentException("amount " + original + " has more than " + digits
                        + " decimal place(s) and rounding.mode is UNNECESSARY");
            }
            throw overflow(original);
        }
    }

    /** Numbers, numeric strings and Connect Decimals as a BigDecimal. */
    static BigDecimal toBigDecimal(Object v) {
        if (v instanceof BigDecimal) {
            return (BigDecimal) v;
        }
        if (v instanceof BigInteger) {
            return new BigDecimal((BigInteger) v);
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof Double) {
            checkFinite((Double) v, v);
            return BigDecimal.valueOf((Double) v);
        }
        if (v instanceof Float) {
            checkFinite((Float) v, v);
            return new BigDecimal(Float.toString((Float) v));
        }
        if (v instanceof CharSequence) {
            String s = v.toString().trim();
            // BigDecimal accepts exponents up to ±2^31; that is a number, but never an amount.
            if (s.isEmpty() || s.length() > 64) {
                throw notNumeric(v);
            }
            try {
                return new BigDecimal(s);
            } catch (NumberFormatException e) {
                throw notNumeric(v);
            }
        }
        throw new IllegalArgumentException("amount must be a number, a numeric string or a Decimal but was "
                + FieldType.describe(v));
    }

    /** The amount as a double for statistics (fraud rules); same accepted inputs as {@link #toBigDecimal}. */
    static double toDouble(Object v) {
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            checkFinite(d, v);
            return d;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        double d = toBigDecimal(v).doubleValue();
        checkFinite(d, v);
        return d;
    }

    private static long pow10(int digits) {
        if (digits < LPOW10.length) {
            return LPOW10[digits];
        }
        return BigInteger.TEN.pow(digits).longValueExact();
    }

    private static void checkFinite(double d, Object original) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("amount " + original + " is not a finite number");
        }
    }

    private static IllegalArgumentException overflow(Object v) {
        return new IllegalArgumentException("amount " + v + " does not fit a 64-bit integer in minor units");
    }

    private static IllegalArgumentException notNumeric(Object v) {
        return new IllegalArgumentException("amount " + FieldType.describe(v) + " is not a decimal number");
    }
}
