package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.Deflater;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mskbridge.kinesis.KinesisSourceConfig.PayloadCompression;
import io.mskbridge.kinesis.KinesisSourceConfig.PayloadFormat;

/**
 * kinesis.payload.compression, then kinesis.payload.format, one rule at a time. The gzip and Python-zlib payloads
 * are the seed producer's bytes ({@code src/test/payload-fixtures/make-fixtures.py}); the other zlib is Java's.
 */
class RecordConverterTest {

    static final RecordConverter.ShardKey SHARD = RecordConverter.ShardKey.of("orders-dev", "shardId-000000000001");

    static byte[] fixture(String name) {
        return PayloadFixtures.file(name);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] javaZlib(byte[] data) {
        return PayloadFixtures.zlib(data);
    }

    static SourceRecord convert(RecordConverter c, byte[] data) {
        return c.toSourceRecord(SHARD, "orders-dev", new UserRecord("49590338271490256608559692538361571095921575989136588898",
                0, false, "user7", data, 1_700_000_000_000L, null), false);
    }

    static RecordConverter converter(PayloadFormat format, PayloadCompression compression, int max) {
        return new RecordConverter(format, new Decompressor(compression, max), null);
    }

    static RecordConverter json(PayloadCompression compression) {
        return converter(PayloadFormat.JSON, compression, KinesisSourceConfig.PAYLOAD_MAX_DECOMPRESSED_BYTES_DEFAULT);
    }

    static String error(SourceRecord r) {
        Header h = r.headers().lastWithName(RecordConverter.H_PAYLOAD_ERROR);
        return h == null ? null : (String) h.value();
    }

    /** A record passed on unread: the bytes as they came from Kinesis, BYTES schema, and the reason. */
    static String assertPassedOnAsIs(SourceRecord r, byte[] original) {
        assertThat(r.valueSchema()).isEqualTo(Schema.BYTES_SCHEMA);
        assertThat((byte[]) r.value()).isEqualTo(original);
        assertThat(error(r)).as("header " + RecordConverter.H_PAYLOAD_ERROR).isNotBlank();
        return error(r);
    }

    @Test
    void pythonGzipAndZlibGiveTheSameRecordAsThePlainJson() {
        RecordConverter c = json(PayloadCompression.AUTO);
        for (String name : new String[] {"gzip-event", "zlib-event"}) {
            byte[] text = fixture(name + ".json");
            byte[] packed = fixture(name + (name.startsWith("gzip") ? ".gz" : ".zlib"));
            SourceRecord plain = convert(c, text);
            SourceRecord decoded = convert(c, packed);
            assertThat(error(plain)).isNull();
            assertThat(error(decoded)).as(name).isNull();
            assertThat(decoded.valueSchema()).isNull();
            assertThat(decoded.value()).as(name).isInstanceOf(Map.class).isEqualTo(plain.value());
            assertThat(((Map<?, ?>) decoded.value()).get("amount")).isEqualTo(42.5);
            assertThat(decoded.key()).isEqualTo(plain.key());
            assertThat(decoded.headers()).isEqualTo(plain.headers());
        }
    }

    @Test
    void javaZlibAtEveryLevelAndJavaGzipDecompress() {
        byte[] text = fixture("zlib-event.json");
        Object expected = convert(json(PayloadCompression.NONE), text).value();
        for (int level : new int[] {Deflater.NO_COMPRESSION, 1, 5, Deflater.BEST_COMPRESSION}) {
            byte[] z = PayloadFixtures.zlib(text, level);
            // each level writes another zlib header (78 01, 78 5e, 78 9c, 78 da)
            assertThat(convert(json(PayloadCompression.AUTO), z).value()).as("level %d", level).isEqualTo(expected);
            assertThat(convert(json(PayloadCompression.ZLIB), z).value()).isEqualTo(expected);
        }
        assertThat(convert(json(PayloadCompression.GZIP), PayloadFixtures.gzip(text)).value()).isEqualTo(expected);
    }

    @Test
    void compressionNoneLeavesCompressedBytesUnreadAndSaysSo() {
        byte[] gz = fixture("gzip-event.gz");
        String reason = assertPassedOnAsIs(convert(json(PayloadCompression.NONE), gz), gz);
        assertThat(reason).startsWith("invalid JSON: ");
    }

    @Test
    void explicitGzipOrZlibRejectsAPayloadThatIsNotSoCompressed() {
        byte[] text = fixture("gzip-event.json");
        assertThat(assertPassedOnAsIs(convert(json(PayloadCompression.GZIP), text), text))
                .isEqualTo("not gzip data (kinesis.payload.compression=gzip): it does not start with the gzip header 1f 8b");
        assertThat(assertPassedOnAsIs(convert(json(PayloadCompression.ZLIB), text), text))
                .startsWith("zlib payload does not decompress: ");
        byte[] gz = fixture("gzip-event.gz");
        assertThat(assertPassedOnAsIs(convert(json(PayloadCompression.ZLIB), gz), gz))
                .startsWith("zlib payload does not decompress: ");
    }

    @Test
    void autoPassesUncompressedPayloadsAsTheyAre() {
        RecordConverter c = json(PayloadCompression.AUTO);
        SourceRecord r = convert(c, utf8("{\"id\":1}"));
        assertThat(error(r)).isNull();
        assertThat(r.value()).isEqualTo(Map.of("id", 1L));
        RecordConverter bytes = converter(PayloadFormat.BYTES, PayloadCompression.AUTO, 1024);
        byte[] binary = {(byte) 0xf3, (byte) 0x89, 0, 1, 2};
        assertThat((byte[]) convert(bytes, binary).value()).isSameAs(binary);
    }

    @ParameterizedTest
    // Two text characters can make a valid zlib header: 'x^' (78 5e) and '8O' (38 4f).
    @ValueSource(strings = {"x^2 + y^2 = r^2", "8O-ring seals"})
    void autoTakesTextThatOnlyLooksLikeAZlibHeaderAsText(String text) {
        assertThat(Decompressor.isZlibHeader(utf8(text))).isTrue();
        SourceRecord r = convert(converter(PayloadFormat.STRING, PayloadCompression.AUTO, 1024), utf8(text));
        assertThat(error(r)).isNull();
        assertThat(r.value()).isEqualTo(text);
        // As JSON it is invalid, and the reason tells why it was not taken for zlib.
        byte[] data = utf8(text);
        assertThat(assertPassedOnAsIs(convert(json(PayloadCompression.AUTO), data), data))
                .startsWith("invalid JSON: ").contains("; it starts like a zlib header but is no zlib stream (");
    }

    @Test
    void aTruncatedGzipGoesOnAsItsBytesWithTheReason() {
        byte[] cut = fixture("gzip-truncated.gz");
        assertThat(assertPassedOnAsIs(convert(json(PayloadCompression.AUTO), cut), cut))
                .isEqualTo("gzip payload does not decompress: Unexpected end of ZLIB input stream");
        byte[] zcut = Arrays.copyOf(javaZlib(fixture("zlib-event.json")), 40);
        assertThat(assertPassedOnAsIs(convert(json(PayloadCompression.ZLIB), zcut), zcut))
                .startsWith("zlib payload does not decompress: ");
    }

    @Test
    void aCorruptGzipIsAnErrorEvenUnderAuto() {
        byte[] gz = fixture("gzip-event.gz").clone();
        gz[gz.length - 6] ^= 0x55; // inside the CRC32 trailer
        assertThat(assertPassedOnAsIs(convert(json(PayloadCompression.AUTO), gz), gz))
                .startsWith("gzip payload does not decompress: ");
    }

    @Test
    void zlibWithTrailingBytesOrAWrongChecksumIsAnError() {
        byte[] z = javaZlib(fixture("zlib-event.json"));
        byte[] trailing = Arrays.copyOf(z, z.length + 3);
        assertThat(assertPassedOnAsIs(convert(json(PayloadCompression.ZLIB), trailing), trailing))
                .isEqualTo("zlib payload does not decompress: 3 byte(s) after the end of the zlib stream");
        byte[] badSum = z.clone();
        badSum[badSum.length - 1] ^= 1; // the Adler-32 trailer
        assertThat(assertPassedOnAsIs(convert(json(PayloadCompression.ZLIB), badSum), badSum))
                .startsWith("zlib payload does not decompress: ").contains("incorrect data check");
    }

    @Test
    void decompressedTextThatIsNoJsonGoesOnAsTheCompressedBytes() {
        byte[] gz = fixture("gzip-text.gz");
        assertThat(assertPassedOnAsIs(convert(json(PayloadCompression.AUTO), gz), gz)).startsWith("invalid JSON: ");
        // as 'string' it is fine
        assertThat(convert(converter(PayloadFormat.STRING, PayloadCompression.AUTO, 1024), gz).value())
                .isEqualTo("temperature=21.5;unit=C");
    }

    @Test
    void aZipBombStopsAtTheLimitAndGoesOnAsItsBytes() {
        byte[] bomb = fixture("gzip-bomb.gz");
        assertThat(bomb.length).isLessThan(16 * 1024);
        assertThat(assertPassedOnAsIs(convert(json(PayloadCompression.AUTO), bomb), bomb))
                .isEqualTo("gzip payload decompresses to more than kinesis.payload.max.decompressed.bytes (8388608 bytes)");
        // the limit is exact: a payload of exactly the limit is fine, one byte more is not
        byte[] json = utf8("{\"pad\":\"" + "a".repeat(2000) + "\"}");
        assertThat(error(convert(converter(PayloadFormat.JSON, PayloadCompression.AUTO, json.length), javaZlib(json))))
                .isNull();
        assertThat(error(convert(converter(PayloadFormat.JSON, PayloadCompression.AUTO, json.length - 1), javaZlib(json))))
                .isEqualTo("zlib payload decompresses to more than kinesis.payload.max.decompressed.bytes ("
                        + (json.length - 1) + " bytes)");
    }

    @Test
    void jsonThatIsNoObjectGoesOnAsItsBytesNeverAsATombstone() {
        RecordConverter c = json(PayloadCompression.AUTO);
        Map<String, String> expected = new HashMap<>();
        expected.put("[1, 2]", "not a JSON object but an array");
        expected.put("\"hello\"", "not a JSON object but a string");
        expected.put("42", "not a JSON object but a number");
        expected.put("true", "not a JSON object but a boolean");
        expected.put("null", "not a JSON object but null");
        expected.put("", "not a JSON object but an empty payload");
        expected.put(" \n", "not a JSON object but an empty payload");
        expected.forEach((text, reason) -> {
            byte[] data = utf8(text);
            assertThat(assertPassedOnAsIs(convert(c, data), data)).as("'%s'", text).isEqualTo(reason);
        });
        // the same payloads gzipped: the bytes passed on are the gzip bytes
        byte[] gz = PayloadFixtures.gzip(utf8("[1, 2]"));
        assertThat(assertPassedOnAsIs(convert(c, gz), gz)).isEqualTo("not a JSON object but an array");
    }

    @Test
    void invalidJsonGoesOnAsBytesNotAsLossyText() {
        byte[] latin1 = {'{', '"', 'a', '"', ':', '"', (byte) 0xe9, '"'};
        assertThat(assertPassedOnAsIs(convert(json(PayloadCompression.AUTO), latin1), latin1)).startsWith("invalid JSON: ");
    }

    @Test
    void stringFormatRejectsBytesThatAreNotUtf8() {
        RecordConverter c = converter(PayloadFormat.STRING, PayloadCompression.AUTO, 1024);
        byte[] latin1 = {'c', 'a', 'f', (byte) 0xe9};
        assertThat(assertPassedOnAsIs(convert(c, latin1), latin1)).isEqualTo("not UTF-8 text");
        SourceRecord ok = convert(c, utf8("café"));
        assertThat(ok.valueSchema()).isEqualTo(Schema.STRING_SCHEMA);
        assertThat(ok.value()).isEqualTo("café");
        assertThat(error(ok)).isNull();
    }

    @Test
    void bytesFormatGetsTheDecompressedBytesOrTheOriginalOnes() {
        RecordConverter c = converter(PayloadFormat.BYTES, PayloadCompression.AUTO, 1024);
        SourceRecord r = convert(c, fixture("gzip-event.gz"));
        assertThat(r.valueSchema()).isEqualTo(Schema.BYTES_SCHEMA);
        assertThat((byte[]) r.value()).isEqualTo(fixture("gzip-event.json"));
        assertThat(error(r)).isNull();
        byte[] cut = fixture("gzip-truncated.gz");
        assertPassedOnAsIs(convert(c, cut), cut);
    }

    @Test
    void structOutputReadsDecompressedJsonAndPassesMismatchesOnAsBytes() {
        org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse("""
                {"type":"record","name":"Event","fields":[{"name":"id","type":"string"},
                 {"name":"amount","type":"double"}]}""");
        RecordConverter c = new RecordConverter(PayloadFormat.JSON,
                new Decompressor(PayloadCompression.AUTO, 1 << 20), JsonStructReader.forAvroSchema(avro));
        SourceRecord ok = convert(c, fixture("gzip-event.gz"));
        assertThat(error(ok)).isNull();
        assertThat(((Struct) ok.value()).getString("id")).isEqualTo("gz-1");
        byte[] bad = PayloadFixtures.gzip(utf8("{\"id\":7,\"amount\":1}"));
        assertThat(assertPassedOnAsIs(convert(c, bad), bad))
                .isEqualTo(RecordConverter.SCHEMA_MISMATCH + "$.id: expected a string, got number 7");
    }

    @Test
    void theTaskConfigSelectsCompressionAndLimit() {
        Map<String, String> p = new HashMap<>();
        p.put(KinesisSourceConfig.STREAM_NAMES, "s");
        p.put(KinesisSourceConfig.PAYLOAD_FORMAT, "json");
        KinesisSourceConfig defaults = new KinesisSourceConfig(p);
        assertThat(defaults.payloadCompression()).isEqualTo(PayloadCompression.AUTO);
        assertThat(defaults.payloadMaxDecompressedBytes()).isEqualTo(8 * 1024 * 1024);
        p.put(KinesisSourceConfig.PAYLOAD_COMPRESSION, "NONE");
        p.put(KinesisSourceConfig.PAYLOAD_MAX_DECOMPRESSED_BYTES, "4096");
        KinesisSourceConfig set = new KinesisSourceConfig(p);
        byte[] gz = fixture("gzip-event.gz");
        assertPassedOnAsIs(convert(new RecordConverter(set, null), gz), gz);
        assertThat(error(convert(new RecordConverter(defaults, null), gz))).isNull();
        p.put(KinesisSourceConfig.PAYLOAD_COMPRESSION, "brotli");
        assertThat(KinesisSourceConfig.configDef().validate(p)).filteredOn(v -> !v.errorMessages().isEmpty())
                .extracting(org.apache.kafka.common.config.ConfigValue::name)
                .containsExactly(KinesisSourceConfig.PAYLOAD_COMPRESSION);
        p.put(KinesisSourceConfig.PAYLOAD_COMPRESSION, "gzip");
        p.put(KinesisSourceConfig.PAYLOAD_MAX_DECOMPRESSED_BYTES, "100");
        assertThat(KinesisSourceConfig.configDef().validate(p)).filteredOn(v -> !v.errorMessages().isEmpty())
                .extracting(org.apache.kafka.common.config.ConfigValue::name)
                .containsExactly(KinesisSourceConfig.PAYLOAD_MAX_DECOMPRESSED_BYTES);
    }
}
