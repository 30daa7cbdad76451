package io.mskbridge.smt;

import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;

/** Configuration of {@link ProcessingTime}. */
public final class ProcessingTimeConfig extends TransformConfig {

    public static final String FIELD_CONFIG = "field";

    public static ConfigDef configDef() {
        return new ConfigDefBuilder().group("Output")
                .field(FIELD_CONFIG, "processed_timestamp", ConfigDef.Importance.HIGH,
                        "Output field for the processing time as ISO-8601 UTC text with a 'Z', millisecond "
                                + "precision (e.g. 2026-11-22T04:05:47.123Z; optional STRING in Struct schemas). "
                                + "An existing field of that name is overwritten.",
                        "Field")
                .build();
    }

    public ProcessingTimeConfig(Map<?, ?> originals) {
        super(configDef(), originals);
    }
}
