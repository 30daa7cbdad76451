package io.mskbridge.kinesis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import io.mskbridge.aws.AwsErrors;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/** The calls of validate() that tell whether the connector's identity may use enhanced fan-out. */
final class FanOutProbe {

    /** What to grant, in the messages of validate(). */
    static final String PERMISSIONS = "kinesis:RegisterStreamConsumer and kinesis:DescribeStreamConsumer on the "
            + "stream (arn:aws:kinesis:<region>:<account>:stream/<stream>), and kinesis:SubscribeToShard on its "
            + "consumer (arn:aws:kinesis:<region>:<account>:stream/<stream>/consumer/<consumer name>:*)";

    private FanOutProbe() {
    }

    /**
     * DescribeStreamConsumer; when the consumer is ACTIVE and an async client is given, SubscribeToShard at LATEST
     * on one shard, cancelled as soon as the service accepts it. Throws what the service answered (an access
     * denial among them); ResourceInUseException means a task already holds that subscription, which is fine.
     */
    static void check(KinesisClient kinesis, Supplier<KinesisAsyncClient> asyncClient, String stream, String name,
                      Duration timeout) throws Exception {
        String streamArn = kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary()
                .streamARN();
        ConsumerDescription d;
        try {
            d = kinesis.describeStreamConsumer(b -> b.streamARN(streamArn).consumerName(name)).consumerDescription();
        } catch (ResourceNotFoundException e) {
            return;
        }
        if (d.consumerStatus() != ConsumerStatus.ACTIVE) {
            return;
        }
        KinesisAsyncClient async = asyncClient.get();
        if (async == null) {
            return;
        }
        String shardId = kinesis.listShards(b -> b.streamName(stream).maxResults(1)).shards().get(0).shardId();
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        CompletableFuture<Void> call = async.subscribeToShard(b -> b.consumerARN(d.consumerARN()).shardId(shardId)
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
            accepted.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
}
