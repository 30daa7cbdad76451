package io.mskbridge.dynamodb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * An in-memory BatchWriteItem with a scriptable fault per call: the "table" is a map from pk#sk to item.
 * It rejects duplicate keys and batches over 25 like DynamoDB. DescribeTable answers from {@link #describe}
 * (by default every table has the seed's string keys pk and sk).
 */
final class FakeDynamoDb implements DynamoDbClient {

    /** Decides per call: null = apply everything, else a response/exception. */
    interface Script extends Function<List<WriteRequest>, Object> {
    }

    final Map<String, Map<String, AttributeValue>> items = new ConcurrentHashMap<>();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    volatile Script script = reqs -> null;
    /** The table description (or exception) DescribeTable gives per table name. */
    volatile Function<String, Object> describe = name -> table(name, "pk", "S", "sk", "S");
    final List<String> described = new CopyOnWriteArrayList<>();

    /** A table with the given HASH (and, when {@code sk} is not null, RANGE) key. */
    static TableDescription table(String name, String pk, String pkType, String sk, String skType) {
        List<KeySchemaElement> keys = new ArrayList<>();
        List<AttributeDefinition> defs = new ArrayList<>();
        keys.add(KeySchemaElement.builder().attributeName(pk).keyType(KeyType.HASH).build());
        defs.add(AttributeDefinition.builder().attributeName(pk).attributeType(pkType).build());
        if (sk != null) {
            keys.add(KeySchemaElement.builder().attributeName(sk).keyType(KeyType.RANGE).build());
            defs.add(AttributeDefinition.builder().attributeName(sk).attributeType(skType).build());
        }
        return TableDescription.builder().tableName(name).keySchema(keys).attributeDefinitions(defs).build();
    }

    static DynamoDbException error(int status, String code, String message) {
        return (DynamoDbException) DynamoDbException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    @Override
    public DescribeTableResponse describeTable(DescribeTableRequest request) {
        described.add(request.tableName());
        Object outcome = describe.apply(request.tableName());
        if (outcome instanceof RuntimeException) {
            throw (RuntimeException) outcome;
        }
        return DescribeTableResponse.builder().table((TableDescription) outcome).build();
    }

    static DynamoDbException error(int status, String code) {
        return (DynamoDbException) DynamoDbException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }

    @Override
    public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
        if (request.requestItems().size() != 1) {
            throw new IllegalStateException("one table per batch expected");
        }
        String table = request.requestItems().keySet().iterator().next();
        List<WriteRequest> reqs = request.requestItems().get(table);
        if (reqs.size() > 25) {
            throw error(400, "ValidationException");
        }
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (WriteRequest r : reqs) {
            if (!keys.add(key(r))) {
                throw error(400, "ValidationException");
            }
        }
        batchSizes.add(reqs.size());
        Object outcome = script.apply(reqs);
        if (outcome instanceof RuntimeException) {
            throw (RuntimeException) outcome;
        }
        List<WriteRequest> unprocessed = outcome instanceof List ? castList(outcome) : List.of();
        List<WriteRequest> apply = new ArrayList<>(reqs);
        apply.removeAll(unprocessed);
        for (WriteRequest r : apply) {
            if (r.putRequest() != null) {
                items.put(key(r), new HashMap<>(r.putRequest().item()));
            } else {
                items.remove(key(r));
            }
        }
        return BatchWriteItemResponse.builder()
                .unprocessedItems(unprocessed.isEmpty() ? Map.of() : Map.of(table, unprocessed)).build();
    }

    @SuppressWarnings("unchecked")
    private static List<WriteRequest> castList(Object o) {
        return (List<WriteRequest>) o;
    }

    static String key(WriteRequest r) {
        Map<String, AttributeValue> k = r.putRequest() != null ? r.putRequest().item() : r.deleteRequest().key();
        return ItemMapper.keyString(k.get("pk")) + "|" + (k.containsKey("sk") ? ItemMapper.keyString(k.get("sk")) : "");
    }

    @Override
    public String serviceName() {
        return "dynamodb";
    }

    @Override
    public void close() {
    }
}
