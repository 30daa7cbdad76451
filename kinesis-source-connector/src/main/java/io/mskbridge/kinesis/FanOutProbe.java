package io.mskbridge.kinesis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
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
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
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
 *       SubscribeToShard on a shard id no stream has, so that only the authorization is tested.</li>
 * </ol>
 * Each step throws what the service answered; only the connector's probe decides what it means (an access denial
 * is reported on the credentials field). Not thread-safe: the steps run one after the other.
 */
final class FanOutProbe {

    private static final Logger log = LoggerFactory.getLogger(FanOutProbe.class);

    /** What to grant, in the messages of validate(). */
    static final String PERMISSIONS = "kinesis:RegisterStreamConsumer on the stream "
            + "(arn:aws:kinesis:<region>:<account>:stream/<stream>), and kinesis:DescribeStreamConsumer and "
            + "kinesis:SubscribeToShard on its consumer "
            + "(arn:aws:kinesis:<region>:<account>:stream/<stream>/consumer/<consumer name>:*)";

    private static final long DESCRIBE_EVERY_MS = 250;
    /** The shard id step 3 subscribes to: valid in form, and on no stream (ids count up from 0 per stream). */
    static final String PROBE_SHARD = "shardId-999999999999";

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
        consumer = StreamConsumers.describe(kinesis, streamArn, name);
    }

    /**
     * Step 2: RegisterStreamConsumer, under the name of the registered consumer (refused, ResourceInUseException)
     * or, when none is and {@code registerMissing}, for real. A consumer being deregistered (DELETING) is left
     * alone: its name may be free by the time the call arrives, and the call would then register it.
     */
    void register(boolean registerMissing) {
        if (consumer == null ? !registerMissing : consumer.consumerStatus() == ConsumerStatus.DELETING) {
            return;
        }
        try {
            kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(name));
            registeredHere = true;
            if (consumer == null) {
                log.info("validate() registered stream consumer {} on stream {} (kinesis.efo.validate.register=true); "
                        + "the connector reuses it, and it is billed until deregistered", name, stream);
            } else {
                log.warn("validate() registered stream consumer {} on stream {}: it was deregistered between its "
                        + "description and the check of the permission; the connector reuses it", name, stream);
            }
        } catch (ResourceInUseException | LimitExceededException e) {
            // The name is taken, or (LimitExceeded) the stream has its maximum of consumers, 5 are CREATING or the
            // account's 5 calls/s are used: answers Kinesis gives an authorized call only. A full stream is the
            // connector's start's to report (it retries the registration, then fails naming the consumer).
        }
    }

    /** True when {@link #register} registered the consumer (for tests and messages). */
    boolean registeredHere() {
        return registeredHere;
    }

    /**
     * Step 3: when the consumer is ACTIVE (after a registration here, waited for within the timeout) and an async
     * client is given, SubscribeToShard on {@link #PROBE_SHARD}, a shard id no stream has: an authorized call is
     * answered ResourceNotFoundException (or, by an emulator, an empty subscription), a denied one
     * AccessDeniedException, and no subscription of a real shard is opened, none that a task would have to wait
     * for (an emulator may hold a cancelled subscription for its full 5 minutes).
     */
    void subscribe(Supplier<KinesisAsyncClient> asyncClient) throws Exception {
        long end = System.currentTimeMillis() + timeout.toMillis();
        if (registeredHere) {
            // At most half of the step's time for the new consumer to become ACTIVE, the rest for the subscription.
            long deadline = end - timeout.toMillis() / 2;
            consumer = StreamConsumers.describe(kinesis, streamArn, name);
            while ((consumer == null || consumer.consumerStatus() != ConsumerStatus.ACTIVE)
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(DESCRIBE_EVERY_MS);
                consumer = StreamConsumers.describe(kinesis, streamArn, name);
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
        CompletableFuture<Void> answered = new CompletableFuture<>();
        AtomicReference<Subscription> events = new AtomicReference<>();
        CompletableFuture<Void> call = async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId(PROBE_SHARD)
                .startingPosition(p -> p.type(ShardIteratorType.LATEST)), new SubscribeToShardResponseHandler() {
                    @Override
                    public void responseReceived(SubscribeToShardResponse response) {
                        answered.complete(null);
                    }

                    @Override
                    public void onEventStream(SdkPublisher<SubscribeToShardEventStream> publisher) {
                        publisher.subscribe(new Subscriber<SubscribeToShardEventStream>() {
                            @Override
                            public void onSubscribe(Subscription s) {
                                events.set(s);
                                // The first event (or the error in the stream) is the answer.
                                s.request(1);
                            }

                            @Override
                            public void onNext(SubscribeToShardEventStream e) {
                                answered.complete(null);
                            }

                            @Override
                            public void onError(Throwable t) {
                                answered.completeExceptionally(t);
                            }

                            @Override
                            public void onComplete() {
                                answered.complete(null);
                            }
                        });
                    }

                    @Override
                    public void exceptionOccurred(Throwable t) {
                        answered.completeExceptionally(t);
                    }

                    @Override
                    public void complete() {
                        answered.complete(null);
                    }
                });
        try {
            answered.get(Math.max(100, end - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = AwsErrors.unwrap(e.getCause());
            // Answers Kinesis gives an authorized call only: no such shard, or (not expected here) a subscription
            // held elsewhere or a bad argument.
            if (!(cause instanceof ResourceNotFoundException || cause instanceof ResourceInUseException
                    || cause instanceof InvalidArgumentException)) {
                throw cause instanceof Exception ? (Exception) cause : e;
            }
        } catch (TimeoutException e) {
            // No answer yet is not a denial: the task will tell.
        } finally {
            Subscription s = events.get();
            if (s != null) {
                s.cancel();
            }
            call.cancel(true);
        }
    }
}
