package io.mskbridge.smt;

import java.math.RoundingMode;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts a decimal amount in major units to an exact {@code long} in the currency's minor units
 * (19.99 USD → 1999, 500 JPY → 500, 1.234 KWD → 1234), replacing the seed's {@code int(amount * 100)},
 * which truncated binary floating point (19.99 → 1998). All arithmetic is decimal; a {@code double} is read
 * through its shortest representation.
 *
 * @param <R> the record type
 */
public abstract class AmountToMinorUnits<R extends ConnectRecord<R>> extends RecordValueTransform<R> {

    private static final Logger log = LoggerFactory.getLogger(AmountToMinorUnits.class);

    public static final String OVERVIEW_DOC = overview(
            "Adds the amount in the currency's minor units as an exact 64-bit "
            + "integer (19.99 USD becomes 1999), using decimal arithmetic and a configurable rounding mode.",
            AmountToMinorUnits.Value.class);

    public static final ConfigDef CONFIG_DEF = AmountToMinorUnitsConfig.configDef();

    private static final Schema TARGET_SCHEMA = Schema.OPTIONAL_INT64_SCHEMA;

    private String amountField;
    private String targetField;
    private String currencyField;
    private int defaultDigits;
    private RoundingMode roundingMode;
    private InvalidRecordHandler invalid;
    // Records of one stream rarely change currency: remember the last lookup instead of hashing each time.
    private String lastCurrency;
    private int lastDigits;

    protected AmountToMinorUnits() {
        super("amount conversion", CONFIG_DEF);
    }

    @Override
    public void configure(Map<String, ?> props) {
        AmountToMinorUnitsConfig config = new AmountToMinorUnitsConfig(props);
        amountField = config.field(AmountToMinorUnitsConfig.AMOUNT_FIELD_CONFIG);
        targetField = config.field(AmountToMinorUnitsConfig.TARGET_FIELD_CONFIG);
        currencyField = config.optionalField(AmountToMinorUnitsConfig.CURRENCY_FIELD_CONFIG);
        defaultDigits = config.defaultCurrency().getDefaultFractionDigits();
        roundingMode = config.roundingMode();
        invalid = InvalidRecordHandler.from("AmountToMinorUnits", config);
        declareOutputs(new String[]{targetField}, new Schema[]{TARGET_SCHEMA});
        lastCurrency = null;
        log.info("AmountToMinorUnits configured: {} -> {}, currency.field={}, default.currency={}, rounding={}, on.invalid={}",
                amountField, targetField, currencyField, config.defaultCurrency(), roundingMode, invalid.mode());
    }

    @Override
    R transform(R record, ValueFields value) {
        Object amount = value.get(amountField);
        // A Struct whose schema has the amount field always gets the target field (null for a null amount), so
        // every record of one input schema leaves with the same output schema.
        if (amount == null && !(value.hasSchema() && value.has(amountField))) {
            return record;
        }
        Long minor = null;
        if (amount != null) {
            try {
                minor = convert(amount, currencyField.isEmpty() ? null : value.get(currencyField));
            } catch (IllegalArgumentException e) {
                return invalid.reject(record, "field '" + amountField + "': " + e.getMessage());
            }
        }
        return withOutputs(record, value, minor);
    }

    private long convert(Object amount, Object currency) {
        return Amounts.toMinorUnits(amount, digitsOf(currency), roundingMode);
    }

    private int digitsOf(Object currency) {
        if (currency == null) {
            return defaultDigits;
        }
        if (!(currency instanceof CharSequence)) {
            throw new IllegalArgumentException("currency field '" + currencyField + "' must be a string but was "
                    + FieldType.describe(currency));
        }
        String code = currency.toString();
        if (code.equals(lastCurrency)) {
            return lastDigits;
        }
        int digits;
        try {
            digits = Currency.getInstance(code.trim().toUpperCase(Locale.ROOT)).getDefaultFractionDigits();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("currency '" + code + "' in field '" + currencyField
                    + "' is not an ISO 4217 code");
        }
        if (digits < 0) {
            throw new IllegalArgumentException("currency '" + code + "' has no minor units");
        }
        lastCurrency = code;
        lastDigits = digits;
        return digits;
    }

    /** Converts the amount in the record value. */
    public static class Value<R extends ConnectRecord<R>> extends AmountToMinorUnits<R> {
    }
}
