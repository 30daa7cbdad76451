package io.mskbridge.kinesis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.kafka.connect.source.SourceRecord;

/**
 * The queue between a task's fetch threads and {@code poll()}, bounded in records and in bytes. Fetchers
 * ask {@link #hasRoom()} before calling GetRecords and add a whole batch at once (so a shard's records stay
 * contiguous and in order); the bound can therefore be exceeded by at most one batch per fetch thread,
 * which is what keeps a fetcher from ever blocking while it holds an iterator.
 */
final class FetchQueue {

    private final int maxRecords;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<SourceRecord> records = new ArrayDeque<>();
    private final ArrayDeque<Long> sizes = new ArrayDeque<>();
    private long bytes;

    FetchQueue(int maxRecords, long maxBytes) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    boolean hasRoom() {
        lock.lock();
        try {
            return records.size() < maxRecords && bytes < maxBytes;
        } finally {
            lock.unlock();
        }
    }

    void addAll(List<SourceRecord> batch, long[] batchSizes) {
        if (batch.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            for (int i = 0; i < batch.size(); i++) {
                records.add(batch.get(i));
                sizes.add(batchSizes[i]);
                bytes += batchSizes[i];
            }
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Up to {@code max} records, waiting at most {@code timeoutMs} for the first. Never null. */
    List<SourceRecord> drain(int max, long timeoutMs) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (records.isEmpty() && nanos > 0) {
                nanos = notEmpty.awaitNanos(nanos);
            }
            int n = Math.min(max, records.size());
            List<SourceRecord> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(records.poll());
                bytes -= sizes.poll();
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a waiting {@link #drain} (on stop). */
    void wakeUp() {
        lock.lock();
        try {
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return records.size();
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }
}
