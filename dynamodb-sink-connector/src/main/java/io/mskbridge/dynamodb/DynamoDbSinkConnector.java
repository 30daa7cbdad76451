package io.mskbridge.dynamodb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsClientFactory;
import io.mskbridge.aws.AwsConfig;
import io.mskbridge.aws.AwsErrors;
import io.mskbridge.aws.AwsSettings;
import io.mskbridge.aws.ReachabilityProbe;
import io.mskbridge.common.SinkConnectorBase;
import io.mskbridge.common.Version;
import io.mskbridge.common.config.ConfigErrors;
import io.mskbridge.dynamodb.DynamoDbSinkConfig.KeyAttributeType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * Kafka → DynamoDB sink: one item per record with keys rendered from templates (the seed Lambda's
 * {@code pk = event_type#user_id}, {@code sk = timestamp}), TTL from the record timestamp, deletes on
 * tombstones, batched idempotent writes. See {@link DynamoDbSinkConfig} for the settings.
 *
 * <p>{@link #validate} adds cross-field checks and, for a fixed table name, a bounded DescribeTable
 * checking that the table exists with the configured key names and types, and DescribeTimeToLive checking
 * that its TTL is on the configured TTL attribute; each problem is reported on the field a user has to change.
 */
public class DynamoDbSinkConnector extends SinkConnectorBase {

    private static final Logger log = LoggerFactory.getLogger(DynamoDbSinkConnector.class);

    static final String VERSION = Version.read(DynamoDbSinkConnector.class, "dynamodb-sink-connector-version.properties");

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    protected String describe(Map<String, String> props) {
        return "table " + new DynamoDbSinkConfig(props).table();
    }

    @Override
    public Class<? extends Task> taskClass() {
        return DynamoDbSinkTask.class;
    }

    @Override
    public ConfigDef config() {
        return DynamoDbSinkConfig.configDef();
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        AwsConfig.validate(connectorConfigs, config);
        ConfigErrors errors = ConfigErrors.of(config);
        errors.attachAll(DynamoDbSinkConfig.crossFieldErrors(connectorConfigs));
        if (!errors.any()) {
            DynamoDbSinkConfig parsed;
            try {
                parsed = new DynamoDbSinkConfig(connectorConfigs);
            } catch (RuntimeException e) {
                errors.attach(DynamoDbSinkConfig.TABLE, "Invalid configuration: " + e.getMessage());
                return config;
            }
            if (parsed.tableCheck() && parsed.table().isConstant()) {
                errors.attachAll(checkTable(parsed));
            }
        }
        return config;
    }

    /**
     * DescribeTable within {@code dynamodb.validate.timeout.ms}; problems by the field to fix. Package-private
     * for tests.
     */
    static Map<String, List<String>> checkTable(DynamoDbSinkConfig config) {
        Map<String, List<String>> errors = new HashMap<>();
        // A constant template renders without a record (it may still hold {{ or }} escapes).
        String table = config.table().render(null);
        AwsSettings aws = config.aws();
        ReachabilityProbe probe = ReachabilityProbe.of("DynamoDB", aws, config.validateTimeout())
                .permissions("dynamodb:DescribeTable and dynamodb:BatchWriteItem on table '" + table + "'")
                .offlineHint("set " + DynamoDbSinkConfig.TABLE_CHECK + "=false");
        TableDescription[] description = new TableDescription[1];
        TimeToLiveDescription[] ttl = new TimeToLiveDescription[1];
        RuntimeException[] ttlFailure = new RuntimeException[1];
        probe.run("DescribeTable(" + table + ")", DynamoDbSinkConfig.TABLE, () -> {
            try (AwsClientFactory factory = new AwsClientFactory(aws)) {
                DynamoDbClient client = factory.dynamoDb(2, b -> b.overrideConfiguration(factory.overrideConfiguration()
                        .toBuilder()
                        .apiCallTimeout(probe.timeout())
                        .apiCallAttemptTimeout(probe.timeout())
                        .build()));
                description[0] = client.describeTable(b -> b.tableName(table)).table();
                if (config.ttlAttribute().isPresent()) {
                    try {
                        ttl[0] = client.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription();
                    } catch (RuntimeException e) {
                        ttlFailure[0] = e;
                    }
                }
            } catch (ResourceNotFoundException e) {
                if (!config.tableAutoCreate()) {
                    throw e;
                } // else the task creates it
            }
        }, e -> e instanceof ResourceNotFoundException ? missingTable(config, table, probe.where()) : null)
                .ifPresent(problem -> add(errors, problem.field(), problem.message()));
        if (description[0] != null) {
            checkKeySchema(config, description[0], errors);
            if (ttl[0] != null) {
                checkTtl(config, table, ttl[0], errors);
            } else if (ttlFailure[0] != null) {
                // Only a warning: the connector writes correct items without this permission (it never calls
                // DescribeTimeToLive at run time), so refusing the configuration for it would block a working
                // deployment over a check of the table's housekeeping.
                log.warn("Cannot check that the TTL of DynamoDB table {} is enabled on {} ({}): {}. Grant "
                                + "dynamodb:DescribeTimeToLive to have validate() check it.", table,
                        config.ttlAttribute().get(), DynamoDbSinkConfig.TTL_ATTRIBUTE, AwsErrors.describe(ttlFailure[0]));
            }
        }
        return errors;
    }

    /** A TTL attribute the table's TTL setting does not name: its items would never expire. */
    static void checkTtl(DynamoDbSinkConfig config, String table, TimeToLiveDescription ttl,
                         Map<String, List<String>> errors) {
        String attribute = config.ttlAttribute().orElseThrow();
        TimeToLiveStatus status = ttl.timeToLiveStatus();
        boolean on = status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING;
        if (on && attribute.equals(ttl.attributeName())) {
            return;
        }
        add(errors, DynamoDbSinkConfig.TTL_ATTRIBUTE, on
                ? "Table '" + table + "' expires items on attribute '" + ttl.attributeName() + "', not '" + attribute
                        + "', so the items this connector writes would never expire. Set "
                        + DynamoDbSinkConfig.TTL_ATTRIBUTE + "=" + ttl.attributeName() + ", or unset it."
                : "Table '" + table + "' has TTL " + ttl.timeToLiveStatusAsString() + ", so the '" + attribute
                        + "' attribute this connector writes would never expire items. Enable TTL on '" + attribute
                        + "' (UpdateTimeToLive), or unset " + DynamoDbSinkConfig.TTL_ATTRIBUTE + ".");
    }

    private static ReachabilityProbe.Problem missingTable(DynamoDbSinkConfig config, String table, String where) {
        return new ReachabilityProbe.Problem(DynamoDbSinkConfig.TABLE, "Table '" + table + "' does not exist at " + where
                + ". Create it (partition key " + config.partitionAttribute() + " of type "
                + config.partitionType().configValue() + config.sortAttribute().map(s -> ", sort key " + s + " of type "
                + config.sortType().configValue()).orElse("") + ") or set "
                + DynamoDbSinkConfig.TABLE_AUTO_CREATE + "=true.");
    }

    static void checkKeySchema(DynamoDbSinkConfig config, TableDescription d, Map<String, List<String>> errors) {
        String table = d.tableName();
        Optional<String> hash = keyOf(d, KeyType.HASH);
        Optional<String> range = keyOf(d, KeyType.RANGE);
        String pa = config.partitionAttribute();
        if (hash.isPresent() && !hash.get().equals(pa)) {
            add(errors, DynamoDbSinkConfig.PARTITION_ATTRIBUTE, "Table '" + table + "' has partition key '" + hash.get()
                    + "', not '" + pa + "'. Set " + DynamoDbSinkConfig.PARTITION_ATTRIBUTE + "=" + hash.get() + ".");
        } else if (hash.isPresent()) {
            typeCheck(d, pa, DynamoDbSinkConfig.PARTITION_ATTRIBUTE, config.partitionType(),
                    DynamoDbSinkConfig.PARTITION_TYPE, errors);
        }
        Optional<String> sa = config.sortAttribute();
        if (range.isPresent() && sa.isEmpty()) {
            add(errors, DynamoDbSinkConfig.SORT_ATTRIBUTE, "Table '" + table + "' has sort key '" + range.get()
                    + "'. Set " + DynamoDbSinkConfig.SORT_ATTRIBUTE + "=" + range.get() + " and "
                    + DynamoDbSinkConfig.SORT_TEMPLATE + ".");
        } else if (range.isEmpty() && sa.isPresent()) {
            add(errors, DynamoDbSinkConfig.SORT_ATTRIBUTE, "Table '" + table + "' has no sort key, but "
                    + DynamoDbSinkConfig.SORT_ATTRIBUTE + " is '" + sa.get() + "'. Remove it and "
                    + DynamoDbSinkConfig.SORT_TEMPLATE + ".");
        } else if (range.isPresent() && !range.get().equals(sa.get())) {
            add(errors, DynamoDbSinkConfig.SORT_ATTRIBUTE, "Table '" + table + "' has sort key '" + range.get()
                    + "', not '" + sa.get() + "'. Set " + DynamoDbSinkConfig.SORT_ATTRIBUTE + "=" + range.get() + ".");
        } else if (range.isPresent()) {
            typeCheck(d, sa.get(), DynamoDbSinkConfig.SORT_ATTRIBUTE, config.sortType(), DynamoDbSinkConfig.SORT_TYPE,
                    errors);
        }
    }

    private static void typeCheck(TableDescription d, String attribute, String key, KeyAttributeType configured,
                                  String typeKey, Map<String, List<String>> errors) {
        for (AttributeDefinition a : d.attributeDefinitions()) {
            String actual = a.attributeTypeAsString();
            if (a.attributeName().equals(attribute) && !configured.configValue().equals(actual)) {
                add(errors, key, "Key attribute '" + attribute + "' of table '" + d.tableName() + "' has type "
                        + actual + ", but " + typeKey + " is " + configured.configValue() + ". Set " + typeKey + "="
                        + actual + ".");
            }
        }
    }

    private static Optional<String> keyOf(TableDescription d, KeyType type) {
        for (KeySchemaElement k : d.keySchema()) {
            if (k.keyType() == type) {
                return Optional.of(k.attributeName());
            }
        }
        return Optional.empty();
    }

    private static void add(Map<String, List<String>> errors, String key, String message) {
        errors.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
    }
}
