package io.mskbridge.harness.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mskbridge.harness.DynamoDbLocal;
import io.mskbridge.harness.FaultProxy;
import io.mskbridge.harness.KinesisEmulator;
import io.mskbridge.harness.S3ProxyServer;
import io.mskbridge.harness.TestAws;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Each injected fault reaches the SDK as the exception the real service would cause. */
class FaultProxyIT {

    @RegisterExtension
    static final DynamoDbLocal DYNAMO = new DynamoDbLocal();
    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();
    @RegisterExtension
    static final KinesisEmulator KINESIS = new KinesisEmulator();

    private FaultProxy proxy;

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private FaultProxy proxy(URI target, FaultProxy.Service service) {
        proxy = new FaultProxy(target, service);
        proxy.start();
        return proxy;
    }

    private static RetryPolicy retries(int n) {
        return RetryPolicy.builder().numRetries(n).build();
    }

    private static KinesisClient kinesis(URI endpoint, int retries) {
        return KinesisClient.builder().endpointOverride(endpoint).region(TestAws.REGION).credentialsProvider(TestAws.credentials())
                .httpClientBuilder(ApacheHttpClient.builder()).overrideConfiguration(o -> o.retryPolicy(retries(retries))).build();
    }

    private static DynamoDbClient dynamo(URI endpoint, int retries) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(TestAws.REGION).credentialsProvider(TestAws.credentials())
                .httpClientBuilder(ApacheHttpClient.builder()).overrideConfiguration(o -> o.retryPolicy(retries(retries))).build();
    }

    private static S3Client s3(URI endpoint, int retries) {
        return S3Client.builder().endpointOverride(endpoint).region(TestAws.REGION).credentialsProvider(TestAws.credentials())
                .forcePathStyle(true).httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.retryPolicy(retries(retries))).build();
    }

    @Test
    void kinesisThrottlingArrivesAsProvisionedThroughputExceeded() {
        KINESIS.createStream("fault-stream", 1);
        FaultProxy p = proxy(KINESIS.endpoint(), FaultProxy.Service.KINESIS).throttleRate(1.0)
                .onlyFor(r -> r.target().endsWith("PutRecord"));
        try (KinesisClient k = kinesis(p.endpoint(), 0)) {
            assertThatThrownBy(() -> k.putRecord(b -> b.streamName("fault-stream").partitionKey("k").data(SdkBytes.fromUtf8String("x"))))
                    .isInstanceOf(ProvisionedThroughputExceededException.class)
                    .satisfies(e -> assertThat(((ProvisionedThroughputExceededException) e).isThrottlingException()).isTrue());
            // requests that the filter does not select pass untouched
            assertThat(k.listStreams().streamNames()).contains("fault-stream");
        }
        assertThat(p.throttled()).isEqualTo(1);
    }

    @Test
    void kinesisServerErrorsAndResetsAreRetriedBySdk() {
        KINESIS.createStream("fault-stream-2", 1);
        FaultProxy p = proxy(KINESIS.endpoint(), FaultProxy.Service.KINESIS).mixedFaults(0.3);
        try (KinesisClient k = kinesis(p.endpoint(), 10)) {
            for (int i = 0; i < 30; i++) {
                int n = i;
                k.putRecord(b -> b.streamName("fault-stream-2").partitionKey("k" + n).data(SdkBytes.fromUtf8String("v" + n)));
            }
        }
        assertThat(p.faults()).isPositive();
        assertThat(p.serverErrors() + p.resets()).isPositive();
    }

    @Test
    void dynamoDbThrottlingAndServerErrors() {
        DYNAMO.client().createTable(b -> b.tableName("fault-table")
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        FaultProxy p = proxy(DYNAMO.endpoint(), FaultProxy.Service.DYNAMODB).throttleRate(1.0);
        try (DynamoDbClient d = dynamo(p.endpoint(), 0)) {
            assertThatThrownBy(() -> d.putItem(b -> b.tableName("fault-table").item(Map.of("pk", AttributeValue.fromS("a")))))
                    .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException.class);
            p.heal().serverErrorRate(1.0);
            assertThatThrownBy(() -> d.putItem(b -> b.tableName("fault-table").item(Map.of("pk", AttributeValue.fromS("a")))))
                    .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException.class);
            p.heal().resetRate(1.0);
            assertThatThrownBy(() -> d.putItem(b -> b.tableName("fault-table").item(Map.of("pk", AttributeValue.fromS("a")))))
                    .isInstanceOf(SdkClientException.class);
            p.heal().latency(1.0, Duration.ofMillis(300));
            long t0 = System.nanoTime();
            d.putItem(b -> b.tableName("fault-table").item(Map.of("pk", AttributeValue.fromS("a"))));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
        assertThat(DYNAMO.client().getItem(b -> b.tableName("fault-table").key(Map.of("pk", AttributeValue.fromS("a")))).hasItem()).isTrue();
    }

    @Test
    void s3SlowDownAndInternalErrors() {
        S3.client().createBucket(b -> b.bucket("fault-bucket"));
        FaultProxy p = proxy(S3.endpoint(), FaultProxy.Service.S3).throttleRate(1.0);
        try (S3Client s3 = s3(p.endpoint(), 0)) {
            assertThatThrownBy(() -> s3.putObject(b -> b.bucket("fault-bucket").key("k"), RequestBody.fromString("v")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(503);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SlowDown");
                        assertThat(e.isThrottlingException()).isTrue();
                    });
            p.heal().serverErrorRate(1.0);
            assertThatThrownBy(() -> s3.putObject(b -> b.bucket("fault-bucket").key("k"), RequestBody.fromString("v")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalError"));
            p.heal().mixedFaults(0.3);
        }
        try (S3Client s3 = s3(p.endpoint(), 10)) {
            for (int i = 0; i < 20; i++) {
                int n = i;
                s3.putObject(b -> b.bucket("fault-bucket").key("obj-" + n), RequestBody.fromString("value-" + n));
            }
            for (int i = 0; i < 20; i++) {
                int n = i;
                assertThat(s3.getObjectAsBytes(b -> b.bucket("fault-bucket").key("obj-" + n)).asUtf8String()).isEqualTo("value-" + n);
            }
        }
        assertThat(p.faults()).isPositive();
    }
}
