package io.mskbridge.local;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Which open shard of a stream a partition key goes to: the shard whose hash key range holds the MD5 of the key,
 * read as an unsigned 128-bit number (how Kinesis routes, and how the KPL decides what it may aggregate together).
 */
final class ShardRouter {

    private record Range(String shardId, BigInteger first, BigInteger last) {
    }

    private final List<Range> ranges;

    private ShardRouter(List<Range> ranges) {
        this.ranges = ranges;
    }

    static ShardRouter of(KinesisClient kinesis, String stream) {
        List<Range> ranges = new ArrayList<>();
        for (Shard s : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            if (s.sequenceNumberRange().endingSequenceNumber() == null) {
                ranges.add(new Range(s.shardId(), new BigInteger(s.hashKeyRange().startingHashKey()),
                        new BigInteger(s.hashKeyRange().endingHashKey())));
            }
        }
        return new ShardRouter(ranges);
    }

    String shardOf(String partitionKey) {
        BigInteger h = new BigInteger(1, KplAggregate.md5(partitionKey.getBytes(StandardCharsets.UTF_8)));
        for (Range r : ranges) {
            if (h.compareTo(r.first()) >= 0 && h.compareTo(r.last()) <= 0) {
                return r.shardId();
            }
        }
        throw new IllegalStateException("no open shard holds hash key " + h);
    }
}
