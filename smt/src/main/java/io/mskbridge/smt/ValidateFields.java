package io.mskbridge.smt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that record values carry the required fields (and optionally that fields have the expected types),
 * the seed Lambda's {@code validate_schema}. A value that is not an object (string, bytes, number, array), or a
 * record whose source says it could not decode the payload ({@code payload.error.headers}), is invalid too.
 * Invalid records fail, are dropped or are routed to an invalid topic ({@code on.invalid}). Valid records pass
 * through untouched; tombstones pass through.
 *
 * @param <R> the record type
 */
public abstract class ValidateFields<R extends ConnectRecord<R>> extends RecordValueTransform<R> {

    private static final Logger log = LoggerFactory.getLogger(ValidateFields.class);

    public static final String OVERVIEW_DOC = overview(
            "Validates that the record value has the required fields, optionally "
            + "with the given types; invalid records fail the task (so errors.tolerance and the DLQ apply), are "
            + "dropped, or are routed to another topic with a '" + InvalidRecordHandler.ERROR_HEADER + "' header.",
            ValidateFields.Value.class);

    public static final ConfigDef CONFIG_DEF = ValidateFieldsConfig.configDef();

    private String[] required;
    private boolean allowNull;
    private String[] typedFields;
    private FieldType[] types;
    private String[] payloadErrorHeaders;
    private InvalidRecordHandler invalid;

    protected ValidateFields() {
        super("field validation", CONFIG_DEF);
    }

    @Override
    public void configure(Map<String, ?> props) {
        ValidateFieldsConfig config = new ValidateFieldsConfig(props);
        List<String> requiredFields = config.trimmedList(ValidateFieldsConfig.REQUIRED_FIELDS_CONFIG);
        required = requiredFields.toArray(new String[0]);
        allowNull = config.getBoolean(ValidateFieldsConfig.ALLOW_NULL_CONFIG);
        Map<String, FieldType> typed = config.fieldTypes();
        typedFields = typed.keySet().toArray(new String[0]);
        types = typed.values().toArray(new FieldType[0]);
        List<String> errorHeaders = config.trimmedList(ValidateFieldsConfig.PAYLOAD_ERROR_HEADERS_CONFIG);
        payloadErrorHeaders = errorHeaders.toArray(new String[0]);
        invalid = InvalidRecordHandler.from("ValidateFields", config);
        log.info("ValidateFields configured: required={}, allowNull={}, types={}, payload.error.headers={}, on.invalid={}",
                requiredFields, allowNull, typed, errorHeaders, invalid.mode());
    }

    @Override
    R transform(R record, ValueFields value) {
        String undecoded = payloadError(record);
        if (undecoded != null) {
            return invalid.reject(record, undecoded);
        }
        List<String> missing = null;
        for (String f : required) {
            if (value.get(f) == null && !(allowNull && value.has(f))) {
                missing = add(missing, f);
            }
        }
        List<String> wrong = null;
        for (int i = 0; i < typedFields.length; i++) {
            Object v = value.get(typedFields[i]);
            if (v != null && !types[i].matches(v)) {
                wrong = add(wrong, typeProblem(typedFields[i], types[i], v));
            }
        }
        String problem = describe(missing, wrong);
        return problem == null ? record : invalid.reject(record, problem);
    }

    /** Not an object: nothing to validate, and nothing a later transform or a sink could read fields from. */
    @Override
    R notAnObject(R record) {
        String undecoded = payloadError(record);
        if (undecoded != null) {
            return invalid.reject(record, undecoded);
        }
        String kind = FieldType.describe(record.value());
        return invalid.reject(record, "value is not an object (a Map without schema or a Struct) but " + kind
                + (record.valueSchema() == null ? "" : " with a " + record.valueSchema().type() + " schema"));
    }

    /** The reason a source gave for not decoding the payload, or null. */
    private String payloadError(R record) {
        for (String name : payloadErrorHeaders) {
            Header h = record.headers().lastWithName(name);
            if (h != null) {
                return "payload not decoded by the source (" + name + ": " + h.value() + ")";
            }
        }
        return null;
    }

    private static String typeProblem(String field, FieldType type, Object v) {
        return "field '" + field + "' must be " + type.label() + " but was " + FieldType.describe(v);
    }

    private static List<String> add(List<String> list, String s) {
        List<String> l = list == null ? new ArrayList<>(2) : list;
        l.add(s);
        return l;
    }

    private static String describe(List<String> missing, List<String> wrong) {
        if (missing == null && wrong == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        if (missing != null) {
            sb.append("missing required field(s) ").append(missing);
        }
        if (wrong != null) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(String.join("; ", wrong));
        }
        return sb.toString();
    }

    /** Validates the record value. */
    public static class Value<R extends ConnectRecord<R>> extends ValidateFields<R> {
    }
}
