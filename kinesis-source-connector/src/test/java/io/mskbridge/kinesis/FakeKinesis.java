package io.mskbridge.kinesis;

import java.math.BigInteger;
import java.net.SocketException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.EncryptionType;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * In-memory Kinesis for unit tests: shards of records, index-based iterators (all types), ChildShards at the end
 * of a closed shard, injectable faults, optional KMS encryption of the stream (as described; nothing is encrypted).
 */
final class FakeKinesis implements KinesisClient {

    /** The whole hash key space, 0 to 2^128 - 1. */
    static final BigInteger MAX_HASH_KEY = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    static final class FakeShard {
        final String id;
        final String parent;
        volatile String adjacentParent;
        volatile BigInteger firstHashKey = BigInteger.ZERO;
        volatile BigInteger lastHashKey = MAX_HASH_KEY;
        final List<Record> records = new ArrayList<>();
        volatile boolean closed;

        /** Sets the shard's hash key range. */
        FakeShard range(BigInteger first, BigInteger last) {
            firstHashKey = first;
            lastHashKey = last;
            return this;
        }

        FakeShard(String id, String parent) {
            this.id = id;
            this.parent = parent;
        }
    }

    final String stream;
    final Map<String, FakeShard> shards = new LinkedHashMap<>();
    final Deque<Supplier<RuntimeException>> faults = new ArrayDeque<>();
    final AtomicInteger getRecordsCalls = new AtomicInteger();
    /** When each GetRecords call came ({@link System#nanoTime()}), for pacing checks. */
    final List<Long> getRecordsCallNanos = new java.util.concurrent.CopyOnWriteArrayList<>();
    final AtomicInteger getShardIteratorCalls = new AtomicInteger();
    volatile int pageSize = 1000;
    volatile int listShardsPageSize = Integer.MAX_VALUE;
    final AtomicInteger listShardsCalls = new AtomicInteger();
    /** Runs at the start of every ListShards call (a test may make it slow). */
    volatile Runnable beforeListShards = () -> { };
    /** Arrival time of the records put from now on. */
    volatile LongSupplier clock = System::currentTimeMillis;
    /** The stream's KMS key as DescribeStreamSummary gives it, or null for an unencrypted stream. */
    volatile String kmsKeyId;
    private long seq = 1000;

    FakeKinesis(String stream) {
        this.stream = stream;
    }

    FakeShard shard(String id, String parent) {
        return shards.computeIfAbsent(id, k -> new FakeShard(id, parent));
    }

    /** The shard expires past retention: from now on every call on it answers ResourceNotFoundException. */
    synchronized void expire(String shardId) {
        shards.remove(shardId);
    }

    /** As Kinesis answers for a shard expired past retention (or a deleted stream). */
    private RuntimeException notFound(String shardId) {
        return ResourceNotFoundException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException").build())
                .message("Shard " + shardId + " in stream " + stream + " does not exist").build();
    }

    synchronized Record put(String shardId, String key, byte[] data) {
        Record r = Record.builder().sequenceNumber(String.format("4960%040d", seq++)).partitionKey(key)
                .data(SdkBytes.fromByteArray(data)).approximateArrivalTimestamp(Instant.ofEpochMilli(clock.getAsLong()))
                .build();
        shards.get(shardId).records.add(r);
        return r;
    }

    static RuntimeException throttle() {
        return ProvisionedThroughputExceededException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build())
                .message("Rate exceeded").build();
    }

    static RuntimeException expired() {
        return ExpiredIteratorException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ExpiredIteratorException").build())
                .message("Iterator expired").build();
    }

    /** A 4xx that retrying cannot fix. */
    static RuntimeException accessDenied() {
        return KinesisException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").build())
                .message("not authorized").build();
    }

    static RuntimeException serverError() {
        return KinesisException.builder().statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalFailure").build())
                .message("boom").build();
    }

    /** What the SDK throws when the connection is reset (TCP RST) mid-call. */
    static RuntimeException connectionReset() {
        return SdkClientException.builder().message("Unable to execute HTTP request: Connection reset")
                .cause(new SocketException("Connection reset")).build();
    }

    /** {@code rounds} times throttling, an expired iterator and a 5xx: every failure a reader must ride out. */
    static List<Supplier<RuntimeException>> retriableFaults(int rounds) {
        List<Supplier<RuntimeException>> out = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            out.add(FakeKinesis::throttle);
            out.add(FakeKinesis::expired);
            out.add(FakeKinesis::serverError);
        }
        return out;
    }

    /**
     * The same faults with a successful GetRecords call after each, so they fall among the pages of a stream rather
     * than in one run that would grow the reader's backoff to its maximum.
     */
    static List<Supplier<RuntimeException>> retriableFaultsBetweenPages(int rounds) {
        List<Supplier<RuntimeException>> out = new ArrayList<>();
        for (Supplier<RuntimeException> f : retriableFaults(rounds)) {
            out.add(f);
            out.add(NO_FAULT);
        }
        return out;
    }

    /** A {@link #faults} entry that lets its call through. */
    static final Supplier<RuntimeException> NO_FAULT = () -> null;

    @Override
    public ListShardsResponse listShards(ListShardsRequest request) {
        // Outside the lock, so a slow call blocks nothing else.
        beforeListShards.run();
        return listShardsPage(request);
    }

    /** Pages of {@link #listShardsPageSize} shards; the token is the index of the next page's first shard. */
    private synchronized ListShardsResponse listShardsPage(ListShardsRequest request) {
        listShardsCalls.incrementAndGet();
        if ((request.nextToken() == null) == (request.streamName() == null)) {
            // As Kinesis: a first call names the stream, a later one passes only the token.
            throw InvalidArgumentException.builder().statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("InvalidArgumentException").build())
                    .message("NextToken and StreamName cannot be provided together").build();
        }
        List<Shard> out = new ArrayList<>();
        for (FakeShard s : shards.values()) {
            out.add(Shard.builder().shardId(s.id).parentShardId(s.parent).adjacentParentShardId(s.adjacentParent)
                    .hashKeyRange(HashKeyRange.builder().startingHashKey(s.firstHashKey.toString())
                            .endingHashKey(s.lastHashKey.toString()).build())
                    .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("0")
                            .endingSequenceNumber(s.closed ? "99999999999999999999999999999999999999999999" : null).build())
                    .build());
        }
        int from = request.nextToken() == null ? 0 : Integer.parseInt(request.nextToken());
        int to = (int) Math.min(out.size(), (long) from + listShardsPageSize);
        return ListShardsResponse.builder().shards(out.subList(from, to))
                .nextToken(to < out.size() ? String.valueOf(to) : null).build();
    }

    @Override
    public synchronized GetShardIteratorResponse getShardIterator(GetShardIteratorRequest r) {
        getShardIteratorCalls.incrementAndGet();
        FakeShard s = shards.get(r.shardId());
        if (s == null) {
            throw notFound(r.shardId());
        }
        int index;
        switch (r.shardIteratorType()) {
            case TRIM_HORIZON:
                index = 0;
                break;
            case LATEST:
                index = s.records.size();
                break;
            case AT_TIMESTAMP:
                index = s.records.size();
                for (int i = 0; i < s.records.size(); i++) {
                    if (!s.records.get(i).approximateArrivalTimestamp().isBefore(r.timestamp())) {
                        index = i;
                        break;
                    }
                }
                break;
            case AT_SEQUENCE_NUMBER:
            case AFTER_SEQUENCE_NUMBER:
                BigInteger at = new BigInteger(r.startingSequenceNumber());
                index = s.records.size();
                for (int i = 0; i < s.records.size(); i++) {
                    int c = new BigInteger(s.records.get(i).sequenceNumber()).compareTo(at);
                    if (c >= 0) {
                        index = c == 0 && r.shardIteratorType().toString().startsWith("AFTER") ? i + 1 : i;
                        break;
                    }
                }
                break;
            default:
                throw new UnsupportedOperationException(r.shardIteratorTypeAsString());
        }
        return GetShardIteratorResponse.builder().shardIterator(s.id + ":" + index).build();
    }

    @Override
    public GetRecordsResponse getRecords(GetRecordsRequest r) {
        getRecordsCalls.incrementAndGet();
        getRecordsCallNanos.add(System.nanoTime());
        Supplier<RuntimeException> f;
        synchronized (this) {
            f = faults.poll();
        }
        RuntimeException fault = f == null ? null : f.get();
        if (fault != null) {
            throw fault;
        }
        synchronized (this) {
            String[] p = r.shardIterator().split(":");
            FakeShard s = shards.get(p[0]);
            if (s == null) {
                throw notFound(p[0]);
            }
            int from = Integer.parseInt(p[1]);
            int limit = Math.min(pageSize, r.limit() == null ? 10_000 : r.limit());
            int to = Math.min(s.records.size(), from + limit);
            List<Record> page = new ArrayList<>(s.records.subList(from, to));
            boolean end = to >= s.records.size();
            String next = end && s.closed ? null : s.id + ":" + to;
            GetRecordsResponse.Builder b = GetRecordsResponse.builder().records(page).nextShardIterator(next)
                    .millisBehindLatest(end ? 0L : 1000L);
            if (next == null) {
                List<ChildShard> children = new ArrayList<>();
                for (FakeShard c : shards.values()) {
                    if (s.id.equals(c.parent) || s.id.equals(c.adjacentParent)) {
                        children.add(ChildShard.builder().shardId(c.id).parentShards(c.parent).build());
                    }
                }
                b.childShards(children);
            }
            return b.build();
        }
    }

    volatile RuntimeException describeFailure;

    @Override
    public software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse describeStreamSummary(
            software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest r) {
        if (describeFailure != null) {
            throw describeFailure;
        }
        if (!stream.equals(r.streamName())) {
            throw software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException.builder().statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException")
                            .errorMessage("Stream " + r.streamName() + " not found").build())
                    .build();
        }
        return software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse.builder()
                .streamDescriptionSummary(d -> d.streamName(stream).streamARN(streamArn())
                        .encryptionType(kmsKeyId == null ? EncryptionType.NONE : EncryptionType.KMS).keyId(kmsKeyId))
                .build();
    }

    // Enhanced fan-out: stream consumers by name (RegisterStreamConsumer, DescribeStreamConsumer).
    final Map<String, software.amazon.awssdk.services.kinesis.model.ConsumerDescription> consumers =
            new LinkedHashMap<>();
    final AtomicInteger registerCalls = new AtomicInteger();
    /** DescribeStreamConsumer answers CREATING this many times after a registration. */
    volatile int describesUntilActive = 1;
    /** Thrown by RegisterStreamConsumer and DescribeStreamConsumer when set. */
    volatile RuntimeException consumerFailure;
    /** Thrown by RegisterStreamConsumer only (an identity that may describe but not register), when set. */
    volatile RuntimeException registerFailure;
    private int describesLeft;
    private int consumerGeneration;

    String streamArn() {
        return "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream;
    }

    /** The ACTIVE ARN of the consumer, or null. */
    synchronized String activeConsumerArn(String name) {
        var d = consumers.get(name);
        return d != null && d.consumerStatus() == software.amazon.awssdk.services.kinesis.model.ConsumerStatus.ACTIVE
                ? d.consumerARN() : null;
    }

    /** Deregisters a consumer behind the connector's back. */
    synchronized void deregister(String name) {
        consumers.remove(name);
    }

    @Override
    public synchronized software.amazon.awssdk.services.kinesis.model.RegisterStreamConsumerResponse registerStreamConsumer(
            software.amazon.awssdk.services.kinesis.model.RegisterStreamConsumerRequest r) {
        registerCalls.incrementAndGet();
        if (consumerFailure != null) {
            throw consumerFailure;
        }
        if (registerFailure != null) {
            throw registerFailure;
        }
        if (!streamArn().equals(r.streamARN())) {
            throw notFound("(stream " + r.streamARN() + ")");
        }
        if (consumers.containsKey(r.consumerName())) {
            throw software.amazon.awssdk.services.kinesis.model.ResourceInUseException.builder().statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceInUseException").build())
                    .message("Consumer " + r.consumerName() + " exists").build();
        }
        var d = software.amazon.awssdk.services.kinesis.model.ConsumerDescription.builder()
                .consumerName(r.consumerName()).streamARN(r.streamARN())
                .consumerARN(streamArn() + "/consumer/" + r.consumerName() + ":" + (++consumerGeneration))
                .consumerStatus(software.amazon.awssdk.services.kinesis.model.ConsumerStatus.CREATING).build();
        consumers.put(r.consumerName(), d);
        describesLeft = describesUntilActive;
        return software.amazon.awssdk.services.kinesis.model.RegisterStreamConsumerResponse.builder()
                .consumer(c -> c.consumerName(d.consumerName()).consumerARN(d.consumerARN())
                        .consumerStatus(d.consumerStatus()))
                .build();
    }

    @Override
    public synchronized software.amazon.awssdk.services.kinesis.model.DescribeStreamConsumerResponse describeStreamConsumer(
            software.amazon.awssdk.services.kinesis.model.DescribeStreamConsumerRequest r) {
        if (consumerFailure != null) {
            throw consumerFailure;
        }
        var d = consumers.get(r.consumerName());
        if (d == null) {
            throw notFound("(consumer " + r.consumerName() + ")");
        }
        if (d.consumerStatus() == software.amazon.awssdk.services.kinesis.model.ConsumerStatus.CREATING
                && describesLeft-- <= 0) {
            d = d.toBuilder().consumerStatus(software.amazon.awssdk.services.kinesis.model.ConsumerStatus.ACTIVE).build();
            consumers.put(r.consumerName(), d);
        }
        return software.amazon.awssdk.services.kinesis.model.DescribeStreamConsumerResponse.builder()
                .consumerDescription(d).build();
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    volatile boolean closed;

    @Override
    public void close() {
        closed = true;
    }
}
