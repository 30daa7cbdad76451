package io.mskbridge.harness;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Where a shard of the Kinesis emulator ends, asked of the emulator itself over HTTP/1.1 (a sync client, never
 * through a proxy): whether it is closed (ListShards gives it an ending sequence number), its children (the shards
 * whose ParentShardId or AdjacentParentShardId it is) and the continuation sequence number the emulator's
 * SubscribeToShard events carry once everything in it was delivered: its last record's sequence number (read with
 * GetRecords from TRIM_HORIZON; test shards are small), or, for a shard without records, its starting sequence
 * number (kinesis-local 0.6.2's continuation before any record). A closed shard gets no more records, so its end is
 * kept once found. Thread-safe; the calls block.
 */
final class ShardEnds implements AutoCloseable {

    /** A closed shard's end: the continuation of its last event, and its children. */
    record End(String lastContinuation, List<Child> children) {
    }

    /** A child shard as SubscribeToShardEvent's ChildShards has it. */
    record Child(String shardId, List<String> parentShards, String startingHashKey, String endingHashKey) {
    }

    private final KinesisClient kinesis;
    private final Map<String, End> closed = new ConcurrentHashMap<>();

    ShardEnds(URI emulator) {
        this.kinesis = TestAws.kinesis(emulator);
    }

    /** The stream name in a stream consumer's ARN ({@code arn:...:stream/<name>/consumer/<consumer>:<time>}). */
    static String streamOf(String consumerArn) {
        int s = consumerArn.indexOf(":stream/");
        int c = consumerArn.indexOf("/consumer/");
        if (s < 0 || c < s) {
            throw new IllegalArgumentException("not a stream consumer ARN: " + consumerArn);
        }
        return consumerArn.substring(s + ":stream/".length(), c);
    }

    /** The end of {@code stream}'s shard {@code shardId} once it is closed; null while it is open (or unknown). */
    End find(String stream, String shardId) {
        String key = stream + "/" + shardId;
        End known = closed.get(key);
        if (known != null) {
            return known;
        }
        List<Shard> shards = listShards(stream);
        Shard shard = shards.stream().filter(s -> s.shardId().equals(shardId)).findFirst().orElse(null);
        if (shard == null || shard.sequenceNumberRange().endingSequenceNumber() == null) {
            return null;
        }
        List<Child> children = new ArrayList<>();
        for (Shard s : shards) {
            if (shardId.equals(s.parentShardId()) || shardId.equals(s.adjacentParentShardId())) {
                List<String> parents = new ArrayList<>();
                parents.add(s.parentShardId());
                if (s.adjacentParentShardId() != null) {
                    parents.add(s.adjacentParentShardId());
                }
                children.add(new Child(s.shardId(), List.copyOf(parents), s.hashKeyRange().startingHashKey(),
                        s.hashKeyRange().endingHashKey()));
            }
        }
        if (children.isEmpty()) {
            // Closed without children listed yet: asked again at the next event.
            return null;
        }
        String last = lastSequence(stream, shardId);
        End end = new End(last != null ? last : shard.sequenceNumberRange().startingSequenceNumber(),
                List.copyOf(children));
        closed.put(key, end);
        return end;
    }

    private List<Shard> listShards(String stream) {
        List<Shard> all = new ArrayList<>();
        ListShardsResponse r = kinesis.listShards(b -> b.streamName(stream));
        all.addAll(r.shards());
        while (r.nextToken() != null) {
            String token = r.nextToken();
            r = kinesis.listShards(b -> b.nextToken(token));
            all.addAll(r.shards());
        }
        return all;
    }

    /** The sequence number of the closed shard's last record, or null when it has none. */
    private String lastSequence(String stream, String shardId) {
        String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shardId)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        String last = null;
        for (int calls = 0; iterator != null; calls++) {
            if (calls == 1_000) {
                throw new IllegalStateException("closed shard " + stream + "/" + shardId + " not read to its end in "
                        + calls + " GetRecords calls");
            }
            String it = iterator;
            GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(it));
            if (r.records().isEmpty()) {
                break;
            }
            last = r.records().get(r.records().size() - 1).sequenceNumber();
            iterator = r.nextShardIterator();
        }
        return last;
    }

    @Override
    public void close() {
        kinesis.close();
    }
}
