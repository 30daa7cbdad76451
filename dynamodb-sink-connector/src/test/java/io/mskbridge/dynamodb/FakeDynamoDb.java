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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * An in-memory BatchWriteItem with a scriptable fault per call: the "table" is a map from pk#sk to item.
 * It rejects duplicate keys and batches over 25 like DynamoDB.
 */
final class FakeDynamoDb implements DynamoDbClient {

    /** Decides per call: null = apply everything, else a response/exception. */
    interface Script extends Function<List<WriteRequest>, Object> {
    }

    final Map<String, Map<String, AttributeValue>> items = new ConcurrentHashMap<>();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    volatile Script script = reqs -> null;

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
        return k.get("pk").s() + "|" + (k.containsKey("sk") ? k.get("sk").s() : "");
    }

    @Override
    public String serviceName() {
        return "dynamodb";
    }

    @Override
    public void close() {
    }
}
