package io.mskbridge.dynamodb;

/**
 * The identity of an item: table plus rendered key values. Two writes with equal keys in one
 * BatchWriteItem are rejected by DynamoDB, so a put() keeps only the last write per key.
 *
 * @param sortKey null for a table without sort key
 */
record ItemKey(String table, String partitionKey, String sortKey) {
}
