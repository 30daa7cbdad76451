package io.mskbridge.smt;

import java.math.RoundingMode;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.transforms.Transformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.apache.kafka.connect.transforms.util.Requirements.requireMap;
import static org.apache.kafka.connect.transforms.util.Requirements.requireStruct;

/**
 * Converts a decimal amount in major units to an exact {@code long} in the currency's minor units
 * (19.99 USD → 1999, 500 JPY → 500, 1.234 KWD → 1234), replacing the seed's {@code int(amount * 100)},
 * which truncated binary floating point (19.99 → 1998). All arithmetic is decimal; a {@code double} is read
 * through its shortest representation.
 *
 * @param <R> the record type
 */
public abstract class AmountToMinorUnits<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    private static final Logger log = LoggerFactory.getLogger(AmountToMinorUnits.class);

    public static final String OVERVIEW_DOC = "Adds the amount in the currency's minor units as an exact 64-bit "
            + "integer (19.99 USD becomes 1999), using decimal arithmetic and a configurable rounding mode."
            + "<p/>Use the concrete transformation type designed for the record value (<code>"
            + AmountToMinorUnits.Value.class.getName() + "</code>).";

    public static final ConfigDef CONFIG_DEF = AmountToMinorUnitsConfig.configDef();

    private static final String PURPOSE = "amount conversion";
    private static final Schema TARGET_SCHEMA = Schema.OPTIONAL_INT64_SCHEMA;

    private String amountField;
    private String targetField;
    private String currencyField;
    private int defaultDigits;
    private RoundingMode roundingMode;
    private InvalidRecordHandler invalid;
    private SchemaCache schemaUpdateCache;
    // Records of one stream rarely change currency: remember the last lookup instead of hashing each time.
    private String lastCurrency;
    private int lastDigits;

    @Override
    public void configure(Map<String, ?> props) {
        AmountToMinorUnitsConfig config = new AmountToMinorUnitsConfig(props);
        amountField = config.amountField();
        targetField = config.targetField();
        currencyField = config.currencyField();
        defaultDigits = config.defaultCurrency().getDefaultFractionDigits();
        roundingMode = config.roundingMode();
        invalid = InvalidRecordHandler.from("AmountToMinorUnits", config);
        schemaUpdateCache = new SchemaCache();
        lastCurrency = null;
        log.info("AmountToMinorUnits configured: {} -> {}, currency.field={}, default.currency={}, rounding={}, on.invalid={}",
                amountField, targetField, currencyField, config.defaultCurrency(), roundingMode, invalid.mode());
    }

    @Override
    public R apply(R record) {
        Object value = operatingValue(record);
        if (value == null) {
            return record;
        }
        Schema schema = operatingSchema(record);
        return schema == null ? applySchemaless(record, requireMap(value, PURPOSE))
                : applyWithSchema(record, requireStruct(value, PURPOSE));
    }

    private R applySchemaless(R record, Map<String, Object> map) {
        Object amount = map.get(amountField);
        if (amount == null) {
            return record;
        }
        long minor;
        try {
            minor = convert(amount, currencyField.isEmpty() ? null : map.get(currencyField));
        } catch (IllegalArgumentException e) {
            return invalid.reject(record, "field '" + amountField + "': " + e.getMessage());
        }
        Map<String, Object> updated = OwnedMap.writable(map, 1);
        updated.put(targetField, minor);
        return newRecord(record, null, updated);
    }

    private R applyWithSchema(R record, Struct struct) {
        Schema schema = struct.schema();
        Field amountF = schema.field(amountField);
        if (amountF == null) {
            return record;
        }
        Object amount = struct.get(amountF);
        Long minor = null;
        if (amount != null) {
            try {
                minor = convert(amount, currencyField.isEmpty() ? null : StructSchemas.get(struct, currencyField));
            } catch (IllegalArgumentException e) {
                return invalid.reject(record, "field '" + amountField + "': " + e.getMessage());
            }
        }
        Schema updatedSchema = schemaUpdateCache.get(schema);
        if (updatedSchema == null) {
            updatedSchema = StructSchemas.extend(schema, new String[]{targetField}, new Schema[]{TARGET_SCHEMA});
            schemaUpdateCache.put(schema, updatedSchema);
        }
        Struct updated = StructSchemas.copy(struct, updatedSchema);
        updated.put(targetField, minor);
        return newRecord(record, updatedSchema, updated);
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

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public String version() {
        return SmtVersion.VERSION;
    }

    @Override
    public void close() {
        schemaUpdateCache = null;
    }

    protected abstract Schema operatingSchema(R record);

    protected abstract Object operatingValue(R record);

    protected abstract R newRecord(R record, Schema updatedSchema, Object updatedValue);

    /** Converts the amount in the record value. */
    public static class Value<R extends ConnectRecord<R>> extends AmountToMinorUnits<R> {
        @Override
        protected Schema operatingSchema(R record) {
            return record.valueSchema();
        }

        @Override
        protected Object operatingValue(R record) {
            return record.value();
        }

        @Override
        protected R newRecord(R record, Schema updatedSchema, Object updatedValue) {
            return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                    updatedSchema, updatedValue, record.timestamp());
        }
    }
}
