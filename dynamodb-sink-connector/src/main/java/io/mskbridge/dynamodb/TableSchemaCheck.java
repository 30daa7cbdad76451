package io.mskbridge.dynamodb;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsErrors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The task's side of "a configuration error is not a data error" (docs/ARCHITECTURE.md, Errors): the key schema
 * of every table a task writes to is checked with DescribeTable once, before its first write, and again when
 * DynamoDB rejects a write with a key-schema ValidationException. A mismatch would reject every item, so it
 * fails the task with the message {@code validate()} gives, instead of sending each record to the DLQ.
 */
final class TableSchemaCheck {

    private static final Logger log = LoggerFactory.getLogger(TableSchemaCheck.class);

    /**
     * ValidationException messages (lower case) that are about the table's key schema, not about one item. Keys
     * are rendered with the same attribute names and types for every record, so these hit every item alike.
     * "Type mismatch for Index Key" (a GSI attribute of the wrong type) is deliberately not here: that is one
     * item's value.
     */
    private static final List<String> KEY_SCHEMA_MESSAGES = List.of(
            "type mismatch for key",
            "missing the key",
            "provided key element does not match the schema",
            "one of the required keys was not given a value");

    private final DynamoDbClient client;
    private final DynamoDbSinkConfig config;
    private final Set<String> checked = ConcurrentHashMap.newKeySet();

    TableSchemaCheck(DynamoDbClient client, DynamoDbSinkConfig config) {
        this.client = client;
        this.config = config;
    }

    /** Whether a ValidationException is about the key schema (and so, likely, about the configuration). */
    static boolean isKeySchemaError(Throwable e) {
        String m = String.valueOf(AwsErrors.describe(e)).toLowerCase(Locale.ROOT);
        return KEY_SCHEMA_MESSAGES.stream().anyMatch(m::contains);
    }

    /**
     * Checks {@code table} once per task: a table whose key schema does not match the configuration fails with a
     * {@link ConnectException}. A missing table is left to the write path (auto-create or its own error); a
     * DescribeTable that fails otherwise (no permission, say) is logged and the writes go ahead, since DynamoDB's
     * own answer to a mismatched key is still classified by {@link #confirmKeyError}.
     */
    void ensure(String table) {
        if (checked.contains(table)) {
            return;
        }
        TableDescription d;
        try {
            d = client.describeTable(b -> b.tableName(table)).table();
        } catch (ResourceNotFoundException e) {
            return;
        } catch (RuntimeException e) {
            if (AwsErrors.isRetriable(e)) {
                return; // try again before the next write to this table
            }
            log.warn("Cannot check the key schema of DynamoDB table {} with DescribeTable ({}); writing without the "
                    + "check. Grant dynamodb:DescribeTable to have a mismatched key found before the first write.",
                    table, AwsErrors.describe(e));
            checked.add(table);
            return;
        }
        String problem = problem(d);
        if (problem != null) {
            throw new ConnectException(problem);
        }
        checked.add(table);
        log.info("DynamoDB table {} has the configured key schema", table);
    }

    /**
     * Called when DynamoDB rejected a write to {@code table} with a key-schema message: throws a
     * {@link ConnectException} unless a fresh DescribeTable shows the table matches the configuration, in which
     * case the rejection is about the item and the caller treats it as a record error.
     */
    void confirmKeyError(String table, RuntimeException rejection) {
        TableDescription d;
        try {
            d = client.describeTable(b -> b.tableName(table)).table();
        } catch (RuntimeException e) {
            // Without the table's schema the message is the evidence: our keys have the same names and types in
            // every item, so a key-schema rejection would hit every record.
            throw new ConnectException("DynamoDB rejected writes to table '" + table + "' because of its key schema: "
                    + AwsErrors.describe(rejection) + ". Check " + keySettings() + " against the table's key schema "
                    + "(DescribeTable failed too: " + AwsErrors.describe(e) + ").", rejection);
        }
        String problem = problem(d);
        if (problem != null) {
            throw new ConnectException(problem + " (DynamoDB: " + AwsErrors.describe(rejection) + ")", rejection);
        }
    }

    private String problem(TableDescription d) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        DynamoDbSinkConnector.checkKeySchema(config, d, errors);
        if (errors.isEmpty()) {
            return null;
        }
        return "The key schema of DynamoDB table '" + d.tableName() + "' does not match the connector's "
                + "configuration, so no item could be written: " + errors.entrySet().stream()
                .map(e -> e.getKey() + ": " + String.join(" ", e.getValue())).collect(Collectors.joining(" "));
    }

    private static String keySettings() {
        return DynamoDbSinkConfig.PARTITION_ATTRIBUTE + ", " + DynamoDbSinkConfig.PARTITION_TYPE + ", "
                + DynamoDbSinkConfig.SORT_ATTRIBUTE + " and " + DynamoDbSinkConfig.SORT_TYPE;
    }
}
