package io.mskbridge.local.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mskbridge.harness.DynamoDbLocal;
import io.mskbridge.harness.S3ProxyServer;
import io.mskbridge.harness.TestAws;
import io.mskbridge.local.AwsReconcileAccess;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * bin/mskbridge-reconcile against DynamoDB Local and S3Proxy, through clients that record every operation they send:
 * the seed-side stores hold events e1..e5 (and e0 before the window), the bridge side misses one, holds one twice
 * (S3) and one it should not; the tool must report exactly that, and send nothing but Scan, ListObjectsV2, GetObject.
 */
class AwsReconcileIT {

    @RegisterExtension
    static final DynamoDbLocal DYNAMO = new DynamoDbLocal();
    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();

    @Test
    void reportsMissingDuplicatedAndUnexpectedIdsAndOnlyReads() throws IOException {
        long start = System.nanoTime();
        DynamoDbClient setupDynamo = DYNAMO.client();
        S3Client setupS3 = S3.client();
        for (String table : List.of("seed-events", "mskbridge-events-dev")) {
            setupDynamo.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName("sk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE)));
        }
        put(setupDynamo, "seed-events", "e0", "2026-12-01T09:59:59Z");
        for (String id : List.of("e1", "e2", "e3", "e4", "e5")) {
            put(setupDynamo, "seed-events", id, "2026-12-01T10:0" + id.charAt(1) + ":00Z");
        }
        for (String id : List.of("e1", "e2", "e4", "e5", "e9")) { // e3 missing, e9 unexpected
            put(setupDynamo, "mskbridge-events-dev", id, "2026-12-01T10:0" + id.charAt(1) + ":00Z");
        }
        setupS3.createBucket(b -> b.bucket("seed-archive"));
        setupS3.createBucket(b -> b.bucket("mskbridge-archive-dev"));
        // the seed: one pretty-printed JSON document per record; the bridge: gzipped JSON Lines batches
        for (String id : List.of("e0", "e1", "e2", "e3")) {
            String time = id.equals("e0") ? "2026-12-01T09:00:00Z" : "2026-12-01T10:0" + id.charAt(1) + ":00Z";
            setupS3.putObject(b -> b.bucket("seed-archive").key("2026/12/01/" + id + ".json"),
                    RequestBody.fromString("{\n  \"id\": \"" + id + "\",\n  \"timestamp\": \"" + time + "\"\n}\n"));
        }
        setupS3.putObject(b -> b.bucket("mskbridge-archive-dev").key("processed/2026/12/01/a+0+0.jsonl.gz"),
                RequestBody.fromBytes(gzip(line("e1") + line("e2"))));
        setupS3.putObject(b -> b.bucket("mskbridge-archive-dev").key("processed/2026/12/01/a+0+2.jsonl.gz"),
                RequestBody.fromBytes(gzip(line("e2") + line("e3")))); // e2 archived twice

        Set<String> operations = ConcurrentHashMap.newKeySet();
        ExecutionInterceptor recorder = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                operations.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean balanced;
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(DYNAMO.endpoint()).region(TestAws.REGION)
                .credentialsProvider(TestAws.credentials()).httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(recorder)).build();
             S3Client s3 = S3Client.builder().endpointOverride(S3.endpoint()).region(TestAws.REGION).forcePathStyle(true)
                     .credentialsProvider(TestAws.credentials()).httpClientBuilder(ApacheHttpClient.builder())
                     .overrideConfiguration(c -> c.addExecutionInterceptor(recorder)).build()) {
            balanced = AwsReconcileAccess.run(new String[] {"--expect", "dynamodb:seed-events", "--actual", "dynamodb:mskbridge-events-dev",
                    "--expect", "s3://seed-archive/2026/12/01/", "--actual", "s3://mskbridge-archive-dev/processed/2026/12/01/",
                    "--from", "2026-12-01T10:00:00Z", "--to", "2026-12-01T11:00:00Z"}, dynamo, s3, new PrintStream(out, true, StandardCharsets.UTF_8));
        }
        String report = out.toString(StandardCharsets.UTF_8);
        System.out.print(report);
        assertThat(balanced).isFalse();
        assertThat(report).contains("dynamodb:mskbridge-events-dev: 1 missing e.g. [e3]", "dynamodb:mskbridge-events-dev: 1 unexpected e.g. [e9]",
                "s3://mskbridge-archive-dev/processed/2026/12/01/: 1 duplicated e.g. [e2]",
                "6 records: 5 ids in the window, 1 outside it", "4 records: 3 ids in the window, 1 outside it");
        assertThat(report.lines().filter(l -> l.contains("missing") || l.contains("duplicated") || l.contains("unexpected"))).hasSize(3);
        assertThat(operations).as("AWS operations the tool sent").isNotEmpty().isSubsetOf("Scan", "ListObjectsV2", "GetObject");
        System.out.printf("AwsReconcileIT: %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static void put(DynamoDbClient d, String table, String id, String time) {
        d.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("click#" + id), "sk", AttributeValue.fromS(time),
                "id", AttributeValue.fromS(id), "timestamp", AttributeValue.fromS(time))));
    }

    private static String line(String id) {
        return "{\"id\":\"" + id + "\",\"timestamp\":\"2026-12-01T10:0" + id.charAt(1) + ":00Z\",\"quality_score\":1.0}\n";
    }

    private static byte[] gzip(String s) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }
}
