package io.mskbridge.aws;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

import io.mskbridge.common.Version;

/**
 * Builds AWS SDK v2 clients from {@link AwsSettings}, all sharing one credentials provider, the
 * configured timeouts, the SDK standard retry strategy with {@code aws.max.retries}, and the user agent
 * suffix {@code mskbridge/<version>} (so our traffic is recognisable in CloudTrail and support cases).
 *
 * <p>Sync clients use the Apache HTTP client, async clients Netty; pools are sized per call because
 * only the connector knows its concurrency (shards, batch parallelism). When {@code aws.endpoint.url}
 * is set it is applied to every service client (not to STS, which has {@code aws.sts.endpoint.url}),
 * and S3 clients switch to path-style access, which emulators and VPC endpoints need.
 *
 * <p>Ownership: the factory closes, in reverse order, every client it built and the credentials
 * provider (and STS client) it created. Closing a client earlier yourself is harmless. Close the factory
 * from the task's {@code stop()}.
 */
public final class AwsClientFactory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AwsClientFactory.class);

    /** Appended to the SDK user agent of every client. */
    /** The version of aws-common, in the SDK user agent suffix. */
    public static final String VERSION = Version.read(AwsClientFactory.class, "aws-common-version.properties");

    public static final String USER_AGENT_SUFFIX = "mskbridge/" + VERSION;

    private final AwsSettings settings;
    private final List<ExecutionInterceptor> interceptors;
    private final Region region;
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();
    private AwsCredentialsProvider credentials;
    private boolean closed;

    /** A factory with no extra interceptors. */
    public AwsClientFactory(AwsSettings settings) {
        this(settings, List.of());
    }

    /**
     * @param interceptors added to every client, e.g. for metrics or tests capturing requests
     * @throws ConfigException if {@code aws.region} is unset and the SDK default region chain finds nothing
     */
    public AwsClientFactory(AwsSettings settings, List<ExecutionInterceptor> interceptors) {
        this.settings = settings;
        this.interceptors = List.copyOf(interceptors);
        this.region = settings.region().orElseGet(AwsClientFactory::defaultRegion);
        log.info("AWS clients: region={}, endpoint={}, credentials={}, apiCallTimeout={}, maxRetries={}",
                region.id(), settings.endpointOverride().map(Object::toString).orElse("<default>"),
                settings.credentialsProvider().configValue(), settings.apiCallTimeout(), settings.maxRetries());
    }

    private static Region defaultRegion() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new ConfigException(AwsConfig.REGION + " is not set and the SDK default region chain found none ("
                    + e.getMessage() + "). Set " + AwsConfig.REGION + ", e.g. us-east-1.");
        }
    }

    /** The region every client uses (configured or resolved from the default chain). */
    public Region region() {
        return region;
    }

    public AwsSettings settings() {
        return settings;
    }

    /** Override configuration shared by all clients: timeouts, retries, user agent, interceptors. */
    public ClientOverrideConfiguration overrideConfiguration() {
        ClientOverrideConfiguration.Builder b = ClientOverrideConfiguration.builder()
                .apiCallTimeout(settings.apiCallTimeout())
                .apiCallAttemptTimeout(settings.apiCallAttemptTimeout())
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(settings.maxRetries() + 1)
                        .build())
                .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, USER_AGENT_SUFFIX);
        interceptors.forEach(b::addExecutionInterceptor);
        return b.build();
    }

    /**
     * The credentials provider shared by every client of this factory, created on first use. For
     * assume-role it refreshes in the background before the session expires.
     */
    public synchronized AwsCredentialsProvider credentialsProvider() {
        ensureOpen();
        if (credentials == null) {
            credentials = createCredentialsProvider();
        }
        return credentials;
    }

    private AwsCredentialsProvider createCredentialsProvider() {
        switch (settings.credentialsProvider()) {
            case STATIC:
                return staticKeys();
            case ASSUME_ROLE:
                return assumeRole();
            case DEFAULT:
            default:
                // builder().build() is a fresh instance we may close; create() is shared JVM-wide.
                DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
                owned.push(chain);
                return chain;
        }
    }

    private AwsCredentialsProvider staticKeys() {
        String id = settings.accessKeyId().orElseThrow().value();
        String secret = settings.secretAccessKey().orElseThrow().value();
        AwsCredentials creds = settings.sessionToken()
                .<AwsCredentials>map(t -> AwsSessionCredentials.create(id, secret, t.value()))
                .orElseGet(() -> AwsBasicCredentials.create(id, secret));
        return StaticCredentialsProvider.create(creds);
    }

    private AwsCredentialsProvider assumeRole() {
        AwsCredentialsProvider base;
        if (settings.accessKeyId().isPresent()) {
            base = staticKeys();
        } else {
            DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
            owned.push(chain);
            base = chain;
        }
        StsClient sts = StsClient.builder()
                .region(region)
                .credentialsProvider(base)
                .overrideConfiguration(overrideConfiguration())
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(4))
                .applyMutation(b -> settings.stsEndpointOverride().ifPresent(b::endpointOverride))
                .build();
        owned.push(sts);
        String roleArn = settings.roleArn().orElseThrow();
        StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                // Refresh off the calling thread so a slow STS never stalls a put() or poll().
                .asyncCredentialUpdateEnabled(true)
                .refreshRequest(r -> {
                    r.roleArn(roleArn)
                            .roleSessionName(settings.roleSessionName())
                            .durationSeconds((int) settings.roleSessionDuration().getSeconds());
                    settings.roleExternalId().ifPresent(e -> r.externalId(e.value()));
                })
                .build();
        owned.push(provider);
        log.info("Assuming role {} (session name {})", roleArn, settings.roleSessionName());
        return provider;
    }

    /** Sync Kinesis client with a pool of {@code maxConnections}. */
    public KinesisClient kinesis(int maxConnections) {
        return kinesis(maxConnections, b -> { });
    }

    /** As {@link #kinesis(int)}, with a last word on the builder (applied after our settings). */
    public KinesisClient kinesis(int maxConnections, Consumer<KinesisClientBuilder> customizer) {
        KinesisClientBuilder b = common(KinesisClient.builder())
                .httpClientBuilder(apache(maxConnections));
        customizer.accept(b);
        return own(b.build());
    }

    /**
     * Async Kinesis client (Netty; HTTP/2 as the Kinesis defaults ask) with up to {@code maxConcurrency} concurrent
     * requests/streams. The one async client kept: enhanced fan-out (SubscribeToShard) works only over it; the
     * connectors' other calls use the sync clients.
     */
    public KinesisAsyncClient kinesisAsync(int maxConcurrency) {
        return kinesisAsync(maxConcurrency, b -> { });
    }

    public KinesisAsyncClient kinesisAsync(int maxConcurrency, Consumer<KinesisAsyncClientBuilder> customizer) {
        KinesisAsyncClientBuilder b = common(KinesisAsyncClient.builder())
                .httpClientBuilder(netty(maxConcurrency).eventLoopGroup(eventLoops()));
        customizer.accept(b);
        return own(b.build());
    }

    /**
     * The event loops of one async client, owned here rather than by the client: closing a client that owns its
     * loops waits out Netty's 2 s quiet period, which a validate() or a task stop paid each time. Closed after the
     * client (the stack closes in reverse order), with no quiet period: nothing is submitted to them after the
     * client is closed, and their threads end on their own.
     */
    private synchronized SdkEventLoopGroup eventLoops() {
        ensureOpen();
        SdkEventLoopGroup group = SdkEventLoopGroup.builder().build();
        owned.push(() -> group.eventLoopGroup().shutdownGracefully(0, 2, TimeUnit.SECONDS));
        return group;
    }

    public DynamoDbClient dynamoDb(int maxConnections) {
        return dynamoDb(maxConnections, b -> { });
    }

    public DynamoDbClient dynamoDb(int maxConnections, Consumer<DynamoDbClientBuilder> customizer) {
        DynamoDbClientBuilder b = common(DynamoDbClient.builder())
                .httpClientBuilder(apache(maxConnections));
        customizer.accept(b);
        return own(b.build());
    }

    /** Sync S3 client; path-style access when an endpoint override is set. */
    public S3Client s3(int maxConnections) {
        return s3(maxConnections, b -> { });
    }

    public S3Client s3(int maxConnections, Consumer<S3ClientBuilder> customizer) {
        S3ClientBuilder b = common(S3Client.builder())
                .httpClientBuilder(apache(maxConnections))
                .forcePathStyle(settings.endpointOverride().isPresent());
        customizer.accept(b);
        return own(b.build());
    }

    /** Sync CloudWatch client (a pool of 2: one publisher thread per task uses it). */
    public CloudWatchClient cloudWatch(Consumer<CloudWatchClientBuilder> customizer) {
        CloudWatchClientBuilder b = common(CloudWatchClient.builder())
                .httpClientBuilder(apache(2));
        customizer.accept(b);
        return own(b.build());
    }

    private <B extends AwsClientBuilder<B, ?>> B common(B builder) {
        builder.region(region)
                .credentialsProvider(credentialsProvider())
                .overrideConfiguration(overrideConfiguration());
        settings.endpointOverride().ifPresent(builder::endpointOverride);
        return builder;
    }

    private static ApacheHttpClient.Builder apache(int maxConnections) {
        return ApacheHttpClient.builder().maxConnections(requirePositive(maxConnections, "maxConnections"));
    }

    private static NettyNioAsyncHttpClient.Builder netty(int maxConcurrency) {
        return NettyNioAsyncHttpClient.builder().maxConcurrency(requirePositive(maxConcurrency, "maxConcurrency"));
    }

    private static int requirePositive(int n, String what) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + n);
        }
        return n;
    }

    private synchronized <C extends SdkClient> C own(C client) {
        if (closed) {
            client.close();
            ensureOpen();
        }
        owned.push(client);
        return client;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("AwsClientFactory is closed");
        }
    }

    /** Closes every client this factory built, then the credentials provider and STS client. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> failures = new ArrayList<>();
        while (!owned.isEmpty()) {
            AutoCloseable c = owned.pop();
            try {
                c.close();
            } catch (Exception e) {
                // Keep closing the rest: a leaked connection pool is worse than a noisy log line.
                failures.add(c.getClass().getSimpleName());
                log.warn("Failed to close {}", c.getClass().getName(), e);
            }
        }
        credentials = null;
        if (failures.isEmpty()) {
            log.debug("Closed AWS clients and credentials");
        }
    }
}
