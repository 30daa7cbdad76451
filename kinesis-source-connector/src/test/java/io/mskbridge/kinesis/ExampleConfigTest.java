package io.mskbridge.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * docker/connectors/kinesis-source.json stays valid against the connector's per-field validation, and the shipped
 * sources that read the same streams stay within the shards' read limits together.
 */
class ExampleConfigTest {

    /**
     * What the seed Lambda still needs of each shard's read limits while it runs next to the connectors during a
     * migration: its event source mapping polls each shard once a second, 1 of the 5 calls/s (README, "Sharing a
     * stream").
     */
    static final double LAMBDA_SHARE = 0.2;

    static Path root() {
        String r = System.getProperty("mskbridge.root");
        return r != null ? Path.of(r) : Path.of("..");
    }

    /** The connector configs of the shipped Kinesis sources: docker/connectors, or deploy/msk-connect. */
    static List<KinesisSourceConfig> shippedSources(String dir, String prefix, String configField) throws Exception {
        List<KinesisSourceConfig> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(root().resolve(dir))) {
            for (Path f : files.filter(x -> x.getFileName().toString().startsWith(prefix)).sorted().toList()) {
                Map<String, String> config = new HashMap<>();
                new ObjectMapper().readTree(f.toFile()).path(configField).fields()
                        .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
                out.add(new KinesisSourceConfig(config));
            }
        }
        return out;
    }

    @Test
    void theShippedSourcesOfOneStreamLeaveTheLambdaItsShareOfTheReadLimits() throws Exception {
        for (List<KinesisSourceConfig> sources : List.of(
                shippedSources("docker/connectors", "kinesis-source", "config"),
                shippedSources("deploy/msk-connect", "connector-kinesis-source", "connectorConfiguration"))) {
            assertThat(sources).as("the raw + processed pair").hasSize(2);
            Map<String, Double> shareByStream = new HashMap<>();
            for (KinesisSourceConfig c : sources) {
                c.streamNames().forEach(s -> shareByStream.merge(s, c.maxReadShare(), Double::sum));
            }
            assertThat(shareByStream).hasSize(4).allSatisfy((stream, share) ->
                    assertThat(share).as(stream).isLessThanOrEqualTo(1 - LAMBDA_SHARE));
        }
    }

    @Test
    void exampleConfigForTheSeedStreamsIsValid() throws Exception {
        JsonNode json = new ObjectMapper().readTree(Files.readString(root().resolve("docker/connectors/kinesis-source.json")));
        assertThat(json.path("name").asText()).isNotBlank();
        Map<String, String> config = new HashMap<>();
        json.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        assertThat(config.get("connector.class")).isEqualTo(KinesisSourceConnector.class.getName());
        assertThat(config.get("kinesis.stream.names").split(",")).containsExactly("maindatastream-dev",
                "clickstreamdatastream-dev", "iotdatastream-dev", "transactiondatastream-dev");
        List<ConfigValue> values = KinesisSourceConfig.configDef().validate(config);
        assertThat(values).allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
        assertThat(io.mskbridge.aws.AwsConfig.validate(config)).isEmpty();
        KinesisSourceConfig parsed = new KinesisSourceConfig(config);
        assertThat(parsed.topicFor("transactiondatastream-dev")).isEqualTo("transactiondatastream-dev");
        assertThat(parsed.payloadFormat()).isEqualTo(KinesisSourceConfig.PayloadFormat.JSON);
        // the seed producer gzips its events; what cannot be read reaches <topic>.invalid byte for byte
        assertThat(parsed.payloadCompression()).isEqualTo(KinesisSourceConfig.PayloadCompression.AUTO);
        assertThat(config.get("value.converter")).isEqualTo(BytesPassthroughJsonConverter.class.getName());
        // The seed's process_record: validate, enrich (environment, processed_timestamp), amount, quality, fraud.
        assertThat(config.get("transforms")).isEqualTo("validate,environment,processed,amount,quality,fraud");
        assertThat(config.get("transforms.validate.on.invalid")).isEqualTo("route");
        for (String t : List.of("environment", "processed", "amount", "quality", "fraud")) {
            assertThat(config).containsEntry("transforms." + t + ".predicate", "invalid")
                    .containsEntry("transforms." + t + ".negate", "true");
        }
    }

    /** The raw source feeds a byte-faithful archive: what producers put into Kinesis, gzip or not, reaches Kafka as is. */
    @Test
    void rawSourceConfigsPassThePayloadBytesUntouched() throws Exception {
        for (String file : List.of("docker/connectors/kinesis-source-raw.json",
                "deploy/msk-connect/connector-kinesis-source-raw.json")) {
            JsonNode json = new ObjectMapper().readTree(Files.readString(root().resolve(file)));
            JsonNode c = json.has("config") ? json.path("config") : json.path("connectorConfiguration");
            assertThat(c.path("kinesis.payload.format").asText()).as(file).isEqualTo("bytes");
            assertThat(c.path("kinesis.payload.compression").asText()).as(file + ": auto would gunzip").isEqualTo("none");
            assertThat(c.path("value.converter").asText()).as(file)
                    .isEqualTo("org.apache.kafka.connect.converters.ByteArrayConverter");
            assertThat(c.has("transforms")).as(file).isFalse();
        }
    }
}
