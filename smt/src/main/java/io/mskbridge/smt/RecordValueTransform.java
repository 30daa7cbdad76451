package io.mskbridge.smt;

import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.transforms.Transformation;

import static org.apache.kafka.connect.transforms.util.Requirements.requireMap;
import static org.apache.kafka.connect.transforms.util.Requirements.requireStruct;

/**
 * The common shape of this pack's transforms, after Kafka's {@code InsertField}: each works on the record
 * value, passes tombstones and values that are not objects through unchanged ({@link #notAnObject}), reads a
 * schemaless {@code Map} or a {@code Struct} alike through
 * {@link ValueFields}, and writes its output fields into a copy of the value: an {@link OwnedMap}, or a Struct of
 * a derived schema that is cached per input schema. A subclass states only its rule; its nested {@code Value}
 * class is the concrete type users configure.
 *
 * @param <R> the record type
 */
public abstract class RecordValueTransform<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    private static final String[] NO_NAMES = {};
    private static final Schema[] NO_SCHEMAS = {};

    /** Names the transform in Connect's "Only Map objects supported ... for [purpose]" errors. */
    private final String purpose;
    private final ConfigDef configDef;
    private String[] outputNames = NO_NAMES;
    private Schema[] outputSchemas = NO_SCHEMAS;
    private SchemaCache schemaUpdateCache;

    RecordValueTransform(String purpose, ConfigDef configDef) {
        this.purpose = purpose;
        this.configDef = configDef;
    }

    /**
     * A transform's {@code OVERVIEW_DOC}: its summary, then, as in Kafka's own transforms, which concrete class to
     * configure. The README's reference shows only the summary.
     */
    static String overview(String summary, Class<?> valueClass) {
        return summary + "<p/>Use the concrete transformation type designed for the record value (<code>"
                + valueClass.getName() + "</code>).";
    }

    @Override
    public final R apply(R record) {
        Object value = record.value();
        if (value == null) {
            return record;
        }
        Schema schema = record.valueSchema();
        if (schema == null ? !(value instanceof Map) : !(value instanceof Struct)) {
            return notAnObject(record);
        }
        return transform(record, schema == null ? ValueFields.of(requireMap(value, purpose))
                : ValueFields.of(requireStruct(value, purpose)));
    }

    /**
     * The transform's rule for a record whose value is an object: a schemaless {@code Map} or a {@code Struct}.
     *
     * @return the record unchanged, {@link #withOutputs} of it, or what the invalid-record handler returns
     */
    abstract R transform(R record, ValueFields value);

    /**
     * A record whose value is not an object (a string, bytes, a number, an array): it has no field to read and
     * none can be added, so, like a tombstone, it goes on untouched. Throwing instead (what Kafka's
     * {@code InsertField} does) would fail a source task on that record again after every restart and stop the
     * pipeline; whether such a record is acceptable at all is {@link ValidateFields}' decision, which overrides this.
     */
    R notAnObject(R record) {
        return record;
    }

    /**
     * Declares, from {@code configure}, the fields {@link #withOutputs} writes, in order, with their Struct
     * schemas. Schemas derived under an earlier configuration are forgotten.
     */
    final void declareOutputs(String[] names, Schema[] schemas) {
        outputNames = names;
        outputSchemas = schemas;
        schemaUpdateCache = new SchemaCache();
    }

    /** The record with a copy of {@code value} that holds {@code outputs} under the declared output names. */
    final R withOutputs(R record, ValueFields value, Object... outputs) {
        if (!value.hasSchema()) {
            Map<String, Object> updated = OwnedMap.writable(value.map(), outputNames.length);
            for (int i = 0; i < outputNames.length; i++) {
                updated.put(outputNames[i], outputs[i]);
            }
            return newRecord(record, null, updated);
        }
        Struct struct = value.struct();
        Schema updatedSchema = updatedSchema(struct.schema());
        Struct updated = StructSchemas.copy(struct, updatedSchema);
        for (int i = 0; i < outputNames.length; i++) {
            updated.put(outputNames[i], outputs[i]);
        }
        return newRecord(record, updatedSchema, updated);
    }

    private Schema updatedSchema(Schema schema) {
        Schema updated = schemaUpdateCache.get(schema);
        if (updated == null) {
            updated = StructSchemas.extend(schema, outputNames, outputSchemas);
            schemaUpdateCache.put(schema, updated);
        }
        return updated;
    }

    private R newRecord(R record, Schema updatedSchema, Object updatedValue) {
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                updatedSchema, updatedValue, record.timestamp());
    }

    @Override
    public ConfigDef config() {
        return configDef;
    }

    @Override
    public String version() {
        return SmtVersion.VERSION;
    }

    @Override
    public void close() {
        schemaUpdateCache = null;
    }
}
