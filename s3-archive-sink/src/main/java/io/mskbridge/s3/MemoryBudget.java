package io.mskbridge.s3;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The task's heap budget for record data. When the open buffers' heap exceeds the limit, the largest are
 * spilled to disk until usage is at half the limit (so spills are batched, not one per record).
 */
final class MemoryBudget {

    private final long limit;
    private final Set<SpillableBuffer> buffers = new LinkedHashSet<>();
    private long used;
    private long peak;
    private long spilledBytes;
    private long spills;

    MemoryBudget(long limit) {
        this.limit = limit;
    }

    void allocated(SpillableBuffer b, long bytes) {
        buffers.add(b);
        used += bytes;
        peak = Math.max(peak, used);
    }

    void released(SpillableBuffer b, long bytes) {
        used -= bytes;
        buffers.remove(b);
    }

    /** Spills the largest buffers if over the limit. Called after each record is stored. */
    void enforce() {
        if (used <= limit) {
            return;
        }
        List<SpillableBuffer> bySize = new ArrayList<>(buffers);
        bySize.sort(Comparator.comparingLong(SpillableBuffer::memoryCapacity).reversed());
        for (SpillableBuffer b : bySize) {
            if (used <= limit / 2) {
                break;
            }
            long before = b.spilledBytes();
            b.spill();
            spilledBytes += b.spilledBytes() - before;
            spills++;
        }
    }

    long used() {
        return used;
    }

    long peak() {
        return peak;
    }

    long limit() {
        return limit;
    }

    long spilledBytes() {
        return spilledBytes;
    }

    long spills() {
        return spills;
    }
}
