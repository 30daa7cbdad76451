package io.mskbridge.s3;

import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.connect.sink.SinkRecord;

import io.mskbridge.common.KeyTemplate;

/**
 * Where a record's object goes: the settings that make an object key ({@code s3.key.template},
 * {@code s3.partition.time.field} and {@code .format}, {@code s3.object.offset.pad.width} and the format's extension), and the
 * rendering from them. Two layouts with the same {@link #settings()} name every object alike; a task keeps the
 * layouts its connector used before (see {@link LayoutHistory}) to find the batches they hold.
 */
final class ObjectLayout {

    /** Stands for {kafka.start_offset} until the object's first offset is known. */
    private static final String START_MARKER = "\u0000start\u0000";

    static final String TEMPLATE = "key.template";
    static final String TIME_FIELD = "partition.time.field";
    static final String TIME_FORMAT = "partition.time.format";
    static final String PAD_WIDTH = "offset.pad.width";
    static final String EXTENSION = "extension";

    private final Map<String, String> settings;
    final KeyTemplate template;
    private final PartitionTime time;
    final String extension;
    private final int padWidth;

    private ObjectLayout(Map<String, String> settings) {
        this.settings = settings;
        this.template = S3ArchiveSinkConfig.keyTemplate(settings.get(TEMPLATE));
        this.time = PartitionTime.of(settings.get(TIME_FIELD), settings.get(TIME_FORMAT));
        this.extension = settings.get(EXTENSION);
        this.padWidth = Integer.parseInt(settings.get(PAD_WIDTH));
    }

    static ObjectLayout of(S3ArchiveSinkConfig config) {
        Map<String, String> s = new TreeMap<>();
        s.put(TEMPLATE, config.keyTemplate().template());
        s.put(EXTENSION, config.extension());
        s.put(PAD_WIDTH, Integer.toString(config.offsetPadWidth()));
        if (config.partitionTimeField() != null) {
            s.put(TIME_FIELD, config.partitionTimeField());
            if (!PartitionTime.AUTO.equals(config.partitionTimeFormat())) {
                s.put(TIME_FORMAT, config.partitionTimeFormat());
            }
        }
        return new ObjectLayout(s);
    }

    /**
     * The layout of recorded settings (see {@link LayoutHistory}).
     *
     * @throws IllegalArgumentException when they do not make a layout
     */
    static ObjectLayout of(Map<String, String> settings) {
        if (settings.get(TEMPLATE) == null || settings.get(EXTENSION) == null || settings.get(PAD_WIDTH) == null) {
            throw new IllegalArgumentException("needs " + TEMPLATE + ", " + EXTENSION + " and " + PAD_WIDTH);
        }
        try {
            return new ObjectLayout(new TreeMap<>(settings));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The settings that make this layout, sorted by name: equal settings, equal keys. */
    Map<String, String> settings() {
        return settings;
    }

    /**
     * The record's key with a marker for the start offset, which {@link #objectKey} fills in.
     *
     * @throws org.apache.kafka.connect.errors.DataException when the record cannot be placed (e.g. no event time)
     */
    String render(SinkRecord r) {
        return template.render(r, v -> START_MARKER, time.of(r));
    }

    /** The object key of a rendered key whose object starts at {@code firstOffset}. */
    String objectKey(String renderedKey, long firstOffset) {
        return renderedKey.replace(START_MARKER, TopicPartitionWriter.pad(firstOffset, padWidth)) + extension;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectLayout && ((ObjectLayout) o).settings.equals(settings);
    }

    @Override
    public int hashCode() {
        return settings.hashCode();
    }

    @Override
    public String toString() {
        return template.template() + extension + (settings.containsKey(TIME_FIELD)
                ? " (time from " + settings.get(TIME_FIELD) + (settings.containsKey(TIME_FORMAT)
                ? " as " + settings.get(TIME_FORMAT) : "") + ")" : "") + ", offsets padded to " + padWidth;
    }
}
