package io.mskbridge.smt;

import java.math.RoundingMode;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;

import io.mskbridge.common.config.ConfigEnums;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;

/** Configuration of {@link AmountToMinorUnits}. */
public final class AmountToMinorUnitsConfig extends TransformConfig {

    public static final String AMOUNT_FIELD_CONFIG = "amount.field";
    public static final String TARGET_FIELD_CONFIG = "target.field";
    public static final String CURRENCY_FIELD_CONFIG = "currency.field";
    public static final String DEFAULT_CURRENCY_CONFIG = "default.currency";
    public static final String ROUNDING_MODE_CONFIG = "rounding.mode";

    public static ConfigDef configDef() {
        ConfigDefBuilder keys = new ConfigDefBuilder().group("Amount")
                .field(AMOUNT_FIELD_CONFIG, "amount", Importance.HIGH,
                        "Field holding the amount in major units (e.g. 19.99 dollars): a number, a numeric string or "
                                + "a Connect Decimal. A record without it, or with null, passes through unchanged "
                                + "(Struct records still get the target field, null, so the output schema is stable).",
                        "Amount field")
                .field(TARGET_FIELD_CONFIG, "amount_cents", Importance.HIGH,
                        "Output field for the amount in minor units, an exact 64-bit integer (optional INT64 in Struct "
                                + "schemas). An existing field of that name is overwritten.",
                        "Target field")
                .optionalField(CURRENCY_FIELD_CONFIG, "", Importance.MEDIUM,
                        "Field holding the ISO 4217 currency code that decides the minor units (JPY 0, USD 2, KWD 3). "
                                + "Empty: every amount is in " + DEFAULT_CURRENCY_CONFIG + ". A record without the "
                                + "field (or null) uses " + DEFAULT_CURRENCY_CONFIG + "; an unknown code is an invalid "
                                + "record.",
                        "Currency field")
                .define(DEFAULT_CURRENCY_CONFIG, ConfigDef.Type.STRING, "USD", Validators.currencyCode(),
                        Importance.MEDIUM, "Currency used when there is no currency field or value.",
                        ConfigDef.Width.SHORT, "Default currency")
                .choice(ROUNDING_MODE_CONFIG, RoundingMode.class, RoundingMode.HALF_EVEN.name(), Importance.MEDIUM,
                        "java.math.RoundingMode applied to digits below the minor unit. HALF_EVEN (banker's rounding) "
                                + "by default; UNNECESSARY rejects amounts with sub-minor-unit precision as invalid. "
                                + "The seed's int(amount * 100) truncated binary floating point (19.99 became 1998); "
                                + "this transform reads the decimal the producer wrote, so 19.99 is 1999 in every mode.",
                        "Rounding mode");
        return InvalidRecordHandler.define(keys).build();
    }

    public AmountToMinorUnitsConfig(Map<?, ?> originals) {
        super(configDef(), originals);
    }

    Currency defaultCurrency() {
        return Currency.getInstance(getString(DEFAULT_CURRENCY_CONFIG).trim().toUpperCase(Locale.ROOT));
    }

    RoundingMode roundingMode() {
        return ConfigEnums.parse(RoundingMode.class, ROUNDING_MODE_CONFIG, getString(ROUNDING_MODE_CONFIG));
    }
}
