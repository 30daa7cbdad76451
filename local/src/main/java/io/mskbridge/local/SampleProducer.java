package io.mskbridge.local;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Puts sample events into the four streams with PutRecords (500 a call), retrying the entries a call reports as
 * failed (the seed's send_batch does that by recursion), with a progress bar.
 */
final class SampleProducer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 500;

    private final KinesisClient kinesis;
    private final int count;
    private final List<SampleEvents.Event> events = new ArrayList<>();
    private final Map<String, Long> putMillis = new ConcurrentHashMap<>();
    private final AtomicInteger sent = new AtomicInteger();
    private long startNanos;
    private long endNanos;

    SampleProducer(KinesisClient kinesis, int count) {
        this.kinesis = kinesis;
        this.count = count;
    }

    void produce(PrintStream out) throws InterruptedException {
        SampleEvents gen = new SampleEvents(20261122L, Instant.now());
        for (int i = 0; i < count; i++) {
            events.add(gen.next(i));
        }
        Map<String, List<SampleEvents.Event>> byStream = new HashMap<>();
        startNanos = System.nanoTime();
        for (SampleEvents.Event e : events) {
            List<SampleEvents.Event> batch = byStream.computeIfAbsent(e.stream(), k -> new ArrayList<>());
            batch.add(e);
            if (batch.size() == BATCH) {
                put(e.stream(), batch);
                batch.clear();
                progress(out);
            }
        }
        for (Map.Entry<String, List<SampleEvents.Event>> b : byStream.entrySet()) {
            if (!b.getValue().isEmpty()) {
                put(b.getKey(), b.getValue());
            }
        }
        endNanos = System.nanoTime();
        progress(out);
        out.println();
    }

    private void put(String stream, List<SampleEvents.Event> batch) throws InterruptedException {
        List<SampleEvents.Event> pending = new ArrayList<>(batch);
        int attempt = 0;
        while (!pending.isEmpty()) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>(pending.size());
            for (SampleEvents.Event e : pending) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey(e.partitionKey()).data(SdkBytes.fromByteArray(bytes(e))).build());
            }
            long now = System.currentTimeMillis();
            PutRecordsResponse resp = kinesis.putRecords(b -> b.streamName(stream).records(entries));
            List<SampleEvents.Event> failed = new ArrayList<>();
            List<PutRecordsResultEntry> results = resp.records();
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).errorCode() != null) {
                    failed.add(pending.get(i));
                } else {
                    putMillis.put(pending.get(i).id(), now);
                    sent.incrementAndGet();
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

    int sent() {
        return sent.get();
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
