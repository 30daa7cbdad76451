package io.mskbridge.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import io.mskbridge.aws.AwsConfig.CredentialsProviderType;
import software.amazon.awssdk.regions.Region;

class AwsSettingsTest {

    @Test
    void defaults() {
        AwsSettings s = AwsSettings.from(Map.of());
        assertThat(s.region()).isEmpty();
        assertThat(s.endpointOverride()).isEmpty();
        assertThat(s.credentialsProvider()).isEqualTo(CredentialsProviderType.DEFAULT);
        assertThat(s.roleSessionName()).isEqualTo("mskbridge");
        assertThat(s.roleSessionDuration()).isEqualTo(Duration.ofHours(1));
        assertThat(s.apiCallTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.apiCallAttemptTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.maxRetries()).isEqualTo(3);
    }

    @Test
    void parsesEverythingFromAConnectorConfig() {
        ConfigDef def = AwsConfig.addTo(new ConfigDef()
                .define("table", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "t"));
        Map<String, String> p = new HashMap<>();
        p.put("table", "orders");
        p.put("aws.region", " eu-west-1 ");
        p.put("aws.endpoint.url", "http://localhost:8000");
        p.put("aws.credentials.provider", "Assume-Role");
        p.put("aws.access.key.id", "AKIAIOSFODNN7EXAMPLE");
        p.put("aws.secret.access.key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        p.put("aws.sts.role.arn", "arn:aws:iam::123456789012:role/sink");
        p.put("aws.sts.role.external.id", "ext-123");
        p.put("aws.sts.role.session.name", "orders-sink");
        p.put("aws.sts.role.session.duration.seconds", "900");
        p.put("aws.sts.endpoint.url", "https://sts.eu-west-1.amazonaws.com");
        p.put("aws.api.call.timeout.ms", "5000");
        p.put("aws.api.call.attempt.timeout.ms", "1000");
        p.put("aws.max.retries", "7");
        AwsSettings s = AwsSettings.from(new AbstractConfig(def, p));
        assertThat(s.region()).contains(Region.EU_WEST_1);
        assertThat(s.endpointOverride()).contains(URI.create("http://localhost:8000"));
        assertThat(s.credentialsProvider()).isEqualTo(CredentialsProviderType.ASSUME_ROLE);
        assertThat(s.accessKeyId().orElseThrow().value()).isEqualTo("AKIAIOSFODNN7EXAMPLE");
        assertThat(s.secretAccessKey().orElseThrow().value()).startsWith("wJalr");
        assertThat(s.roleArn()).contains("arn:aws:iam::123456789012:role/sink");
        assertThat(s.roleExternalId().orElseThrow().value()).isEqualTo("ext-123");
        assertThat(s.roleSessionName()).isEqualTo("orders-sink");
        assertThat(s.roleSessionDuration()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.stsEndpointOverride()).contains(URI.create("https://sts.eu-west-1.amazonaws.com"));
        assertThat(s.apiCallTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.apiCallAttemptTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.maxRetries()).isEqualTo(7);

        String str = s.toString();
        assertThat(str).doesNotContain("AKIAIOSFODNN7EXAMPLE", "wJalr", "ext-123")
                .contains("accessKeyId=[hidden]", "roleArn=arn:aws:iam::123456789012:role/sink", "eu-west-1");
    }

    @Test
    void failsFastOnCrossFieldErrorsWithoutLeakingSecrets() {
        assertThatThrownBy(() -> AwsSettings.from(Map.of("aws.credentials.provider", "static",
                "aws.access.key.id", "AKIASECRETID")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("aws.secret.access.key is required when aws.credentials.provider=static")
                .hasMessageNotContaining("AKIASECRETID");
        assertThatThrownBy(() -> AwsSettings.from(Map.of("aws.credentials.provider", "assume-role")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("aws.sts.role.arn is required");
        assertThatThrownBy(() -> AwsSettings.from(Map.of("aws.secret.access.key", "topsecret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ignores it")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> AwsSettings.from(Map.of("aws.api.call.timeout.ms", "10",
                "aws.api.call.attempt.timeout.ms", "20")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("aws.api.call.attempt.timeout.ms");
    }

    @Test
    void perFieldErrorsSurfaceFromAbstractConfig() {
        assertThatThrownBy(() -> AwsSettings.from(Map.of("aws.endpoint.url", "localhost")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("aws.endpoint.url");
    }
}
