package io.mskbridge.dynamodb;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsErrors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Creates a missing table ({@code dynamodb.table.auto.create=true}): on-demand billing, key attributes
 * named and typed as configured, TTL enabled on the TTL attribute. Several tasks may race; the loser's
 * ResourceInUseException just means the table is on its way.
 */
final class TableCreator {

    private static final Logger log = LoggerFactory.getLogger(TableCreator.class);

    private final DynamoDbClient client;
    private final String partitionAttribute;
    private final String sortAttribute;
    private final ScalarAttributeType partitionType;
    private final ScalarAttributeType sortType;
    private final String ttlAttribute;
    private final Set<String> done = ConcurrentHashMap.newKeySet();

    TableCreator(DynamoDbClient client, DynamoDbSinkConfig config) {
        this.client = client;
        this.partitionAttribute = config.partitionAttribute();
        this.sortAttribute = config.sortAttribute().orElse(null);
        this.partitionType = ScalarAttributeType.fromValue(config.partitionType().configValue());
        this.sortType = ScalarAttributeType.fromValue(config.sortType().configValue());
        this.ttlAttribute = config.ttlAttribute().orElse(null);
    }

    /** Creates the table if needed and waits until it is ACTIVE. */
    synchronized void ensureExists(String table) {
        if (done.contains(table)) {
            return;
        }
        List<AttributeDefinition> attributes = new ArrayList<>();
        List<KeySchemaElement> keys = new ArrayList<>();
        attributes.add(AttributeDefinition.builder().attributeName(partitionAttribute)
                .attributeType(partitionType).build());
        keys.add(KeySchemaElement.builder().attributeName(partitionAttribute).keyType(KeyType.HASH).build());
        if (sortAttribute != null) {
            attributes.add(AttributeDefinition.builder().attributeName(sortAttribute)
                    .attributeType(sortType).build());
            keys.add(KeySchemaElement.builder().attributeName(sortAttribute).keyType(KeyType.RANGE).build());
        }
        try {
            client.createTable(b -> b.tableName(table).attributeDefinitions(attributes).keySchema(keys)
                    .billingMode(BillingMode.PAY_PER_REQUEST));
            log.info("Created DynamoDB table {} (on-demand, key {}{})", table, partitionAttribute,
                    sortAttribute == null ? "" : "+" + sortAttribute);
        } catch (ResourceInUseException e) {
            log.info("DynamoDB table {} is already being created", table);
        } catch (RuntimeException e) {
            throw new ConnectException("Cannot create DynamoDB table '" + table + "': " + AwsErrors.describe(e)
                    + ". Create it yourself or grant dynamodb:CreateTable.", e);
        }
        client.waiter().waitUntilTableExists(b -> b.tableName(table));
        if (ttlAttribute != null) {
            try {
                client.updateTimeToLive(b -> b.tableName(table)
                        .timeToLiveSpecification(t -> t.attributeName(ttlAttribute).enabled(true)));
            } catch (RuntimeException e) {
                // Items are still correct without expiry; tell the operator rather than stop the data.
                log.warn("Cannot enable TTL on {} ({}): {}", table, ttlAttribute, AwsErrors.describe(e));
            }
        }
        done.add(table);
    }
}
