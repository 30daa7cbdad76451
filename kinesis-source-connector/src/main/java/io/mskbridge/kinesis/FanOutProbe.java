package io.mskbridge.kinesis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsErrors;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * The calls of validate() that tell whether the connector's identity may use enhanced fan-out on one stream, in
 * three steps the connector runs one after the other (each under the probe's timeout, so a denial names its call):
 * <ol>
 *   <li>{@link #describe}: DescribeStreamConsumer of the connector's consumer;</li>
 *   <li>{@link #register}: RegisterStreamConsumer. When the consumer is registered already, under its own name:
 *       Kinesis refuses a taken name with ResourceInUseException, which it can only answer once the call is
 *       authorized, so the permission is checked and nothing is registered. When it is not registered yet, the
 *       permission cannot be checked without registering; with {@code kinesis.efo.validate.register=true} the
 *       consumer is registered then (the one the connector's start would register and then reuses), otherwise
 *       nothing is called and a denial fails the start, naming the permission;</li>
 *   <li>{@link #subscribe}: once the consumer is ACTIVE (waited for within the step's timeout after a registration),
 *       SubscribeToShard at LATEST on one shard, cancelled as soon as the service accepts it.</li>
 * </ol>
 * Each step throws what the service answered; only the connector's probe decides what it means (an access denial
 * is reported on the credentials field). Not thread-safe: the steps run one after the other.
 */
final class FanOutProbe {

    private static final Logger log = LoggerFactory.getLogger(FanOutProbe.class);

    /** What to grant, in the messages of validate(). */
    static final String PERMISSIONS = "kinesis:RegisterStreamConsumer and kinesis:DescribeStreamConsumer on the "
            + "stream (arn:aws:kinesis:<region>:<account>:stream/<stream>), and kinesis:SubscribeToShard on its "
            + "consumer (arn:aws:kinesis:<region>:<account>:stream/<stream>/consumer/<consumer name>:*)";

    private static final long DESCRIBE_EVERY_MS = 500;

    private final KinesisClient kinesis;
    private final String stream;
    private final String name;
    private final Duration timeout;
    private String streamArn;
    private ConsumerDescription consumer;
    private boolean registeredHere;

    FanOutProbe(KinesisClient kinesis, String stream, String name, Duration timeout) {
        this.kinesis = kinesis;
        this.stream = stream;
        this.name = name;
        this.timeout = timeout;
    }

    /** Step 1: DescribeStreamConsumer (not registered is not a problem). */
    void describe() {
        streamArn = kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
        consumer = describeConsumer();
    }

    /**
     * Step 2: RegisterStreamConsumer, under the name of the registered consumer (refused, ResourceInUseException)
     * or, when none is and {@code registerMissing}, for real.
     */
    void register(boolean registerMissing) {
        if (consumer == null && !registerMissing) {
            return;
        }
        try {
            kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(name));
            if (consumer == null) {
                registeredHere = true;
                log.info("validate() registered stream consumer {} on stream {} (kinesis.efo.validate.register=true); "
                        + "the connector reuses it, and it is billed until deregistered", name, stream);
            }
        } catch (ResourceInUseException | LimitExceededException e) {
            // The name is taken (or too many registrations at once): answers Kinesis gives an authorized call only.
        }
    }

    /** True when {@link #register} registered the consumer (for tests and messages). */
    boolean registeredHere() {
        return registeredHere;
    }

    /**
     * Step 3: when the consumer is ACTIVE (after a registration here, waited for within the timeout) and an async
     * client is given, SubscribeToShard at LATEST on one shard. ResourceInUseException means a task already holds
     * that subscription, which is fine.
     */
    void subscribe(Supplier<KinesisAsyncClient> asyncClient) throws Exception {
        long end = System.currentTimeMillis() + timeout.toMillis();
        if (registeredHere) {
            // At most half of the step's time for the new consumer to become ACTIVE, the rest for the subscription.
            long deadline = end - timeout.toMillis() / 2;
            consumer = describeConsumer();
            while ((consumer == null || consumer.consumerStatus() != ConsumerStatus.ACTIVE)
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(DESCRIBE_EVERY_MS);
                consumer = describeConsumer();
            }
        }
        if (consumer == null || consumer.consumerStatus() != ConsumerStatus.ACTIVE) {
            return;
        }
        KinesisAsyncClient async = asyncClient.get();
        if (async == null) {
            return;
        }
        String consumerArn = consumer.consumerARN();
        String shardId = kinesis.listShards(b -> b.streamName(stream).maxResults(1)).shards().get(0).shardId();
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        CompletableFuture<Void> call = async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId(shardId)
                .startingPosition(p -> p.type(ShardIteratorType.LATEST)), new SubscribeToShardResponseHandler() {
                    @Override
                    public void responseReceived(SubscribeToShardResponse response) {
                        accepted.complete(null);
                    }

                    @Override
                    public void onEventStream(SdkPublisher<SubscribeToShardEventStream> publisher) {
                        publisher.subscribe(new Subscriber<SubscribeToShardEventStream>() {
                            @Override
                            public void onSubscribe(Subscription s) {
                                s.cancel();
                            }

                            @Override
                            public void onNext(SubscribeToShardEventStream e) {
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onComplete() {
                            }
                        });
                    }

                    @Override
                    public void exceptionOccurred(Throwable t) {
                        accepted.completeExceptionally(t);
                    }

                    @Override
                    public void complete() {
                        accepted.complete(null);
                    }
                });
        try {
            accepted.get(Math.max(100, end - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = AwsErrors.unwrap(e.getCause());
            if (!(cause instanceof ResourceInUseException)) {
                throw cause instanceof Exception ? (Exception) cause : e;
            }
        } catch (TimeoutException e) {
            // No answer yet is not a denial: the task will tell.
        } finally {
            call.cancel(true);
        }
    }

    private ConsumerDescription describeConsumer() {
        try {
            return kinesis.describeStreamConsumer(b -> b.streamARN(streamArn).consumerName(name)).consumerDescription();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }
}
