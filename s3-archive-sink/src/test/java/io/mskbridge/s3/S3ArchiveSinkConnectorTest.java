package io.mskbridge.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mskbridge.aws.AwsConfig;
import io.mskbridge.common.config.ConfigErrors;

/** Per-field and cross-field validation (no bucket probe), and the example configs in docker/connectors. */
class S3ArchiveSinkConnectorTest {

    /** The validation of S3ArchiveSinkConnector.validate without the network probe. */
    static Map<String, List<String>> errors(Map<String, String> props) {
        Map<String, ConfigValue> values = new LinkedHashMap<>();
        List<ConfigValue> validated = S3ArchiveSinkConfig.configDef().validate(props);
        validated.forEach(v -> values.put(v.name(), v));
        S3ArchiveSinkConnector.addCrossFieldErrors(ConfigErrors.of(new Config(validated)));
        AwsConfig.validate(props).forEach((k, v) -> values.get(k).errorMessages().addAll(v));
        Map<String, List<String>> out = new LinkedHashMap<>();
        values.values().stream().filter(v -> !v.errorMessages().isEmpty()).forEach(v -> out.put(v.name(), v.errorMessages()));
        return out;
    }

    private static Map<String, String> base() {
        Map<String, String> p = new HashMap<>();
        p.put("s3.bucket", "mskbridge-archive-dev");
        return p;
    }

    @Test
    void everyKeyIsDocumentedGroupedAndValidated() {
        for (ConfigDef.ConfigKey k : S3ArchiveSinkConfig.configDef().configKeys().values()) {
            assertThat(k.group).as(k.name).isNotBlank();
            assertThat(k.displayName).as(k.name).isNotBlank();
            assertThat(k.documentation).as(k.name).hasSizeGreaterThan(20);
            assertThat(k.width).as(k.name).isNotNull();
            // Connect itself refuses a boolean that is not true/false.
            if (!k.name.equals(S3ArchiveSinkConfig.SPILL_DIR) && k.type != ConfigDef.Type.BOOLEAN) {
                assertThat(k.validator).as(k.name).isNotNull();
            }
        }
    }

    @Test
    void crossFieldRulesNameTheField() {
        assertThat(errors(base())).isEmpty();
        Map<String, String> p = base();
        p.put("s3.format", "avro");
        assertThat(errors(p)).containsOnlyKeys("s3.compression");
        p.put("s3.compression", "snappy");
        assertThat(errors(p)).isEmpty();
        p.put("s3.format", "parquet");
        for (String c : List.of("none", "snappy", "zstd", "gzip")) {
            p.put("s3.compression", c);
            assertThat(errors(p)).as("parquet + " + c).isEmpty();
        }
        p = base();
        p.put("s3.compression", "snappy");
        assertThat(errors(p)).containsOnlyKeys("s3.compression");
        p = base();
        p.put("s3.sse.kms.key.id", "alias/x");
        assertThat(errors(p)).containsOnlyKeys("s3.sse.kms.key.id");
        p.put("s3.sse", "aws:kms");
        assertThat(errors(p)).isEmpty();
        p = base();
        p.put("s3.part.size", String.valueOf(8 << 20));
        p.put("s3.buffer.max.bytes", String.valueOf(8 << 20));
        assertThat(errors(p)).containsOnlyKeys("s3.buffer.max.bytes");
        // parquet's writer (2 x row group) is held while uploading, on top of the part buffer
        p = base();
        p.put("s3.part.size", String.valueOf(8 << 20));
        p.put("s3.buffer.max.bytes", String.valueOf(20 << 20));
        assertThat(errors(p)).isEmpty();
        p.put("s3.format", "parquet");
        p.put("s3.compression", "snappy");
        assertThat(errors(p)).containsOnlyKeys("s3.buffer.max.bytes");
        assertThat(errors(p).get("s3.buffer.max.bytes").toString()).contains("s3.parquet.row.group.bytes");
        p.put("s3.parquet.row.group.bytes", String.valueOf(4 << 20));
        assertThat(errors(p)).isEmpty();
        p.put("s3.parquet.row.group.bytes", "1000");
        assertThat(errors(p)).containsOnlyKeys("s3.parquet.row.group.bytes");
        p = base();
        p.put("s3.key.template", "{kafka.topic}/{kafka.partition}");
        assertThat(errors(p).get("s3.key.template").toString()).contains("{kafka.start_offset}");
        p.put("s3.key.template", "{kafka.topic}/{kafka.partition}/{kafka.start_offset}/{time:yyyy/MM");
        assertThat(errors(p)).containsOnlyKeys("s3.key.template");
        p = base();
        p.put("s3.bucket", "Bad_Bucket");
        p.put("s3.part.size", "1000");
        assertThat(errors(p)).containsOnlyKeys("s3.bucket", "s3.part.size");
    }

    @Test
    void dockerExampleConfigsPassPerFieldValidation() throws Exception {
        Path dir = Path.of(System.getProperty("mskbridge.root", "..")).resolve("docker/connectors");
        int checked = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.filter(x -> x.getFileName().toString().startsWith("s3-archive"))::iterator) {
                JsonNode root = new ObjectMapper().readTree(f.toFile());
                assertThat(root.path("name").asText()).isNotBlank();
                Map<String, String> cfg = new HashMap<>();
                root.path("config").fields().forEachRemaining(e -> cfg.put(e.getKey(), e.getValue().asText()));
                assertThat(cfg.get("connector.class")).isEqualTo(S3ArchiveSinkConnector.class.getName());
                assertThat(errors(cfg)).as(f.toString()).isEmpty();
                checked++;
            }
        }
        assertThat(checked).isEqualTo(2);
    }

    @Test
    void extensionFollowsFormatAndCompression() {
        Map<String, String> p = base();
        assertThat(new S3ArchiveSinkConfig(p).extension()).isEqualTo(".jsonl.gz");
        p.put("s3.compression", "zstd");
        assertThat(new S3ArchiveSinkConfig(p).extension()).isEqualTo(".jsonl.zst");
        p.put("s3.format", "avro");
        assertThat(new S3ArchiveSinkConfig(p).extension()).isEqualTo(".avro");
        p.put("s3.format", "parquet");
        assertThat(new S3ArchiveSinkConfig(p).extension()).isEqualTo(".parquet");
        p.put("s3.format", "bytes");
        assertThat(new S3ArchiveSinkConfig(p).extension()).isEqualTo(".bin.zst");
        p.put("s3.compression", "none");
        assertThat(new S3ArchiveSinkConfig(p).extension()).isEqualTo(".bin");
    }

    @Test
    void bytesSeparatorEscapes() {
        Map<String, String> p = base();
        p.put("s3.format", "bytes");
        assertThat(new S3ArchiveSinkConfig(p).bytesSeparator()).containsExactly('\n');
        p.put("s3.bytes.separator", "");
        assertThat(new S3ArchiveSinkConfig(p).bytesSeparator()).isEmpty();
        p.put("s3.bytes.separator", "\\r\\n|\\t\\0\\\\\\x1E\u00e9");
        assertThat(new S3ArchiveSinkConfig(p).bytesSeparator())
                .containsExactly('\r', '\n', '|', '\t', 0, '\\', 0x1e, (byte) 0xc3, (byte) 0xa9);
        for (String bad : List.of("\\", "\\q", "\\x1", "\\xZZ", "\\x-1")) {
            p.put("s3.bytes.separator", bad);
            assertThat(errors(p)).as(bad).containsOnlyKeys("s3.bytes.separator");
        }
        p.put("s3.bytes.separator", "\\n");
        p.put("s3.compression", "snappy");
        assertThat(errors(p)).containsOnlyKeys("s3.compression");
    }

    @Test
    void objectMaxBytesMustFitS3sTenThousandParts() {
        Map<String, String> p = base();
        p.put("s3.part.size", String.valueOf(5 << 20));
        p.put("s3.object.max.bytes", String.valueOf(10_000L * (5 << 20)));
        assertThat(errors(p)).isEmpty();
        new S3ArchiveSinkConfig(p);
        p.put("s3.object.max.bytes", String.valueOf(10_000L * (5 << 20) + 1));
        assertThat(errors(p)).containsOnlyKeys("s3.object.max.bytes");
        assertThat(errors(p).get("s3.object.max.bytes").toString()).contains("10000", "s3.part.size");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new S3ArchiveSinkConfig(p))
                .hasMessageContaining("s3.object.max.bytes");
    }
}
