package io.mskbridge.local;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Puts sample events into the four streams with PutRecords (500 records a call), retrying the entries a call reports
 * as failed (the seed's send_batch does that by recursion), with a progress bar. As real producers do, some events
 * go in gzipped (the seed's recipe) and some in KPL aggregates (a few events of one shard in one Kinesis record, a
 * quarter of them gzipped inside), so the run shows that every form arrives as the same records.
 */
final class SampleProducer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 500;
    /** Per 100 events: gzipped on their own, and put inside KPL aggregates. */
    static final int GZIP_PERCENT = 10;
    static final int AGGREGATED_PERCENT = 15;
    private static final int AGGREGATE_SIZE = 4;

    /** One Kinesis record to put: a plain or gzipped event, or a KPL aggregate of events of one shard. */
    record Entry(String partitionKey, byte[] data, List<SampleEvents.Event> events) {
    }

    private final KinesisClient kinesis;
    private final int count;
    private final List<SampleEvents.Event> events = new ArrayList<>();
    private final Map<String, Long> putMillis = new ConcurrentHashMap<>();
    private final AtomicInteger sent = new AtomicInteger();
    private int gzipped;
    private int aggregated;
    private int aggregates;
    private int gzippedInside;
    private long startNanos;
    private long endNanos;

    SampleProducer(KinesisClient kinesis, int count) {
        this.kinesis = kinesis;
        this.count = count;
    }

    void produce(PrintStream out) throws InterruptedException {
        produce(out, BATCH, sentSoFar -> {
        });
    }

    /** Between two rounds of puts (one call per stream each), with the number of events sent so far. */
    interface BetweenRounds {
        void run(int sentSoFar) throws InterruptedException;
    }

    /**
     * Puts every event, round robin over the streams with up to {@code batch} records per PutRecords call, and
     * runs {@code between} after each round (the crash test kills a worker there, so events keep reaching every
     * stream after each kill).
     */
    void produce(PrintStream out, int batch, BetweenRounds between) throws InterruptedException {
        SampleEvents gen = new SampleEvents(20261122L, Instant.now());
        for (int i = 0; i < count; i++) {
            events.add(gen.next(i));
        }
        Map<String, List<Entry>> byStream = entries(events, new Random(7L));
        startNanos = System.nanoTime();
        // Round robin over the streams, a PutRecords call each, as the events interleave.
        for (int from = 0; ; from += batch) {
            boolean any = false;
            for (Map.Entry<String, List<Entry>> s : byStream.entrySet()) {
                List<Entry> all = s.getValue();
                if (from < all.size()) {
                    put(s.getKey(), all.subList(from, Math.min(all.size(), from + batch)));
                    progress(out);
                    any = true;
                }
            }
            if (!any) {
                break;
            }
            between.run(sent.get());
        }
        endNanos = System.nanoTime();
        progress(out);
        out.println();
        out.printf("  of which %d gzipped and %d in %d KPL aggregates (%d of those gzipped inside)%n", gzipped,
                aggregated, aggregates, gzippedInside);
    }

    /**
     * The Kinesis records for {@code events}, per stream in event order: most plain JSON, {@link #GZIP_PERCENT}%
     * gzipped, {@link #AGGREGATED_PERCENT}% gathered per shard into KPL aggregates of up to four.
     */
    Map<String, List<Entry>> entries(List<SampleEvents.Event> all, Random random) {
        Map<String, List<Entry>> out = new LinkedHashMap<>();
        Map<String, List<SampleEvents.Event>> pending = new LinkedHashMap<>();
        Map<String, ShardRouter> routers = new HashMap<>();
        for (SampleEvents.Event e : all) {
            List<Entry> stream = out.computeIfAbsent(e.stream(), k -> new ArrayList<>());
            int roll = random.nextInt(100);
            if (roll < GZIP_PERCENT) {
                stream.add(new Entry(e.partitionKey(), RawPayloads.gzip(bytes(e)), List.of(e)));
                gzipped++;
            } else if (roll < GZIP_PERCENT + AGGREGATED_PERCENT) {
                ShardRouter router = routers.computeIfAbsent(e.stream(), s -> ShardRouter.of(kinesis, s));
                String shard = e.stream() + "/" + router.shardOf(e.partitionKey());
                List<SampleEvents.Event> agg = pending.computeIfAbsent(shard, k -> new ArrayList<>());
                agg.add(e);
                if (agg.size() == AGGREGATE_SIZE) {
                    stream.add(aggregate(agg));
                    pending.remove(shard);
                }
            } else {
                stream.add(new Entry(e.partitionKey(), bytes(e), List.of(e)));
            }
        }
        for (List<SampleEvents.Event> agg : pending.values()) {
            out.get(agg.get(0).stream()).add(aggregate(agg));
        }
        return out;
    }

    private Entry aggregate(List<SampleEvents.Event> group) {
        List<KplAggregate.User> users = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            SampleEvents.Event e = group.get(i);
            byte[] data = bytes(e);
            boolean gz = i % 4 == 1;
            users.add(new KplAggregate.User(e.partitionKey(), gz ? RawPayloads.gzip(data) : data));
            gzippedInside += gz ? 1 : 0;
        }
        aggregated += group.size();
        aggregates++;
        // As the KPL: the aggregate goes with its first user record's key, which hashes to the same shard as all.
        return new Entry(group.get(0).partitionKey(), KplAggregate.encode(users), List.copyOf(group));
    }

    private void put(String stream, List<Entry> batch) throws InterruptedException {
        List<Entry> pending = new ArrayList<>(batch);
        int attempt = 0;
        while (!pending.isEmpty()) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>(pending.size());
            for (Entry e : pending) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey(e.partitionKey()).data(SdkBytes.fromByteArray(e.data())).build());
            }
            long now = System.currentTimeMillis();
            PutRecordsResponse resp = kinesis.putRecords(b -> b.streamName(stream).records(entries));
            List<Entry> failed = new ArrayList<>();
            List<PutRecordsResultEntry> results = resp.records();
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).errorCode() != null) {
                    failed.add(pending.get(i));
                } else {
                    for (SampleEvents.Event ev : pending.get(i).events()) {
                        putMillis.put(ev.id(), now);
                    }
                    sent.addAndGet(pending.get(i).events().size());
                }
            }
            pending = failed;
            if (!pending.isEmpty()) {
                Thread.sleep(Math.min(2000, 100L << Math.min(attempt++, 4)));
            }
        }
    }

    private static byte[] bytes(SampleEvents.Event e) {
        try {
            return JSON.writeValueAsBytes(e.fields());
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private void progress(PrintStream out) {
        int done = sent.get();
        int width = 40;
        int filled = (int) ((long) done * width / count);
        double secs = (System.nanoTime() - startNanos) / 1e9;
        out.printf("\r  producing [%s%s] %d/%d events  %.0f/s ", "#".repeat(filled), " ".repeat(width - filled), done, count,
                secs > 0 ? done / secs : 0.0);
        out.flush();
    }

    int gzipped() {
        return gzipped;
    }

    int aggregated() {
        return aggregated;
    }

    List<SampleEvents.Event> events() {
        return events;
    }

    Long putMillis(String id) {
        return putMillis.get(id);
    }

    double seconds() {
        return (endNanos - startNanos) / 1e9;
    }
}
