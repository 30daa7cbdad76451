package io.mskbridge.dynamodb;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsClientFactory;
import io.mskbridge.aws.AwsConfig;
import io.mskbridge.aws.AwsErrors;
import io.mskbridge.aws.AwsSettings;
import io.mskbridge.common.SinkConsumerChecks;
import io.mskbridge.common.Version;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Kafka → DynamoDB sink: one item per record with keys rendered from templates (the seed Lambda's
 * {@code pk = event_type#user_id}, {@code sk = timestamp}), TTL from the record timestamp, deletes on
 * tombstones, batched idempotent writes. See {@link DynamoDbSinkConfig} for the settings.
 *
 * <p>{@link #validate} adds cross-field checks and, for a fixed table name, a bounded DescribeTable
 * checking that the table exists with the configured string keys; each problem is reported on the field
 * a user has to change.
 */
public class DynamoDbSinkConnector extends SinkConnector {

    private static final Logger log = LoggerFactory.getLogger(DynamoDbSinkConnector.class);

    static final String VERSION = Version.read(DynamoDbSinkConnector.class, "dynamodb-sink-connector-version.properties");

    private Map<String, String> props;

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        // Fail fast on a config that bypassed validate(), with the same messages the tasks would give.
        DynamoDbSinkConfig config = new DynamoDbSinkConfig(props);
        this.props = new HashMap<>(props);
        log.info("DynamoDB sink connector {} started for table {}", props.get("name"), config.table());
        String isolation = SinkConsumerChecks.isolationWarning(props.get("name"), props);
        if (isolation != null) {
            log.warn(isolation);
        }
    }

    @Override
    public Class<? extends Task> taskClass() {
        return DynamoDbSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> c = new HashMap<>(props);
            c.put(DynamoDbSinkTask.TASK_ID, String.valueOf(i));
            configs.add(c);
        }
        return configs;
    }

    @Override
    public void stop() {
        log.info("DynamoDB sink connector {} stopped", props == null ? null : props.get("name"));
    }

    @Override
    public ConfigDef config() {
        return DynamoDbSinkConfig.configDef();
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        AwsConfig.validate(connectorConfigs, config);
        Map<String, ConfigValue> byName = new HashMap<>();
        for (ConfigValue v : config.configValues()) {
            byName.put(v.name(), v);
        }
        DynamoDbSinkConfig.crossFieldErrors(connectorConfigs).forEach((k, msgs) -> msgs.forEach(m -> attach(config,
                byName, k, m)));
        boolean clean = config.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
        if (clean) {
            DynamoDbSinkConfig parsed;
            try {
                parsed = new DynamoDbSinkConfig(connectorConfigs);
            } catch (RuntimeException e) {
                attach(config, byName, DynamoDbSinkConfig.TABLE, "Invalid configuration: " + e.getMessage());
                return config;
            }
            if (parsed.tableCheck() && parsed.table().isConstant()) {
                checkTable(parsed).forEach((k, msgs) -> msgs.forEach(m -> attach(config, byName, k, m)));
            }
        }
        return config;
    }

    private static void attach(Config config, Map<String, ConfigValue> byName, String key, String message) {
        ConfigValue v = byName.get(key);
        if (v == null) {
            v = new ConfigValue(key);
            config.configValues().add(v);
            byName.put(key, v);
        }
        if (!v.errorMessages().contains(message)) {
            v.addErrorMessage(message);
        }
    }

    /**
     * DescribeTable within {@code dynamodb.table.check.timeout.ms}; problems by the field to fix. Package-private
     * for tests.
     */
    static Map<String, List<String>> checkTable(DynamoDbSinkConfig config) {
        Map<String, List<String>> errors = new HashMap<>();
        // A constant template renders without a record (it may still hold {{ or }} escapes).
        String table = config.table().render(null);
        long timeoutMs = config.tableCheckTimeout().toMillis();
        AwsSettings aws = config.aws();
        String where = aws.endpointOverride().map(u -> "endpoint " + u).orElseGet(() -> "region "
                + aws.region().map(Object::toString).orElse("<default chain>"));
        TableDescription description;
        try (AwsClientFactory factory = new AwsClientFactory(aws)) {
            DynamoDbClient client = factory.dynamoDb(2, b -> b.overrideConfiguration(factory.overrideConfiguration()
                    .toBuilder()
                    .apiCallTimeout(java.time.Duration.ofMillis(timeoutMs))
                    .apiCallAttemptTimeout(java.time.Duration.ofMillis(timeoutMs))
                    .build()));
            // The SDK bounds the call, but credential chains (instance metadata) can block before it starts.
            CompletableFuture<TableDescription> f = CompletableFuture.supplyAsync(
                    () -> client.describeTable(b -> b.tableName(table)).table());
            try {
                description = f.get(timeoutMs + 1000, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                add(errors, aws.endpointOverride().isPresent() ? AwsConfig.ENDPOINT_URL : AwsConfig.REGION,
                        "DynamoDB at " + where + " did not answer DescribeTable(" + table + ") within " + timeoutMs
                                + " ms. Check " + AwsConfig.ENDPOINT_URL + "/" + AwsConfig.REGION + " and the network "
                                + "path (VPC endpoint, security groups), or set " + DynamoDbSinkConfig.TABLE_CHECK
                                + "=false to validate offline.");
                return errors;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return errors;
            } catch (ExecutionException e) {
                describeFailure(e.getCause(), config, table, where, timeoutMs, errors);
                return errors;
            }
        } catch (RuntimeException e) {
            // e.g. no region resolvable: AwsClientFactory says which key to set.
            add(errors, AwsConfig.REGION, "Cannot build a DynamoDB client: " + e.getMessage());
            return errors;
        }
        checkKeySchema(config, description, errors);
        return errors;
    }

    private static void describeFailure(Throwable t, DynamoDbSinkConfig config, String table, String where,
                                        long timeoutMs, Map<String, List<String>> errors) {
        Throwable e = AwsErrors.unwrap(t);
        String code = AwsErrors.errorCode(e);
        boolean staticKeys = config.aws().credentialsProvider() != AwsConfig.CredentialsProviderType.DEFAULT;
        if (e instanceof ResourceNotFoundException) {
            if (!config.tableAutoCreate()) {
                add(errors, DynamoDbSinkConfig.TABLE, "Table '" + table + "' does not exist at " + where + ". Create "
                        + "it (partition key " + config.partitionAttribute() + " of type S" + config.sortAttribute()
                        .map(s -> ", sort key " + s + " of type S").orElse("") + ") or set "
                        + DynamoDbSinkConfig.TABLE_AUTO_CREATE + "=true.");
            }
        } else if (code != null && (code.equals("UnrecognizedClientException") || code.equals("InvalidSignatureException")
                || code.equals("MissingAuthenticationTokenException") || code.equals("ExpiredTokenException")
                || code.equals("InvalidClientTokenId") || code.equals("SignatureDoesNotMatch"))) {
            add(errors, staticKeys ? AwsConfig.ACCESS_KEY_ID : AwsConfig.CREDENTIALS_PROVIDER,
                    "DynamoDB at " + where + " rejected the credentials: " + AwsErrors.describe(e)
                            + ". Check the key pair (or the role the connector runs as).");
        } else if (code != null && code.startsWith("AccessDenied")) {
            add(errors, AwsConfig.CREDENTIALS_PROVIDER, "The connector's identity may not describe table '" + table
                    + "': " + AwsErrors.describe(e) + ". Grant dynamodb:DescribeTable and dynamodb:BatchWriteItem on "
                    + "it.");
        } else if (e instanceof SdkClientException && !hasIoCause(e) && AwsErrors.classify(e) == AwsErrors.Kind.FATAL) {
            add(errors, AwsConfig.CREDENTIALS_PROVIDER, "Cannot call DynamoDB: " + AwsErrors.describe(e));
        } else if (AwsErrors.classify(e) != AwsErrors.Kind.FATAL) {
            add(errors, config.aws().endpointOverride().isPresent() ? AwsConfig.ENDPOINT_URL : AwsConfig.REGION,
                    "DynamoDB at " + where + " could not be reached within " + timeoutMs + " ms: " + AwsErrors.describe(e)
                            + ". Check " + AwsConfig.ENDPOINT_URL + "/" + AwsConfig.REGION + " and the network, or set "
                            + DynamoDbSinkConfig.TABLE_CHECK + "=false to validate offline.");
        } else {
            add(errors, DynamoDbSinkConfig.TABLE, "DescribeTable(" + table + ") at " + where + " failed: "
                    + AwsErrors.describe(e));
        }
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c instanceof IOException) {
                return true;
            }
        }
        return false;
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
            typeCheck(d, pa, DynamoDbSinkConfig.PARTITION_ATTRIBUTE, errors);
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
            typeCheck(d, sa.get(), DynamoDbSinkConfig.SORT_ATTRIBUTE, errors);
        }
    }

    private static void typeCheck(TableDescription d, String attribute, String key, Map<String, List<String>> errors) {
        for (AttributeDefinition a : d.attributeDefinitions()) {
            if (a.attributeName().equals(attribute) && !"S".equals(a.attributeTypeAsString())) {
                add(errors, key, "Key attribute '" + attribute + "' of table '" + d.tableName() + "' has type "
                        + a.attributeTypeAsString() + "; this connector writes keys rendered by templates as strings "
                        + "(S). Use a table with string keys.");
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
