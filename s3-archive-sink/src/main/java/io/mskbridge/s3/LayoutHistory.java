package io.mskbridge.s3;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsErrors;
import io.mskbridge.common.KeyTemplate;

/**
 * The object key layouts a connector has written with, newest first, in one small object
 * ({@code <s3.layout.history.prefix><connector>.properties}) that no layout change moves.
 *
 * <p>Offsets are committed only past uploaded batches, so a replay after a crash starts at a batch whose objects
 * may already be in the bucket. Under the same layout the replay finds them by name; after a change of
 * {@code s3.key.template} (or of the event-time field, the pad width or the format) their names differ, so the task
 * needs the earlier layouts to look for them: a Kafka Connect sink task cannot read back the metadata of its
 * committed offsets, and a template alone does not say which layout wrote an object, hence this record. Read once
 * per task start, written only when the layout changed (every task of the connector writes the same content).
 */
final class LayoutHistory {

    private static final Logger log = LoggerFactory.getLogger(LayoutHistory.class);

    /** The current layout and up to 5 earlier ones: each earlier one costs a HEAD when a partition opens. */
    static final int MAX_LAYOUTS = 6;
    private static final String ENTRY = "layout.";

    private LayoutHistory() {
    }

    /** The key of the connector's history under {@code prefix}. */
    static String key(String prefix, String connector) {
        return prefix + KeyTemplate.pathSegment(connector) + ".properties";
    }

    /**
     * Records {@code current} as the connector's newest layout and returns the earlier ones, newest first (empty
     * when the history is disabled, new, or never changed).
     *
     * @throws ConnectException when the history cannot be read or written (permissions), naming the setting
     */
    static List<ObjectLayout> update(S3ArchiveSinkConfig config, ObjectLayout current, S3Uploader uploader,
                                     String connector) {
        String prefix = config.layoutHistoryPrefix();
        if (prefix.isEmpty()) {
            return List.of();
        }
        String key = key(prefix, connector);
        List<Map<String, String>> recorded;
        try {
            byte[] bytes = uploader.read(key);
            recorded = bytes == null ? List.of() : parse(new String(bytes, StandardCharsets.UTF_8));
            List<Map<String, String>> updated = new ArrayList<>();
            updated.add(current.settings());
            for (Map<String, String> l : recorded) {
                if (!l.equals(current.settings()) && updated.size() < MAX_LAYOUTS) {
                    updated.add(l);
                }
            }
            if (!updated.equals(recorded)) {
                uploader.write(key, "text/plain; charset=utf-8", format(connector, updated).getBytes(StandardCharsets.UTF_8));
                log.info("Recorded the object key layout {} as the newest of connector {} in s3://{}/{} ({} earlier)",
                        current, connector, config.bucket(), key, updated.size() - 1);
            }
            List<ObjectLayout> earlier = new ArrayList<>();
            for (Map<String, String> l : updated.subList(1, updated.size())) {
                try {
                    earlier.add(ObjectLayout.of(l));
                } catch (IllegalArgumentException e) {
                    log.warn("Ignoring an unreadable layout in s3://{}/{} ({}): {}", config.bucket(), key, l,
                            e.getMessage());
                }
            }
            if (!earlier.isEmpty()) {
                log.info("Connector {} wrote with other object key layouts before {}: {}. A partition opened by this "
                        + "task first looks there (one HeadObject each) for batches uploaded but not committed "
                        + "before the change", connector, current, earlier);
            }
            return earlier;
        } catch (RuntimeException e) {
            throw new ConnectException("Cannot read or write the key layout history s3://" + config.bucket() + "/"
                    + key + ": " + AwsErrors.describe(e) + ". Grant the connector's IAM role s3:GetObject and "
                    + "s3:PutObject on it, or set " + S3ArchiveSinkConfig.LAYOUT_HISTORY_PREFIX + " to another "
                    + "prefix (empty disables it; a key layout change between an upload and its commit then "
                    + "archives the replayed batches twice)", e);
        }
    }

    /** The layouts of a history object, newest first; entries that are not layouts are left out. */
    static List<Map<String, String>> parse(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            log.warn("The key layout history is not readable ({}); starting a new one", e.getMessage());
            return List.of();
        }
        TreeMap<Integer, Map<String, String>> byIndex = new TreeMap<>();
        for (String name : p.stringPropertyNames()) {
            int dot = name.indexOf('.', ENTRY.length());
            if (!name.startsWith(ENTRY) || dot < 0) {
                continue;
            }
            try {
                int i = Integer.parseInt(name.substring(ENTRY.length(), dot));
                byIndex.computeIfAbsent(i, k -> new TreeMap<>()).put(name.substring(dot + 1), p.getProperty(name));
            } catch (NumberFormatException e) {
                // not an entry of ours
            }
        }
        return new ArrayList<>(byIndex.values());
    }

    static String format(String connector, List<Map<String, String>> layouts) {
        Properties p = new Properties();
        for (int i = 0; i < layouts.size(); i++) {
            for (Map.Entry<String, String> e : layouts.get(i).entrySet()) {
                p.setProperty(ENTRY + i + "." + e.getKey(), e.getValue());
            }
        }
        StringWriter out = new StringWriter();
        try {
            p.store(out, "MSK Bridge S3 sink: the object key layouts of connector " + connector + ", newest first");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Properties.store adds the date as a second comment; without it every task writes the same bytes.
        StringBuilder text = new StringBuilder();
        int line = 0;
        for (String l : out.toString().split("\n")) {
            if (line++ != 1) {
                text.append(l).append('\n');
            }
        }
        return text.toString();
    }
}
