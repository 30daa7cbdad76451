package io.mskbridge.harness.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mskbridge.harness.DynamoDbLocal;
import io.mskbridge.harness.KinesisEmulator;
import io.mskbridge.harness.S3ProxyServer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/** DynamoDB Local, S3Proxy and the Kinesis emulator each answer the real AWS SDK v2. */
class AwsServersIT {

    @RegisterExtension
    static final DynamoDbLocal DYNAMO = new DynamoDbLocal();
    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();
    @RegisterExtension
    static final KinesisEmulator KINESIS = new KinesisEmulator();

    @Test
    void dynamoDbLocalStoresAndReturnsItems() {
        DynamoDbClient ddb = DYNAMO.client();
        ddb.createTable(b -> b.tableName("events")
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        ddb.putItem(b -> b.tableName("events").item(Map.of(
                "pk", AttributeValue.fromS("purchase#user123"),
                "sk", AttributeValue.fromS("2026-11-22T04:00:00Z"),
                "amount_cents", AttributeValue.fromN("1999"))));
        Map<String, AttributeValue> item = ddb.getItem(b -> b.tableName("events").key(Map.of(
                "pk", AttributeValue.fromS("purchase#user123"), "sk", AttributeValue.fromS("2026-11-22T04:00:00Z")))).item();
        assertThat(item.get("amount_cents").n()).isEqualTo("1999");
    }

    @Test
    void s3ProxyStoresObjectsAndMultipartUploads() {
        S3Client s3 = S3.client();
        s3.createBucket(b -> b.bucket("archive"));
        s3.putObject(b -> b.bucket("archive").key("raw/a.jsonl").metadata(Map.of("record-count", "1")),
                RequestBody.fromString("{\"a\":1}\n"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("archive").key("raw/a.jsonl")).asUtf8String()).isEqualTo("{\"a\":1}\n");
        assertThat(s3.headObject(b -> b.bucket("archive").key("raw/a.jsonl")).metadata()).containsEntry("record-count", "1");

        String uploadId = s3.createMultipartUpload(b -> b.bucket("archive").key("big.bin")).uploadId();
        byte[] part1 = new byte[5 * 1024 * 1024];
        byte[] part2 = "tail".getBytes(StandardCharsets.UTF_8);
        String e1 = s3.uploadPart(b -> b.bucket("archive").key("big.bin").uploadId(uploadId).partNumber(1), RequestBody.fromBytes(part1)).eTag();
        String e2 = s3.uploadPart(b -> b.bucket("archive").key("big.bin").uploadId(uploadId).partNumber(2), RequestBody.fromBytes(part2)).eTag();
        s3.completeMultipartUpload(b -> b.bucket("archive").key("big.bin").uploadId(uploadId).multipartUpload(
                CompletedMultipartUpload.builder().parts(CompletedPart.builder().partNumber(1).eTag(e1).build(),
                        CompletedPart.builder().partNumber(2).eTag(e2).build()).build()));
        assertThat(s3.headObject(b -> b.bucket("archive").key("big.bin")).contentLength()).isEqualTo(part1.length + part2.length);
    }

    @Test
    void kinesisEmulatorPutsGetsAndReshards() {
        KinesisClient k = KINESIS.client();
        KINESIS.createStream("harness-stream", 1);
        PutRecordResponse put = k.putRecord(b -> b.streamName("harness-stream").partitionKey("user123")
                .data(SdkBytes.fromUtf8String("{\"event_type\":\"purchase\"}")));
        String iterator = k.getShardIterator(b -> b.streamName("harness-stream").shardId(put.shardId())
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        GetRecordsResponse got = k.getRecords(b -> b.shardIterator(iterator));
        assertThat(got.records()).hasSize(1);
        assertThat(got.records().get(0).sequenceNumber()).isEqualTo(put.sequenceNumber());
        assertThat(got.records().get(0).data().asUtf8String()).contains("purchase");

        Shard shard = k.listShards(b -> b.streamName("harness-stream")).shards().get(0);
        java.math.BigInteger mid = new java.math.BigInteger(shard.hashKeyRange().endingHashKey()).shiftRight(1);
        k.splitShard(b -> b.streamName("harness-stream").shardToSplit(shard.shardId()).newStartingHashKey(mid.toString()));
        KINESIS.awaitActive("harness-stream");
        List<Shard> shards = k.listShards(b -> b.streamName("harness-stream")).shards();
        assertThat(shards).hasSize(3);
        assertThat(shards).filteredOn(s -> shard.shardId().equals(s.parentShardId())).hasSize(2);
    }
}
