package io.mskbridge.s3;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The stored bytes of one open object: a tail in heap chunks (counted against the task's budget) and, once
 * spilled, a head in a local file. Spilling is invisible to the object's content and boundaries, which is why
 * memory pressure can never break exactly-once. Spill files are opened in append mode only while spilling, so
 * thousands of open objects do not hold thousands of file descriptors.
 */
final class SpillableBuffer {

    private static final int MIN_CHUNK = 512;
    private static final int MAX_CHUNK = 64 * 1024;

    private final MemoryBudget budget;
    private final Path spillFile;
    private final List<byte[]> chunks = new ArrayList<>();
    private int lastChunkUsed;
    private long memoryCapacity;
    private long memoryBytes;
    private long spilledBytes;

    SpillableBuffer(MemoryBudget budget, Path spillFile) {
        this.budget = budget;
        this.spillFile = spillFile;
    }

    void write(byte[] b, int off, int len) {
        while (len > 0) {
            byte[] last = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
            if (last == null || lastChunkUsed == last.length) {
                int size = last == null ? MIN_CHUNK : Math.min(MAX_CHUNK, last.length * 2);
                last = new byte[Math.max(size, Math.min(len, MAX_CHUNK))];
                chunks.add(last);
                lastChunkUsed = 0;
                memoryCapacity += last.length;
                budget.allocated(this, last.length);
            }
            int n = Math.min(len, last.length - lastChunkUsed);
            System.arraycopy(b, off, last, lastChunkUsed, n);
            lastChunkUsed += n;
            memoryBytes += n;
            off += n;
            len -= n;
        }
    }

    long size() {
        return memoryBytes + spilledBytes;
    }

    long memoryCapacity() {
        return memoryCapacity;
    }

    long spilledBytes() {
        return spilledBytes;
    }

    /** Moves the heap tail to the spill file and releases the heap. */
    void spill() {
        if (chunks.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(spillFile.getParent());
            try (OutputStream out = new FileOutputStream(spillFile.toFile(), true)) {
                writeMemory(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot spill to " + spillFile + " (check s3.spill.dir's free space)", e);
        }
        spilledBytes += memoryBytes;
        releaseMemory();
    }

    private void writeMemory(OutputStream out) throws IOException {
        for (int i = 0; i < chunks.size(); i++) {
            byte[] c = chunks.get(i);
            out.write(c, 0, i == chunks.size() - 1 ? lastChunkUsed : c.length);
        }
    }

    private void releaseMemory() {
        budget.released(this, memoryCapacity);
        chunks.clear();
        lastChunkUsed = 0;
        memoryCapacity = 0;
        memoryBytes = 0;
    }

    /** The stored bytes, spill file first. The caller closes the stream. */
    InputStream open() throws IOException {
        List<InputStream> parts = new ArrayList<>();
        if (spilledBytes > 0) {
            parts.add(new BufferedInputStream(Files.newInputStream(spillFile), 64 * 1024));
        }
        for (int i = 0; i < chunks.size(); i++) {
            byte[] c = chunks.get(i);
            parts.add(new ByteArrayInputStream(c, 0, i == chunks.size() - 1 ? lastChunkUsed : c.length));
        }
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    /** Frees memory and deletes the spill file. */
    void discard() {
        releaseMemory();
        if (spilledBytes > 0) {
            try {
                Files.deleteIfExists(spillFile);
            } catch (IOException e) {
                // a leftover temp file is not worth failing the task; the task dir is removed on stop
            }
            spilledBytes = 0;
        }
    }
}
