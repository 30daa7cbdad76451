package io.mskbridge.smt;

import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/** Configuration of {@link ProcessingTime}. */
public final class ProcessingTimeConfig extends AbstractConfig {

    public static final String FIELD_CONFIG = "field";

    public static ConfigDef configDef() {
        return new ConfigDef()
                .define(FIELD_CONFIG, ConfigDef.Type.STRING, "processed_timestamp", Validators.fieldName(),
                        ConfigDef.Importance.HIGH,
                        "Output field for the processing time as ISO-8601 UTC text with a 'Z', millisecond "
                                + "precision (e.g. 2026-11-22T04:05:47.123Z; optional STRING in Struct schemas). "
                                + "An existing field of that name is overwritten.",
                        "Output", 1, ConfigDef.Width.MEDIUM, "Field");
    }

    public ProcessingTimeConfig(Map<?, ?> originals) {
        super(configDef(), originals, false);
    }

    String field() {
        return getString(FIELD_CONFIG).trim();
    }
}
