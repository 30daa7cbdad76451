package io.mskbridge.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * {@code s3.store.kafka.keys} / {@code s3.store.kafka.headers}: each record is written as an envelope
 * {@code {key, headers, topic, partition, offset, timestamp, value}} (key and headers only when asked for).
 *
 * <p>JSON Lines: key and header values as JSON values (strings as strings, Structs and maps as objects, bytes as
 * base64). Avro and Parquet: the record {@code io.mskbridge.s3.KafkaRecord} of {@link #schema}; key and header
 * values as optional strings (a string as it is, anything else as its JSON text), so the envelope's schema
 * does not depend on the key converter and a Parquet column keeps one type.
 */
final class KafkaEnvelope {

    static final String NAMESPACE = "io.mskbridge.s3";
    private static final JsonFactory JSON = new JsonFactory();

    private final boolean keys;
    private final boolean headers;
    private final Map<Schema, Schema> schemas = new IdentityHashMap<>();
    private final Schema headerSchema;

    KafkaEnvelope(boolean keys, boolean headers) {
        this.keys = keys;
        this.headers = headers;
        this.headerSchema = SchemaBuilder.record("KafkaHeader").namespace(NAMESPACE).fields()
                .requiredString("key").optionalString("value").endRecord();
    }

    /** Null when neither option is on (records are written bare). */
    static KafkaEnvelope of(S3ArchiveSinkConfig config) {
        return config.storeKafkaKeys() || config.storeKafkaHeaders()
                ? new KafkaEnvelope(config.storeKafkaKeys(), config.storeKafkaHeaders()) : null;
    }

    /** The Avro envelope around a value schema; the same instance for the same value schema. */
    Schema schema(Schema value) {
        Schema s = schemas.get(value);
        if (s == null) {
            if (schemas.size() > 1000) {
                schemas.clear();
            }
            SchemaBuilder.FieldAssembler<Schema> f = SchemaBuilder.record("KafkaRecord").namespace(NAMESPACE)
                    .doc("A Kafka record archived by the MSK Bridge S3 sink").fields();
            if (keys) {
                f = f.optionalString("key");
            }
            if (headers) {
                f = f.name("headers").type().nullable().array().items(headerSchema).noDefault();
            }
            Schema ts = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
            s = f.requiredString("topic").requiredInt("partition").requiredLong("offset")
                    .name("timestamp").type().optional().type(ts)
                    .name("value").type(value).noDefault()
                    .endRecord();
            schemas.put(value, s);
        }
        return s;
    }

    /** The envelope record of {@code r} around an already converted Avro value. */
    GenericData.Record wrap(SinkRecord r, Object value, Schema envelope) throws IOException {
        GenericData.Record e = new GenericData.Record(envelope);
        if (keys) {
            e.put("key", text(r.keySchema(), r.key()));
        }
        if (headers) {
            List<GenericData.Record> hs = new ArrayList<>();
            for (Header h : r.headers()) {
                GenericData.Record hr = new GenericData.Record(headerSchema);
                hr.put("key", h.key());
                hr.put("value", text(h.schema(), h.value()));
                hs.add(hr);
            }
            e.put("headers", hs);
        }
        e.put("topic", r.topic());
        e.put("partition", r.kafkaPartition());
        e.put("offset", r.kafkaOffset());
        e.put("timestamp", r.timestamp());
        e.put("value", value);
        return e;
    }

    /** A key or header value as Avro/Parquet store it: a string as it is, anything else as JSON text. */
    static String text(org.apache.kafka.connect.data.Schema schema, Object v) throws IOException {
        if (v == null || v instanceof String) {
            return (String) v;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            JsonValueWriter.write(g, schema, v);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Writes the JSON Lines envelope of {@code r}; the value is written by {@code value}. */
    void writeJson(JsonGenerator g, SinkRecord r) throws IOException {
        g.writeStartObject();
        if (keys) {
            g.writeFieldName("key");
            JsonValueWriter.write(g, r.keySchema(), r.key());
        }
        if (headers) {
            g.writeArrayFieldStart("headers");
            for (Header h : r.headers()) {
                g.writeStartObject();
                g.writeStringField("key", h.key());
                g.writeFieldName("value");
                JsonValueWriter.write(g, h.schema(), h.value());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeStringField("topic", r.topic());
        g.writeNumberField("partition", r.kafkaPartition());
        g.writeNumberField("offset", r.kafkaOffset());
        g.writeFieldName("timestamp");
        if (r.timestamp() == null) {
            g.writeNull();
        } else {
            g.writeNumber(r.timestamp());
        }
        g.writeFieldName("value");
        JsonValueWriter.write(g, r.valueSchema(), r.value());
        g.writeEndObject();
    }
}
