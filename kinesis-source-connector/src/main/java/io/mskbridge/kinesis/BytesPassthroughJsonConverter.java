package io.mskbridge.kinesis;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;

/**
 * Kafka's {@link JsonConverter} with one difference: a BYTES value ({@code byte[]} or {@code ByteBuffer}, with a
 * BYTES schema or none) is written as the bytes themselves, where JsonConverter writes a base64 JSON string
 * (or, with {@code schemas.enable=true}, an envelope around one). Everything else, and all reading
 * ({@code toConnectData}), is JsonConverter's, configured with the same {@code schemas.enable} and other keys.
 *
 * <p>Why: the Kinesis source passes a payload it cannot read on as the producer's own bytes (header
 * {@code kinesis.payload.error}), and the validating transform routes it to an invalid topic; there it must be
 * the bytes that went into Kinesis, byte for byte, not their base64. Connect has one value converter per
 * connector, so the converter of the good records must also write the bad ones as they are. Readers of the
 * normal topics see no difference: a JSON map or Struct is written exactly as JsonConverter writes it.
 */
public class BytesPassthroughJsonConverter implements Converter, Versioned, Closeable {

    private final JsonConverter json = new JsonConverter();

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        json.configure(configs, isKey);
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        byte[] raw = rawBytes(schema, value);
        return raw != null ? raw : json.fromConnectData(topic, schema, value);
    }

    @Override
    public byte[] fromConnectData(String topic, Headers headers, Schema schema, Object value) {
        byte[] raw = rawBytes(schema, value);
        return raw != null ? raw : json.fromConnectData(topic, headers, schema, value);
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        return json.toConnectData(topic, value);
    }

    @Override
    public SchemaAndValue toConnectData(String topic, Headers headers, byte[] value) {
        return json.toConnectData(topic, headers, value);
    }

    @Override
    public ConfigDef config() {
        return json.config();
    }

    @Override
    public String version() {
        return KinesisSourceConnector.VERSION;
    }

    @Override
    public void close() {
        json.close();
    }

    /** The bytes of a BYTES value, or null for anything JsonConverter is to write. */
    private static byte[] rawBytes(Schema schema, Object value) {
        if (schema != null && schema.type() != Schema.Type.BYTES) {
            // Typed otherwise: JsonConverter's rules, and its errors. (A Decimal is BYTES, but its value a BigDecimal.)
            return null;
        }
        if (value instanceof byte[]) {
            return (byte[]) value;
        }
        if (value instanceof ByteBuffer) {
            ByteBuffer b = ((ByteBuffer) value).duplicate();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        }
        return null;
    }
}
