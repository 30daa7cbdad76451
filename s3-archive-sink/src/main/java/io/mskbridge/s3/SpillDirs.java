package io.mskbridge.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spill directory of one task: {@code mskbridge-s3-<connector>-<task>-<uuid>} under {@code s3.spill.dir},
 * holding a {@value #LOCK} file locked for the task's life. A task that crashed (a killed worker) never deleted
 * its directory; the next start of the same connector's same task deletes those whose lock nobody holds, and
 * nothing else: not other connectors' or tasks' directories, not a live one (e.g. a zombie of the same task in
 * another worker on this host).
 */
final class SpillDirs {

    private static final Logger log = LoggerFactory.getLogger(SpillDirs.class);

    static final String LOCK = ".lock";
    private static final String UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    /** A directory without a lock file may be one being created right now; only older ones are left-overs. */
    private static final Duration UNLOCKED_GRACE = Duration.ofMinutes(1);
    /**
     * Directories locked by tasks of this JVM. On Linux, closing any channel of a file drops every lock this
     * process holds on it, so a live directory of this JVM is recognized here and its lock file never opened.
     */
    private static final Set<Path> OWNED = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel lockChannel;

    private SpillDirs(Path dir, FileChannel lockChannel) {
        this.dir = dir;
        this.lockChannel = lockChannel;
    }

    /** Deletes the task's crashed predecessors' directories, then creates and locks a new one. */
    static SpillDirs create(Path base, String connector, String taskId) {
        String prefix = "mskbridge-s3-" + fileSafe(connector) + "-" + fileSafe(taskId) + "-";
        int removed = removeCrashed(base, prefix);
        if (removed > 0) {
            log.info("Deleted {} spill director{} of crashed runs of this task under {}", removed,
                    removed == 1 ? "y" : "ies", base);
        }
        Path dir = base.resolve(prefix + UUID.randomUUID());
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            ch.lock();
            OWNED.add(dir.toAbsolutePath().normalize());
            return new SpillDirs(dir, ch);
        } catch (IOException e) {
            throw new ConnectException("Cannot create the spill directory " + dir + ": " + e
                    + ". Check " + S3ArchiveSinkConfig.SPILL_DIR + " (it must be writable)", e);
        }
    }

    Path dir() {
        return dir;
    }

    /** Deletes the directory and releases its lock. */
    void delete() {
        OWNED.remove(dir.toAbsolutePath().normalize());
        try {
            deleteTree(dir);
        } catch (IOException | UncheckedIOException e) {
            log.warn("Cannot delete spill directory {}: {}", dir, e.toString());
        } finally {
            try {
                lockChannel.close();
            } catch (IOException e) {
                // the lock goes with the channel either way
            }
        }
    }

    /** Deletes directories named {@code prefix<uuid>} under {@code base} that no live task holds. */
    static int removeCrashed(Path base, String prefix) {
        if (!Files.isDirectory(base)) {
            return 0;
        }
        Pattern name = Pattern.compile(Pattern.quote(prefix) + UUID_RE);
        List<Path> candidates = new ArrayList<>();
        try (Stream<Path> s = Files.list(base)) {
            s.filter(p -> name.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                    .forEach(candidates::add);
        } catch (IOException e) {
            log.warn("Cannot list {} for spill directories of crashed runs: {}", base, e.toString());
            return 0;
        }
        int removed = 0;
        for (Path d : candidates) {
            try {
                if (removeIfCrashed(d)) {
                    removed++;
                }
            } catch (IOException | UncheckedIOException e) {
                log.warn("Cannot delete the spill directory {} of a crashed run: {}", d, e.toString());
            }
        }
        return removed;
    }

    private static boolean removeIfCrashed(Path d) throws IOException {
        if (OWNED.contains(d.toAbsolutePath().normalize())) {
            return false;
        }
        Path lock = d.resolve(LOCK);
        if (!Files.exists(lock)) {
            FileTime modified = Files.getLastModifiedTime(d);
            if (System.currentTimeMillis() - modified.toMillis() < UNLOCKED_GRACE.toMillis()) {
                return false;
            }
            deleteTree(d);
            return true;
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return false; // another process's live task
            }
            try {
                deleteTree(d);
            } finally {
                l.release();
            }
            return true;
        } catch (OverlappingFileLockException e) {
            return false;
        }
    }

    private static void deleteTree(Path d) throws IOException {
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A connector name or task id made safe for a file name. */
    static String fileSafe(String s) {
        return s == null ? "unknown" : s.replaceAll("[,=:\"*?/\\\\\\s]", "_");
    }
}
