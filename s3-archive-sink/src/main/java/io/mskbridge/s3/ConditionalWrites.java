package io.mskbridge.s3;

/**
 * {@code s3.conditional.writes}: whether objects are written with {@code If-None-Match: *}, so that the first
 * object of a batch claims the batch and a second owner of the partition adopts the claim instead of overwriting
 * it (see {@link TopicPartitionWriter}).
 */
public enum ConditionalWrites {
    /** Always conditional; validate() fails where the store does not answer a second write of a key with 412. */
    REQUIRED,
    /** Conditional when a probe at task start sees the store honour it, else unconditional with a WARN. */
    AUTO,
    /** Never conditional: rewrites overwrite (identical bytes after a crash; a zombie can still interleave). */
    DISABLED
}
