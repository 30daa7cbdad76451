package io.mskbridge.common.config;

/**
 * An enum constant whose spelling in a connector configuration is not simply its lower-case name, e.g.
 * {@code wall-clock} for {@code WALL_CLOCK} or {@code aws:kms} for {@code KMS}. Enums without it are spelled
 * {@code name().toLowerCase()}.
 */
public interface ConfigChoice {

    /** The value as a user writes it in a configuration (matched case-insensitively). */
    String configValue();
}
