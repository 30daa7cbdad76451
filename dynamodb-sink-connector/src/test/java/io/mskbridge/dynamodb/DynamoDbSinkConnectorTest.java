package io.mskbridge.dynamodb;

import static io.mskbridge.dynamodb.TestConfigs.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

class DynamoDbSinkConnectorTest {

    static Map<String, List<String>> errors(Config config) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (ConfigValue v : config.configValues()) {
            if (!v.errorMessages().isEmpty()) {
                out.put(v.name(), v.errorMessages());
            }
        }
        return out;
    }

    private static Map<String, List<String>> validate(String... overrides) {
        return errors(new DynamoDbSinkConnector().validate(seed(overrides)));
    }

    @Test
    void theSeedConfigIsValid() {
        assertThat(validate()).isEmpty();
    }

    @Test
    void everyKeyIsDocumentedWithGroupAndValidatorWhereItMatters() {
        ConfigDef def = DynamoDbSinkConfig.configDef();
        for (ConfigDef.ConfigKey k : def.configKeys().values()) {
            assertThat(k.group).as(k.name).isNotBlank();
            assertThat(k.documentation).as(k.name).hasSizeGreaterThan(20);
            assertThat(k.displayName).as(k.name).isNotBlank();
            assertThat(k.orderInGroup).as(k.name).isPositive();
            if (k.type != ConfigDef.Type.BOOLEAN) {
                assertThat(k.validator).as(k.name).isNotNull();
            }
        }
        assertThat(def.names()).contains("aws.region", DynamoDbSinkConfig.TABLE, DynamoDbSinkConfig.BATCH_SIZE);
    }

    @Test
    void perFieldMessagesLandOnTheirField() {
        assertThat(validate(DynamoDbSinkConfig.BATCH_SIZE, "26")).containsOnlyKeys(DynamoDbSinkConfig.BATCH_SIZE);
        assertThat(validate(DynamoDbSinkConfig.PARTITION_TEMPLATE, "{event_type"))
                .containsOnlyKeys(DynamoDbSinkConfig.PARTITION_TEMPLATE)
                .extractingByKey(DynamoDbSinkConfig.PARTITION_TEMPLATE).asList().first().asString()
                .contains("unclosed");
        assertThat(validate(DynamoDbSinkConfig.TABLE, null)).containsOnlyKeys(DynamoDbSinkConfig.TABLE);
        assertThat(validate(DynamoDbSinkConfig.TTL_MISSING_TIMESTAMP, "later"))
                .containsOnlyKeys(DynamoDbSinkConfig.TTL_MISSING_TIMESTAMP);
        assertThat(validate(DynamoDbSinkConfig.PARTITION_ATTRIBUTE, " "))
                .containsOnlyKeys(DynamoDbSinkConfig.PARTITION_ATTRIBUTE);
    }

    @Test
    void crossFieldMessagesLandOnTheFieldToChange() {
        assertThat(validate(DynamoDbSinkConfig.SORT_TEMPLATE, null)).containsOnlyKeys(DynamoDbSinkConfig.SORT_TEMPLATE);
        assertThat(validate(DynamoDbSinkConfig.SORT_ATTRIBUTE, null)).containsOnlyKeys(DynamoDbSinkConfig.SORT_ATTRIBUTE);
        assertThat(validate(DynamoDbSinkConfig.TTL_ATTRIBUTE, "pk")).containsOnlyKeys(DynamoDbSinkConfig.TTL_ATTRIBUTE);
        // Deletes with value-field templates cannot work: a tombstone has no value.
        Map<String, List<String>> e = validate(DynamoDbSinkConfig.DELETE_ON_TOMBSTONE, "true");
        assertThat(e).containsOnlyKeys(DynamoDbSinkConfig.DELETE_PARTITION_TEMPLATE, DynamoDbSinkConfig.DELETE_SORT_TEMPLATE);
        assertThat(e.get(DynamoDbSinkConfig.DELETE_PARTITION_TEMPLATE).get(0)).contains("{key:event_type}");
        assertThat(validate(DynamoDbSinkConfig.DELETE_ON_TOMBSTONE, "true",
                DynamoDbSinkConfig.DELETE_PARTITION_TEMPLATE, "{key:event_type}#{key:user_id|anonymous}",
                DynamoDbSinkConfig.DELETE_SORT_TEMPLATE, "{key:timestamp}")).isEmpty();
        // The AWS fragment's cross-field rules are reported too.
        assertThat(validate("aws.secret.access.key", null)).containsOnlyKeys("aws.secret.access.key");
    }

    @Test
    void aConfigThatBypassedValidateStillFailsFast() {
        assertThatThrownBy(() -> new DynamoDbSinkConnector().start(seed(DynamoDbSinkConfig.SORT_TEMPLATE, null)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(DynamoDbSinkConfig.SORT_TEMPLATE);
    }

    @Test
    void anUnreachableEndpointIsReportedOnTheEndpointField() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, List<String>> e = validate(DynamoDbSinkConfig.TABLE_CHECK, "true",
                DynamoDbSinkConfig.VALIDATE_TIMEOUT_MS, "2000", "aws.endpoint.url", "http://127.0.0.1:" + port);
        assertThat(e).containsOnlyKeys("aws.endpoint.url");
        assertThat(e.get("aws.endpoint.url").get(0)).contains("could not be reached");
    }

    @Test
    void keySchemaMismatchesNameTheKeyAttributeFields() {
        TableDescription table = TableDescription.builder().tableName("t")
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                        .attributeType(ScalarAttributeType.N).build())
                .build();
        Map<String, List<String>> errors = new LinkedHashMap<>();
        DynamoDbSinkConnector.checkKeySchema(new DynamoDbSinkConfig(seed()), table, errors);
        assertThat(errors).containsOnlyKeys(DynamoDbSinkConfig.PARTITION_ATTRIBUTE, DynamoDbSinkConfig.SORT_ATTRIBUTE);
        assertThat(errors.get(DynamoDbSinkConfig.PARTITION_ATTRIBUTE).get(0)).contains("'id'");

        errors.clear();
        DynamoDbSinkConnector.checkKeySchema(new DynamoDbSinkConfig(seed(DynamoDbSinkConfig.PARTITION_ATTRIBUTE, "id",
                DynamoDbSinkConfig.SORT_ATTRIBUTE, null, DynamoDbSinkConfig.SORT_TEMPLATE, null)), table, errors);
        assertThat(errors).containsOnlyKeys(DynamoDbSinkConfig.PARTITION_ATTRIBUTE);
        assertThat(errors.get(DynamoDbSinkConfig.PARTITION_ATTRIBUTE).get(0)).contains("type N")
                .contains(DynamoDbSinkConfig.PARTITION_TYPE + "=N");

        // Number keys are supported: with the type configured the same table matches.
        errors.clear();
        DynamoDbSinkConnector.checkKeySchema(new DynamoDbSinkConfig(seed(DynamoDbSinkConfig.PARTITION_ATTRIBUTE, "id",
                DynamoDbSinkConfig.PARTITION_TYPE, "N", DynamoDbSinkConfig.SORT_ATTRIBUTE, null,
                DynamoDbSinkConfig.SORT_TEMPLATE, null)), table, errors);
        assertThat(errors).isEmpty();
    }

    @Test
    void aTtlAttributeTheTableDoesNotExpireOnIsReportedOnTheTtlField() {
        DynamoDbSinkConfig config = new DynamoDbSinkConfig(seed());
        Map<String, List<String>> errors = new LinkedHashMap<>();
        DynamoDbSinkConnector.checkTtl(config, "t", TimeToLiveDescription.builder()
                .timeToLiveStatus(TimeToLiveStatus.ENABLED).attributeName("ttl").build(), errors);
        assertThat(errors).isEmpty();
        DynamoDbSinkConnector.checkTtl(config, "t", TimeToLiveDescription.builder()
                .timeToLiveStatus(TimeToLiveStatus.ENABLED).attributeName("expires_at").build(), errors);
        assertThat(errors).containsOnlyKeys(DynamoDbSinkConfig.TTL_ATTRIBUTE);
        assertThat(errors.get(DynamoDbSinkConfig.TTL_ATTRIBUTE).get(0)).contains("'expires_at'")
                .contains(DynamoDbSinkConfig.TTL_ATTRIBUTE + "=expires_at");
        errors.clear();
        DynamoDbSinkConnector.checkTtl(config, "t", TimeToLiveDescription.builder()
                .timeToLiveStatus(TimeToLiveStatus.DISABLED).build(), errors);
        assertThat(errors.get(DynamoDbSinkConfig.TTL_ATTRIBUTE).get(0)).contains("TTL DISABLED")
                .contains("UpdateTimeToLive");
    }

    @Test
    void tasksGetTheirNumberAndVersionIsReal() {
        DynamoDbSinkConnector c = new DynamoDbSinkConnector();
        c.start(seed());
        assertThat(c.taskConfigs(3)).extracting(m -> m.get(DynamoDbSinkTask.TASK_ID)).containsExactly("0", "1", "2");
        assertThat(c.version()).isNotEqualTo("unknown").doesNotContain("${");
        assertThat(c.taskClass()).isEqualTo(DynamoDbSinkTask.class);
    }
}
