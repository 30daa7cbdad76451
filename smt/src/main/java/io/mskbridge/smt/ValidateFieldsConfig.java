package io.mskbridge.smt;

import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;

/** Configuration of {@link ValidateFields}. */
public final class ValidateFieldsConfig extends TransformConfig {

    public static final String REQUIRED_FIELDS_CONFIG = "required.fields";
    public static final String REQUIRED_FIELDS_DEFAULT = "event_type,timestamp";
    public static final String ALLOW_NULL_CONFIG = "required.fields.allow.null";
    public static final String FIELD_TYPES_CONFIG = "field.types";
    public static final String PAYLOAD_ERROR_HEADERS_CONFIG = "payload.error.headers";
    /** The header the Kinesis source sets on a payload it could not decompress or parse. */
    public static final String PAYLOAD_ERROR_HEADERS_DEFAULT = "kinesis.payload.error";

    public static ConfigDef configDef() {
        ConfigDefBuilder keys = new ConfigDefBuilder().group("Validation")
                .fieldList(REQUIRED_FIELDS_CONFIG, REQUIRED_FIELDS_DEFAULT, Importance.HIGH,
                        "Top-level fields every record value must contain (the seed's validate_schema). A field "
                                + "whose value is null counts as missing unless " + ALLOW_NULL_CONFIG + "=true.",
                        "Required fields")
                .define(ALLOW_NULL_CONFIG, ConfigDef.Type.BOOLEAN, false, null, Importance.LOW,
                        "Whether a required field that is present with a null value is acceptable. The seed only "
                                + "checked presence ('field not in data'); the default is stricter because a null "
                                + "event_type or timestamp breaks the sinks' keys all the same.",
                        ConfigDef.Width.SHORT, "Allow null required fields")
                .define(FIELD_TYPES_CONFIG, ConfigDef.Type.LIST, "", Validators.fieldTypes(), Importance.MEDIUM,
                        "Optional type checks as field:type pairs, e.g. 'amount:number,timestamp:timestamp'. A typed "
                                + "field is checked only when present and non-null (list it in " + REQUIRED_FIELDS_CONFIG
                                + " too to require it). Types: string; number (any finite number or Decimal, not a "
                                + "numeric string); integer (integral types or a Decimal without fraction; not a "
                                + "double); boolean; timestamp (ISO-8601 with Z or an offset, offset-less read as UTC, "
                                + "epoch millis as a number or digit string, or a Connect Timestamp); map or object "
                                + "(a JSON object or Struct); array.",
                        ConfigDef.Width.LONG, "Field types")
                .define(PAYLOAD_ERROR_HEADERS_CONFIG, ConfigDef.Type.LIST, PAYLOAD_ERROR_HEADERS_DEFAULT,
                        Validators.distinctValues(), Importance.MEDIUM,
                        "Headers with which a source marks a payload it could not decode (the Kinesis source sets "
                                + "kinesis.payload.error on data it could not decompress or parse, and passes the "
                                + "original bytes on). A record carrying one of them is invalid whatever its value, "
                                + "with the header's text in the reason. Empty to ignore such headers. Independently "
                                + "of this list, a value that is not an object (a Map or Struct), e.g. a string, "
                                + "bytes, a number or an array, is invalid; a null value (tombstone) passes.",
                        ConfigDef.Width.LONG, "Payload error headers");
        return InvalidRecordHandler.define(keys).build();
    }

    public ValidateFieldsConfig(Map<?, ?> originals) {
        super(configDef(), originals);
    }

    Map<String, FieldType> fieldTypes() {
        return FieldType.parseSpecs(FIELD_TYPES_CONFIG, getList(FIELD_TYPES_CONFIG));
    }
}
