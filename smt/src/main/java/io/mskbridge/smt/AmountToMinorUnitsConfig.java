package io.mskbridge.smt;

import java.math.RoundingMode;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;

import io.mskbridge.common.config.ConfigEnums;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/** Configuration of {@link AmountToMinorUnits}. */
public final class AmountToMinorUnitsConfig extends AbstractConfig {

    public static final String AMOUNT_FIELD_CONFIG = "amount.field";
    public static final String TARGET_FIELD_CONFIG = "target.field";
    public static final String CURRENCY_FIELD_CONFIG = "currency.field";
    public static final String DEFAULT_CURRENCY_CONFIG = "default.currency";
    public static final String ROUNDING_MODE_CONFIG = "rounding.mode";

    private static final String GROUP = "Amount";
    private static final String GROUP_INVALID = "Invalid records";

    public static ConfigDef configDef() {
        ConfigDef def = new ConfigDef()
                .define(AMOUNT_FIELD_CONFIG, ConfigDef.Type.STRING, "amount", Validators.fieldName(),
                        ConfigDef.Importance.HIGH,
                        "Field holding the amount in major units (e.g. 19.99 dollars): a number, a numeric string or "
                                + "a Connect Decimal. A record without it, or with null, passes through unchanged "
                                + "(Struct records still get the target field, null, so the output schema is stable).",
                        GROUP, 1, ConfigDef.Width.MEDIUM, "Amount field")
                .define(TARGET_FIELD_CONFIG, ConfigDef.Type.STRING, "amount_cents", Validators.fieldName(),
                        ConfigDef.Importance.HIGH,
                        "Output field for the amount in minor units, an exact 64-bit integer (optional INT64 in Struct "
                                + "schemas). An existing field of that name is overwritten.",
                        GROUP, 2, ConfigDef.Width.MEDIUM, "Target field")
                .define(CURRENCY_FIELD_CONFIG, ConfigDef.Type.STRING, "", Validators.optionalFieldName(),
                        ConfigDef.Importance.MEDIUM,
                        "Field holding the ISO 4217 currency code that decides the minor units (JPY 0, USD 2, KWD 3). "
                                + "Empty: every amount is in " + DEFAULT_CURRENCY_CONFIG + ". A record without the "
                                + "field (or null) uses " + DEFAULT_CURRENCY_CONFIG + "; an unknown code is an invalid "
                                + "record.",
                        GROUP, 3, ConfigDef.Width.MEDIUM, "Currency field")
                .define(DEFAULT_CURRENCY_CONFIG, ConfigDef.Type.STRING, "USD", Validators.currencyCode(),
                        ConfigDef.Importance.MEDIUM, "Currency used when there is no currency field or value.",
                        GROUP, 4, ConfigDef.Width.SHORT, "Default currency")
                .define(ROUNDING_MODE_CONFIG, ConfigDef.Type.STRING, RoundingMode.HALF_EVEN.name(),
                        ConfigEnums.validator(RoundingMode.class), ConfigDef.Importance.MEDIUM,
                        "java.math.RoundingMode applied to digits below the minor unit. HALF_EVEN (banker's rounding) "
                                + "by default; UNNECESSARY rejects amounts with sub-minor-unit precision as invalid. "
                                + "The seed's int(amount * 100) truncated binary floating point (19.99 became 1998); "
                                + "this transform reads the decimal the producer wrote, so 19.99 is 1999 in every mode.",
                        GROUP, 5, ConfigDef.Width.SHORT, "Rounding mode");
        return InvalidRecordHandler.define(def, GROUP_INVALID, 1);
    }

    public AmountToMinorUnitsConfig(Map<?, ?> originals) {
        super(configDef(), originals, false);
        InvalidRecordHandler.requireRouteTopic(this);
    }

    String amountField() {
        return getString(AMOUNT_FIELD_CONFIG).trim();
    }

    String targetField() {
        return getString(TARGET_FIELD_CONFIG).trim();
    }

    String currencyField() {
        String s = getString(CURRENCY_FIELD_CONFIG);
        return s == null ? "" : s.trim();
    }

    Currency defaultCurrency() {
        return Currency.getInstance(getString(DEFAULT_CURRENCY_CONFIG).trim().toUpperCase(Locale.ROOT));
    }

    RoundingMode roundingMode() {
        return ConfigEnums.parse(RoundingMode.class, ROUNDING_MODE_CONFIG, getString(ROUNDING_MODE_CONFIG));
    }
}
