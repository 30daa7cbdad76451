package io.mskbridge.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class AwsConfigTest {

    private static Map<String, String> props(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void everyKeyIsDocumentedInTheAwsGroupWithAValidatorOrRange() {
        ConfigDef def = AwsConfig.configDef();
        assertThat(def.names()).containsExactlyInAnyOrder(
                "aws.region", "aws.endpoint.url", "aws.credentials.provider", "aws.access.key.id",
                "aws.secret.access.key", "aws.session.token", "aws.sts.role.arn", "aws.sts.role.external.id",
                "aws.sts.role.session.name", "aws.sts.role.session.duration.seconds", "aws.sts.endpoint.url",
                "aws.api.call.timeout.ms", "aws.api.call.attempt.timeout.ms", "aws.max.retries");
        List<Integer> orders = new ArrayList<>();
        for (ConfigDef.ConfigKey key : def.configKeys().values()) {
            assertThat(key.group).as(key.name).isEqualTo("AWS");
            assertThat(key.documentation).as(key.name).hasSizeGreaterThan(30);
            assertThat(key.displayName).as(key.name).isNotBlank();
            assertThat(key.validator).as(key.name).isNotNull();
            // A validator without its own toString() would render as Class$Name@hash in the docs.
            assertThat(key.validator.toString()).as(key.name).doesNotMatch(".*\\$.*@[0-9a-f]+$");
            assertThat(key.width).as(key.name).isNotEqualTo(ConfigDef.Width.NONE);
            orders.add(key.orderInGroup);
        }
        assertThat(orders).doesNotHaveDuplicates();
        assertThat(def.configKeys().get("aws.secret.access.key").type).isEqualTo(ConfigDef.Type.PASSWORD);
        assertThat(def.configKeys().get("aws.access.key.id").type).isEqualTo(ConfigDef.Type.PASSWORD);
        assertThat(def.configKeys().get("aws.sts.role.external.id").type).isEqualTo(ConfigDef.Type.PASSWORD);
        assertThat(def.configKeys().get("aws.sts.role.session.name").defaultValue).isEqualTo("mskbridge");
        assertThat(def.configKeys().get("aws.region").defaultValue).isNull();
        assertThat(def.configKeys().get("aws.credentials.provider").validator.toString())
                .contains("default", "static", "assume-role", "case-insensitive");
        // Docs render from the ConfigDef alone.
        assertThat(def.toEnrichedRst()).contains("``aws.endpoint.url``", "absolute http:// or https:// URL");
    }

    @Test
    void configDefReturnsACopySoCallersCannotPolluteIt() {
        AwsConfig.configDef().define("x", ConfigDef.Type.STRING, ConfigDef.Importance.LOW, "x");
        assertThat(AwsConfig.configDef().names()).doesNotContain("x");
    }

    @Test
    void addToMergesIntoAConnectorDefAndRejectsDuplicates() {
        ConfigDef def = new ConfigDef().define("topics", ConfigDef.Type.LIST, ConfigDef.Importance.HIGH, "t");
        assertThat(AwsConfig.addTo(def).names()).contains("topics", "aws.region");
        assertThatThrownBy(() -> AwsConfig.addTo(def)).isInstanceOf(ConfigException.class);
    }

    @Test
    void defaultsAreValid() {
        assertThat(AwsConfig.validate(props())).isEmpty();
    }

    @Test
    void providerIsCaseInsensitiveAndRejectsUnknown() {
        assertThat(AwsConfig.validate(props("aws.credentials.provider", "DEFAULT"))).isEmpty();
        assertThat(AwsConfig.validate(props("aws.credentials.provider", "Assume-Role",
                "aws.sts.role.arn", "arn:aws:iam::123456789012:role/r"))).isEmpty();
        Map<String, List<String>> errors = AwsConfig.validate(props("aws.credentials.provider", "profile"));
        assertThat(errors).containsOnlyKeys("aws.credentials.provider");
        assertThat(errors.get("aws.credentials.provider").get(0)).contains("default, static, assume-role");
    }

    @Test
    void endpointMustBeAbsoluteHttpUrl() {
        assertThat(AwsConfig.validate(props("aws.endpoint.url", "http://localhost:4566"))).isEmpty();
        assertThat(AwsConfig.validate(props("aws.endpoint.url", "https://vpce-1.s3.us-east-1.vpce.amazonaws.com")))
                .isEmpty();
        for (String bad : new String[] {"localhost:4566", "ftp://host", "/relative", "http://", "http://a b"}) {
            assertThat(AwsConfig.validate(props("aws.endpoint.url", bad))).as(bad).containsKey("aws.endpoint.url");
        }
        assertThat(AwsConfig.validate(props("aws.sts.endpoint.url", "sts.amazonaws.com")))
                .containsOnlyKeys("aws.sts.endpoint.url");
    }

    @Test
    void regionRoleArnSessionNameAndRangesAreValidated() {
        assertThat(AwsConfig.validate(props("aws.region", "us-gov-west-1"))).isEmpty();
        assertThat(AwsConfig.validate(props("aws.region", "US East"))).containsOnlyKeys("aws.region");
        assertThat(AwsConfig.validate(props("aws.credentials.provider", "assume-role",
                "aws.sts.role.arn", "arn:aws:iam::12345:role/x"))).containsOnlyKeys("aws.sts.role.arn");
        assertThat(AwsConfig.validate(props("aws.sts.role.session.name", "has space")))
                .containsOnlyKeys("aws.sts.role.session.name");
        assertThat(AwsConfig.validate(props("aws.max.retries", "-1"))).containsOnlyKeys("aws.max.retries");
        assertThat(AwsConfig.validate(props("aws.api.call.timeout.ms", "0"))).containsOnlyKeys("aws.api.call.timeout.ms");
        assertThat(AwsConfig.validate(props("aws.sts.role.session.duration.seconds", "60")))
                .containsOnlyKeys("aws.sts.role.session.duration.seconds");
    }

    @Test
    void staticNeedsKeyAndSecretEachOnItsField() {
        Map<String, List<String>> errors = AwsConfig.validate(props("aws.credentials.provider", "static"));
        assertThat(errors).containsOnlyKeys("aws.access.key.id", "aws.secret.access.key");
        assertThat(errors.get("aws.access.key.id")).singleElement().asString()
                .contains("aws.access.key.id is required when aws.credentials.provider=static");
        assertThat(errors.get("aws.secret.access.key")).singleElement().asString()
                .contains("aws.secret.access.key is required");

        errors = AwsConfig.validate(props("aws.credentials.provider", "static", "aws.access.key.id", "AKIAEXAMPLE"));
        assertThat(errors).containsOnlyKeys("aws.secret.access.key");

        assertThat(AwsConfig.validate(props("aws.credentials.provider", "static", "aws.access.key.id", "AKIA",
                "aws.secret.access.key", "s3cr3t", "aws.session.token", "tok"))).isEmpty();
    }

    @Test
    void blankSecretIsRejectedWithoutEchoingIt() {
        Map<String, List<String>> errors = AwsConfig.validate(props("aws.credentials.provider", "static",
                "aws.access.key.id", "AKIA", "aws.secret.access.key", "   "));
        assertThat(errors).containsOnlyKeys("aws.secret.access.key");
        assertThat(errors.get("aws.secret.access.key").get(0)).contains("must not be blank");
    }

    @Test
    void assumeRoleNeedsRoleArnAndBothOrNoKeys() {
        Map<String, List<String>> errors = AwsConfig.validate(props("aws.credentials.provider", "assume-role"));
        assertThat(errors).containsOnlyKeys("aws.sts.role.arn");
        assertThat(errors.get("aws.sts.role.arn").get(0))
                .contains("aws.sts.role.arn is required when aws.credentials.provider=assume-role");

        errors = AwsConfig.validate(props("aws.credentials.provider", "assume-role",
                "aws.sts.role.arn", "arn:aws:iam::123456789012:role/r", "aws.secret.access.key", "s"));
        assertThat(errors).containsOnlyKeys("aws.access.key.id");
        assertThat(errors.get("aws.access.key.id").get(0)).contains("Set both or neither");

        assertThat(AwsConfig.validate(props("aws.credentials.provider", "assume-role",
                "aws.sts.role.arn", "arn:aws-cn:iam::123456789012:role/path/r", "aws.sts.role.external.id", "e",
                "aws.access.key.id", "a", "aws.secret.access.key", "s"))).isEmpty();
    }

    @Test
    void settingsIgnoredByTheProviderAreErrors() {
        Map<String, List<String>> errors = AwsConfig.validate(props("aws.access.key.id", "AKIA",
                "aws.secret.access.key", "s", "aws.session.token", "t"));
        assertThat(errors).containsOnlyKeys("aws.access.key.id", "aws.secret.access.key", "aws.session.token");
        assertThat(errors.get("aws.access.key.id").get(0))
                .contains("is set but aws.credentials.provider=default ignores it", "aws.credentials.provider=static");

        errors = AwsConfig.validate(props("aws.credentials.provider", "static", "aws.access.key.id", "a",
                "aws.secret.access.key", "s", "aws.sts.role.arn", "arn:aws:iam::123456789012:role/r",
                "aws.sts.role.external.id", "x"));
        assertThat(errors).containsOnlyKeys("aws.sts.role.arn", "aws.sts.role.external.id");
        assertThat(errors.get("aws.sts.role.arn").get(0)).contains("does not assume a role");

        errors = AwsConfig.validate(props("aws.credentials.provider", "static", "aws.secret.access.key", "s",
                "aws.session.token", "t"));
        assertThat(errors.get("aws.session.token")).singleElement().asString().contains("only used together with");
    }

    @Test
    void attemptTimeoutMustNotExceedCallTimeout() {
        Map<String, List<String>> errors = AwsConfig.validate(props("aws.api.call.timeout.ms", "1000",
                "aws.api.call.attempt.timeout.ms", "2000"));
        assertThat(errors).containsOnlyKeys("aws.api.call.attempt.timeout.ms");
        assertThat(errors.get("aws.api.call.attempt.timeout.ms").get(0)).contains("(2000) must not exceed", "(1000)");
    }

    @Test
    void aFieldThatFailedItsOwnValidationDoesNotCascade() {
        // Unparseable provider: one error on the provider, nothing on the keys.
        Map<String, List<String>> errors = AwsConfig.validate(props("aws.credentials.provider", "nope",
                "aws.access.key.id", "a"));
        assertThat(errors).containsOnlyKeys("aws.credentials.provider");
    }

    @Test
    void validateIntoConfigAttachesOnlyCrossFieldMessagesToTheRightValues() {
        ConfigDef def = AwsConfig.addTo(new ConfigDef()
                .define("table", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "t"));
        Map<String, String> p = props("table", "t", "aws.credentials.provider", "static",
                "aws.access.key.id", "AKIA", "aws.max.retries", "x");
        Config config = new Config(def.validate(p));
        int maxRetriesErrorsBefore = value(config, "aws.max.retries").errorMessages().size();
        AwsConfig.validate(p, config);
        assertThat(value(config, "aws.secret.access.key").errorMessages()).singleElement().asString()
                .contains("aws.secret.access.key is required");
        assertThat(value(config, "aws.access.key.id").errorMessages()).isEmpty();
        assertThat(value(config, "aws.max.retries").errorMessages()).hasSize(maxRetriesErrorsBefore).isNotEmpty();
        assertThat(value(config, "table").errorMessages()).isEmpty();
        // Recommender: role fields hidden for static.
        assertThat(value(config, "aws.sts.role.arn").visible()).isFalse();
        assertThat(value(config, "aws.access.key.id").visible()).isTrue();
        assertThat(value(config, "aws.credentials.provider").recommendedValues())
                .containsExactly("default", "static", "assume-role");
    }

    @Test
    void validateIntoConfigAddsAValueWhenTheConnectorsConfigLacksIt() {
        Config config = new Config(new ArrayList<>());
        AwsConfig.validate(props("aws.credentials.provider", "assume-role"), config);
        assertThat(value(config, "aws.sts.role.arn").errorMessages()).hasSize(1);
    }

    private static ConfigValue value(Config config, String name) {
        return config.configValues().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }
}
