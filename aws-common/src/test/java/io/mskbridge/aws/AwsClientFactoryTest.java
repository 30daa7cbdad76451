package io.mskbridge.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/** Builds every client against a canned-response HTTP server on loopback; no AWS account involved. */
class AwsClientFactoryTest {

    /** One request as the server saw it. */
    record Seen(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name);
            return v == null ? null : String.join(",", v);
        }
    }

    private static HttpServer server;
    private static ExecutorService executor;
    private static final List<Seen> seen = new CopyOnWriteArrayList<>();
    private static volatile int failuresToServe;
    private static volatile long delayMillis;

    private static final String ASSUME_ROLE_RESPONSE = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
            + "<AssumeRoleResult><Credentials><AccessKeyId>ASIAASSUMED</AccessKeyId>"
            + "<SecretAccessKey>assumed-secret</SecretAccessKey><SessionToken>assumed-token</SessionToken>"
            + "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
            + "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>"
            + "<AssumedRoleUserId>AROAEXAMPLE:s</AssumedRoleUserId></AssumedRoleUser></AssumeRoleResult>"
            + "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></AssumeRoleResponse>";

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/", AwsClientFactoryTest::handle);
        server.start();
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        server.stop(0);
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    @BeforeEach
    void reset() {
        seen.clear();
        failuresToServe = 0;
        delayMillis = 0;
    }

    private static void handle(HttpExchange ex) throws IOException {
        byte[] in;
        try (InputStream is = ex.getRequestBody()) {
            in = is.readAllBytes();
        }
        String body = new String(in, StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(ex.getRequestHeaders());
        seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), headers, body));
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
        int status = 200;
        String contentType;
        byte[] out;
        if (body.contains("Action=AssumeRole")) {
            contentType = "text/xml";
            out = ASSUME_ROLE_RESPONSE.getBytes(StandardCharsets.UTF_8);
        } else if (target != null && target.startsWith("DynamoDB")) {
            contentType = "application/x-amz-json-1.0";
            if (failuresToServe > 0) {
                failuresToServe--;
                status = 500;
                out = "{\"__type\":\"com.amazon.coral.service#InternalFailure\",\"message\":\"boom\"}"
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                out = "{\"TableNames\":[\"orders\"]}".getBytes(StandardCharsets.UTF_8);
            }
        } else if (target != null && target.startsWith("Kinesis")) {
            contentType = "application/x-amz-json-1.1";
            out = "{\"StreamNames\":[\"events\"],\"HasMoreStreams\":false}".getBytes(StandardCharsets.UTF_8);
        } else {
            // S3: PutObject answers with just an ETag.
            contentType = "application/xml";
            ex.getResponseHeaders().add("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"");
            out = new byte[0];
        }
        ex.getResponseHeaders().add("Content-Type", contentType);
        ex.getResponseHeaders().add("x-amzn-RequestId", "req-" + seen.size());
        ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    private static String endpoint() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    private static AwsSettings staticSettings(String... extra) {
        Map<String, String> p = new HashMap<>();
        p.put("aws.region", "us-east-1");
        p.put("aws.endpoint.url", endpoint());
        p.put("aws.credentials.provider", "static");
        p.put("aws.access.key.id", "AKIASTATIC");
        p.put("aws.secret.access.key", "static-secret");
        p.put("aws.max.retries", "0");
        for (int i = 0; i < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return AwsSettings.from(p);
    }

    @Test
    void dynamoDbSyncCallCarriesUserAgentSuffixAndStaticCredentials() {
        List<String> intercepted = new CopyOnWriteArrayList<>();
        ExecutionInterceptor capture = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                intercepted.add(context.httpRequest().firstMatchingHeader("User-Agent").orElse(""));
            }
        };
        try (AwsClientFactory factory = new AwsClientFactory(staticSettings(), List.of(capture))) {
            DynamoDbClient ddb = factory.dynamoDb(8);
            assertThat(ddb.listTables().tableNames()).containsExactly("orders");
            assertThat(ddb.serviceClientConfiguration().endpointOverride()).contains(URI.create(endpoint()));
            assertThat(ddb.serviceClientConfiguration().region()).isEqualTo(Region.US_EAST_1);
            assertThat(ddb.serviceClientConfiguration().overrideConfiguration().apiCallTimeout())
                    .contains(Duration.ofSeconds(60));
        }
        assertThat(seen).hasSize(1);
        Seen s = seen.get(0);
        assertThat(s.header("User-Agent")).contains(AwsClientFactory.USER_AGENT_SUFFIX)
                .contains("mskbridge/" + AwsClientFactory.VERSION);
        assertThat(s.header("Authorization")).contains("Credential=AKIASTATIC/");
        assertThat(intercepted).singleElement().asString().contains("mskbridge/");
    }

    @Test
    void sessionTokenMakesSessionCredentials() {
        try (AwsClientFactory factory = new AwsClientFactory(staticSettings("aws.session.token", "tok-1"))) {
            AwsCredentials c = factory.credentialsProvider().resolveCredentials();
            assertThat(c).isInstanceOf(AwsSessionCredentials.class);
            assertThat(((AwsSessionCredentials) c).sessionToken()).isEqualTo("tok-1");
            factory.dynamoDb(1).listTables();
        }
        assertThat(seen.get(0).header("X-Amz-Security-Token")).isEqualTo("tok-1");
    }

    @Test
    void maxRetriesBoundsTheSdkRetries() {
        failuresToServe = 100;
        try (AwsClientFactory factory = new AwsClientFactory(staticSettings("aws.max.retries", "2"))) {
            DynamoDbClient ddb = factory.dynamoDb(2);
            assertThatThrownBy(ddb::listTables)
                    .satisfies(e -> assertThat(AwsErrors.classify(e)).isEqualTo(AwsErrors.Kind.TRANSIENT));
        }
        assertThat(seen).hasSize(3);
    }

    @Test
    void attemptTimeoutIsAppliedAndClassifiedTransient() {
        delayMillis = 3_000;
        try (AwsClientFactory factory = new AwsClientFactory(staticSettings(
                "aws.api.call.timeout.ms", "2000", "aws.api.call.attempt.timeout.ms", "300"))) {
            DynamoDbClient ddb = factory.dynamoDb(2);
            long start = System.nanoTime();
            assertThatThrownBy(ddb::listTables)
                    .satisfies(e -> assertThat(AwsErrors.classify(e)).isEqualTo(AwsErrors.Kind.TRANSIENT));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
        }
    }

    @Test
    void s3ClientsUsePathStyleWithAnEndpointOverride() {
        try (AwsClientFactory factory = new AwsClientFactory(staticSettings())) {
            S3Client s3 = factory.s3(4);
            s3.putObject(b -> b.bucket("archive").key("topic/0/00000.json"), RequestBody.fromString("{}"));
            assertThat(s3.serviceClientConfiguration().endpointOverride()).contains(URI.create(endpoint()));
        }
        assertThat(seen).extracting(Seen::path).containsExactly("/archive/topic/0/00000.json");
        assertThat(seen).allSatisfy(s -> {
            assertThat(s.method()).isEqualTo("PUT");
            assertThat(s.header("Host")).startsWith("localhost:");
            assertThat(s.header("User-Agent")).contains("mskbridge/");
        });
    }

    @Test
    void kinesisClientsAreConfigured() {
        try (AwsClientFactory factory = new AwsClientFactory(staticSettings())) {
            KinesisClient k = factory.kinesis(4);
            KinesisAsyncClient ka = factory.kinesisAsync(4);
            assertThat(k.serviceClientConfiguration().endpointOverride()).contains(URI.create(endpoint()));
            assertThat(ka.serviceClientConfiguration().endpointOverride()).contains(URI.create(endpoint()));
            assertThat(ka.serviceClientConfiguration().region()).isEqualTo(Region.US_EAST_1);
            // Whatever the wire format (CBOR by default), the request must reach the endpoint with our suffix.
            try {
                k.listStreams();
            } catch (RuntimeException ignored) {
                // A CBOR/JSON mismatch in the canned answer is irrelevant here.
            }
        }
        assertThat(seen).isNotEmpty();
        assertThat(seen.get(0).header("X-Amz-Target")).isEqualTo("Kinesis_20131202.ListStreams");
        assertThat(seen.get(0).header("User-Agent")).contains("mskbridge/");
    }

    /**
     * An async client's close used to wait out Netty's fixed 2 s quiet period (its event loops belonged to the
     * client), which every efo validate() and task stop paid. The factory owns the loops and ends them with none.
     */
    @Test
    void closingAnAsyncClientDoesNotWaitOutNettysQuietPeriod() {
        AwsClientFactory factory = new AwsClientFactory(staticSettings());
        KinesisAsyncClient ka = factory.kinesisAsync(2);
        // A call (HTTP/2 prior knowledge, which this HTTP/1.1 test server refuses) that starts the event loops.
        ka.listStreams().handle((r, t) -> null).join();
        long t0 = System.nanoTime();
        factory.close();
        long closeMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(closeMs).as("close() of a factory with a used async client, ms").isLessThan(1_500);
    }

    @Test
    void assumeRoleCallsStsWithBaseKeysAndSignsWithAssumedCredentials() {
        AwsSettings settings = AwsSettings.from(Map.of(
                "aws.region", "us-east-1",
                "aws.endpoint.url", endpoint(),
                "aws.sts.endpoint.url", endpoint(),
                "aws.credentials.provider", "assume-role",
                "aws.access.key.id", "AKIABASE",
                "aws.secret.access.key", "base-secret",
                "aws.sts.role.arn", "arn:aws:iam::123456789012:role/sink",
                "aws.sts.role.external.id", "ext-42",
                "aws.sts.role.session.name", "orders-sink",
                "aws.max.retries", "0"));
        try (AwsClientFactory factory = new AwsClientFactory(settings)) {
            assertThat(factory.credentialsProvider()).isInstanceOf(StsAssumeRoleCredentialsProvider.class);
            factory.dynamoDb(2).listTables();
        }
        Seen sts = seen.stream().filter(s -> s.body().contains("Action=AssumeRole")).findFirst().orElseThrow();
        assertThat(sts.body()).contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fsink",
                "RoleSessionName=orders-sink", "ExternalId=ext-42", "DurationSeconds=3600");
        assertThat(sts.header("Authorization")).contains("Credential=AKIABASE/");
        Seen ddb = seen.stream().filter(s -> "DynamoDB_20120810.ListTables".equals(s.header("X-Amz-Target")))
                .findFirst().orElseThrow();
        assertThat(ddb.header("Authorization")).contains("Credential=ASIAASSUMED/");
        assertThat(ddb.header("X-Amz-Security-Token")).isEqualTo("assumed-token");
    }

    @Test
    void closeClosesClientsAndRefusesNewOnes() {
        AwsClientFactory factory = new AwsClientFactory(staticSettings());
        DynamoDbClient ddb = factory.dynamoDb(1);
        factory.close();
        factory.close(); // idempotent
        // The SDK reports a closed client as IllegalStateException or RejectedExecutionException.
        assertThatThrownBy(ddb::listTables).isInstanceOfAny(IllegalStateException.class,
                java.util.concurrent.RejectedExecutionException.class);
        assertThatThrownBy(() -> factory.dynamoDb(1)).isInstanceOf(IllegalStateException.class);
        assertThat(seen).isEmpty();
    }

    @Test
    void customizerHasTheLastWordAndPoolSizeMustBePositive() {
        try (AwsClientFactory factory = new AwsClientFactory(staticSettings())) {
            DynamoDbClient ddb = factory.dynamoDb(1, b -> b.credentialsProvider(
                    StaticCredentialsProvider.create(software.amazon.awssdk.auth.credentials.AwsBasicCredentials
                            .create("AKIACUSTOM", "x"))));
            ddb.listTables();
            assertThatThrownBy(() -> factory.s3(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxConnections");
        }
        assertThat(seen.get(0).header("Authorization")).contains("Credential=AKIACUSTOM/");
    }

    @Test
    void regionFallsBackToTheSdkDefaultChain() {
        String old = System.getProperty("aws.region");
        System.setProperty("aws.region", "ap-south-1");
        try (AwsClientFactory factory = new AwsClientFactory(AwsSettings.from(Map.of()))) {
            assertThat(factory.region()).isEqualTo(Region.AP_SOUTH_1);
            assertThat(factory.overrideConfiguration().retryStrategy()).isPresent();
        } finally {
            if (old == null) {
                System.clearProperty("aws.region");
            } else {
                System.setProperty("aws.region", old);
            }
        }
    }
}
