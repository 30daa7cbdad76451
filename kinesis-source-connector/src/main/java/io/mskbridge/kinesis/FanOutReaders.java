package io.mskbridge.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntFunction;

import io.mskbridge.aws.AwsClientFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** How a task in {@code kinesis.consumer.mode=efo} builds its {@link FanOutShardReader}s and their client. */
final class FanOutReaders {

    private FanOutReaders() {
    }

    /**
     * One reader per feed, sharing the task's stream consumers (seeded with the ARNs the connector made sure of,
     * {@link KinesisSourceConfig#TASK_EFO_CONSUMERS}) and one async client.
     *
     * @param asyncClient the task's async client, given the number of shards to size it for
     */
    static List<ShardReader> create(KinesisSourceConfig config, List<ShardFeed> feeds, KinesisClient kinesis,
                                    IntFunction<KinesisAsyncClient> asyncClient, ScheduledExecutorService pool,
                                    KinesisSourceTaskMetrics metrics) {
        List<ShardReader> out = new ArrayList<>();
        if (feeds.isEmpty()) {
            return out;
        }
        StreamConsumers consumers = new StreamConsumers(kinesis, config.efoConsumerName());
        consumers.seed(StreamConsumers.decode(config.originalsStrings().get(KinesisSourceConfig.TASK_EFO_CONSUMERS)));
        KinesisAsyncClient client = asyncClient.apply(feeds.size());
        for (ShardFeed feed : feeds) {
            out.add(new FanOutShardReader(feed, client, consumers, pool, metrics));
        }
        return out;
    }

    /**
     * The async (Netty, HTTP/2) client of the subscriptions: one HTTP/2 stream per shard, and no API call timeout
     * or SDK retry, because a subscription is meant to last 5 minutes and the reader itself subscribes again
     * (within the 1 call/s per shard the service allows). Netty's read timeout still ends a silent connection.
     */
    static KinesisAsyncClient asyncClient(AwsClientFactory aws, int shards) {
        return aws.kinesisAsync(Math.max(2, shards + 1), b -> b.overrideConfiguration(
                aws.overrideConfiguration().toBuilder()
                        .apiCallTimeout(null)
                        .apiCallAttemptTimeout(null)
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .build()));
    }
}
