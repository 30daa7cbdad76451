package io.mskbridge.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsClientFactory;
import io.mskbridge.aws.AwsErrors;
import io.mskbridge.aws.AwsSettings;
import io.mskbridge.common.Backoff;
import io.mskbridge.aws.Retry;
import io.mskbridge.s3.S3ArchiveSinkConfig.Sse;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * Uploads one object from a stream of its bytes with a single reusable part buffer: objects that fit in one
 * part go up as one PutObject, larger ones as a multipart upload whose parts are sent as the buffer fills.
 * Every call is retried with jittered backoff (counted in the metrics); a multipart upload that fails is
 * aborted so no incomplete upload (and its storage cost) is left behind.
 */
final class S3Uploader {

    private static final Logger log = LoggerFactory.getLogger(S3Uploader.class);

    private final S3Client s3;
    private final String bucket;
    private final Sse sse;
    private final String kmsKeyId;
    private final byte[] part;
    private final Retry retry;
    /** For PutObject: also retries 409 ConditionalRequestConflict, as S3 asks for that call. */
    private final Retry putRetry;
    private final S3ArchiveSinkTaskMetrics metrics;
    /** The x-amz-tagging value of every object, or null. */
    private final String tagging;
    /** Whether writes carry If-None-Match: * (see {@link ConditionalWrites}); only changed before the first write. */
    private volatile boolean conditional;
    private final ConditionalWrites mode;

    S3Uploader(S3Client s3, String bucket, Sse sse, String kmsKeyId, int partSize, Duration retryTimeout,
               S3ArchiveSinkTaskMetrics metrics, String tagging, ConditionalWrites mode) {
        this.s3 = s3;
        this.bucket = bucket;
        this.sse = sse;
        this.kmsKeyId = kmsKeyId;
        this.part = new byte[partSize];
        this.metrics = metrics;
        this.tagging = tagging;
        this.mode = mode;
        this.conditional = mode != ConditionalWrites.DISABLED;
        // A 501 is a 5xx, but to a conditional write it means "not implemented", which no retry changes.
        this.retry = retry(retryTimeout, t -> AwsErrors.isRetriable(t) && !isConditionUnsupported(t));
        this.putRetry = retry(retryTimeout, t -> AwsErrors.isRetriable(t) && !isConditionUnsupported(t)
                || isConditionalConflict(t));
    }

    private Retry retry(Duration timeout, java.util.function.Predicate<Throwable> retriable) {
        return Retry.builder(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5)))
                .deadline(timeout)
                .retryIf(t -> {
                    boolean r = retriable.test(t);
                    if (r) {
                        metrics.uploadRetry();
                    }
                    return r;
                })
                .build();
    }

    /** The uploader of a sink task with this configuration, on an S3 client that {@code clients} owns. */
    static S3Uploader create(S3ArchiveSinkConfig config, AwsClientFactory clients, S3ArchiveSinkTaskMetrics metrics) {
        boolean emulator = AwsSettings.from(config).endpointOverride().isPresent();
        S3Client s3 = clients.s3(4, b -> {
            if (emulator) {
                // Emulators (S3Proxy) reject aws-chunked bodies with trailing checksums.
                b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            }
        });
        S3Uploader u = new S3Uploader(s3, config.bucket(), config.sse(), config.kmsKeyId().orElse(null),
                config.partSize(), config.uploadRetryTimeout(), metrics, config.objectTagging(),
                config.conditionalWrites());
        if (u.mode == ConditionalWrites.AUTO) {
            u.probeConditionalWrites();
        }
        return u;
    }

    /** s3.conditional.writes=auto: a probe decides whether writes are conditional. */
    private void probeConditionalWrites() {
        String key = probeKey();
        try {
            conditional = honoursIfNoneMatch(s3, bucket, key, this::common);
        } catch (RuntimeException e) {
            // Stays conditional: a store that rejects the header (501) turns it off at the first write.
            log.warn("Could not probe s3://{} for conditional writes ({}); writing with If-None-Match", bucket,
                    AwsErrors.describe(e));
            return;
        }
        if (conditional) {
            log.info("s3://{} honours If-None-Match: objects are written with conditional writes", bucket);
        } else {
            log.warn("s3://{} does not honour If-None-Match (a second conditional write of {} was accepted): {}=auto "
                    + "falls back to unconditional writes, which do not hold exactly-once against a zombie task",
                    bucket, key, S3ArchiveSinkConfig.CONDITIONAL_WRITES);
        }
    }

    boolean conditional() {
        return conditional;
    }

    /** A fresh key for a conditional-write probe; "_" keeps it out of Hive/Athena table scans. */
    static String probeKey() {
        return "_mskbridge-validate/conditional-writes-" + java.util.UUID.randomUUID();
    }

    /**
     * Whether the store refuses a second {@code If-None-Match: *} PutObject of one key with 412, as S3 does
     * (from AWS docs, "Conditional writes"). Writes an empty probe object twice and deletes it; without
     * s3:DeleteObject the empty object stays. A 501 (the header not implemented) counts as no.
     *
     * @param common the headers every write of the connector carries (SSE, tags), so bucket policies see them
     */
    static boolean honoursIfNoneMatch(S3Client s3, String bucket, String key,
                                      Consumer<PutObjectRequest.Builder> common) {
        try {
            for (int attempt = 0; attempt < 2; attempt++) {
                PutObjectRequest.Builder b = PutObjectRequest.builder().bucket(bucket).key(key).ifNoneMatch("*");
                common.accept(b);
                try {
                    s3.putObject(b.build(), RequestBody.empty());
                } catch (S3Exception e) {
                    if (isPreconditionFailed(e)) {
                        return true;
                    }
                    if (isConditionUnsupported(e)) {
                        return false;
                    }
                    throw e;
                }
            }
            return false;
        } finally {
            try {
                s3.deleteObject(d -> d.bucket(bucket).key(key));
            } catch (RuntimeException e) {
                log.warn("Could not delete the probe object s3://{}/{} ({}); it is empty and can be deleted", bucket,
                        key, AwsErrors.describe(e));
            }
        }
    }

    /** 412 PreconditionFailed: a conditional write found the key taken. */
    static boolean isPreconditionFailed(Throwable e) {
        return e instanceof S3Exception && ((S3Exception) e).statusCode() == 412;
    }

    /** 409 ConditionalRequestConflict: a conditional write raced another operation on the key; S3 asks to retry. */
    static boolean isConditionalConflict(Throwable e) {
        return e instanceof S3Exception && ((S3Exception) e).statusCode() == 409
                && "ConditionalRequestConflict".equals(AwsErrors.errorCode(e));
    }

    /** 501 NotImplemented: the store does not implement conditional writes. */
    static boolean isConditionUnsupported(Throwable e) {
        return e instanceof S3Exception && ((S3Exception) e).statusCode() == 501;
    }

    /** Thrown by {@link #upload} when a conditional write finds the key taken (412): the object there stays. */
    static final class ObjectExistsException extends RuntimeException {
        ObjectExistsException(String key, S3Exception cause) {
            super("s3 key " + key + " exists: " + AwsErrors.describe(cause), cause);
        }
    }

    /** The bytes of a small object, or {@code null} when there is none (404), retried like uploads. */
    byte[] read(String key) {
        try {
            return retry.call("GetObject " + key, () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)))
                    .asByteArray();
        } catch (RuntimeException e) {
            if (isMissing(e) || "NoSuchKey".equals(AwsErrors.errorCode(e))) {
                return null;
            }
            throw e;
        }
    }

    /** Writes a small object unconditionally, with the configured SSE headers and tags, retried like uploads. */
    void write(String key, String contentType, byte[] content) {
        retry.call("PutObject " + key, () -> s3.putObject(b -> {
            b.bucket(bucket).key(key).contentType(contentType);
            common(b);
        }, RequestBody.fromBytes(content)));
    }

    /** Writer callback that produces the object's bytes into the given stream. */
    @FunctionalInterface
    interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * The user metadata of an existing object, or {@code null} when there is none (404), retried like uploads.
     * S3 answers a HEAD of a missing key with 404 only to callers allowed {@code s3:ListBucket}; without it the
     * answer is 403 and surfaces as the SDK's failure.
     */
    Map<String, String> metadataOf(String key) {
        try {
            return retry.call("HeadObject " + key, () -> s3.headObject(b -> b.bucket(bucket).key(key))).metadata();
        } catch (RuntimeException e) {
            if (isMissing(e)) {
                return null;
            }
            throw e;
        }
    }

    /** Whether a HeadObject failure means "no such key" (HEAD has no body, so only the status says it). */
    static boolean isMissing(RuntimeException e) {
        return e instanceof S3Exception && ((S3Exception) e).statusCode() == 404;
    }

    /** Uploads one object; returns its size in bytes. Throws the (classified) SDK failure when retries run out. */
    long upload(String key, String contentType, Map<String, String> metadata, ContentWriter content)
            throws IOException {
        return upload(key, contentType, metadata, content, conditional);
    }

    /**
     * Uploads one object, with {@code If-None-Match: *} when {@code ifNoneMatch}; returns its size in bytes.
     *
     * @throws ObjectExistsException a conditional write found the key taken (412); nothing was written
     */
    long upload(String key, String contentType, Map<String, String> metadata, ContentWriter content,
                boolean ifNoneMatch) throws IOException {
        PartStream out = new PartStream(key, contentType, metadata, ifNoneMatch);
        try {
            content.writeTo(out);
            return out.finish();
        } catch (IOException | RuntimeException | Error e) {
            out.abort(e);
            if (isPreconditionFailed(e)) {
                throw new ObjectExistsException(key, (S3Exception) e);
            }
            if (ifNoneMatch && isConditionUnsupported(e)) {
                return unsupported(key, contentType, metadata, content, (S3Exception) e);
            }
            throw e;
        }
    }

    /** A store that answers If-None-Match with 501: auto falls back to unconditional writes, required fails. */
    private long unsupported(String key, String contentType, Map<String, String> metadata, ContentWriter content,
                             S3Exception e) throws IOException {
        if (mode != ConditionalWrites.AUTO) {
            throw new org.apache.kafka.connect.errors.ConnectException("s3://" + bucket + " does not implement "
                    + "conditional writes (If-None-Match): " + AwsErrors.describe(e) + ". Set "
                    + S3ArchiveSinkConfig.CONDITIONAL_WRITES + "=disabled (or auto) to write without them; see the "
                    + "README, Exactly-once objects, for what that gives up", e);
        }
        conditional = false;
        log.warn("s3://{} does not implement If-None-Match ({}): {}=auto falls back to unconditional writes", bucket,
                AwsErrors.describe(e), S3ArchiveSinkConfig.CONDITIONAL_WRITES);
        return upload(key, contentType, metadata, content, false);
    }

    /** The headers every write carries: SSE and tags. */
    private void common(PutObjectRequest.Builder b) {
        sse(b, b::serverSideEncryption, b::ssekmsKeyId);
        b.tagging(tagging);
    }

    private <B> B sse(B builder, Consumer<ServerSideEncryption> setSse, Consumer<String> setKey) {
        return sse(sse, kmsKeyId, builder, setSse, setKey);
    }

    /**
     * Sets the SSE headers of {@code sse} on a request builder: every write (and validate()'s probe) sends
     * them, so a bucket policy that denies writes without them does not deny ours.
     */
    static <B> B sse(Sse sse, String kmsKeyId, B builder, Consumer<ServerSideEncryption> setSse,
                     Consumer<String> setKey) {
        if (sse == Sse.AES256) {
            setSse.accept(ServerSideEncryption.AES256);
        } else if (sse == Sse.KMS) {
            setSse.accept(ServerSideEncryption.AWS_KMS);
            if (kmsKeyId != null) {
                setKey.accept(kmsKeyId);
            }
        }
        return builder;
    }

    private final class PartStream extends OutputStream {
        private final String key;
        private final String contentType;
        private final Map<String, String> metadata;
        private final boolean ifNoneMatch;
        private int used;
        private long total;
        private String uploadId;
        private final List<CompletedPart> parts = new ArrayList<>();

        PartStream(String key, String contentType, Map<String, String> metadata, boolean ifNoneMatch) {
            this.key = key;
            this.contentType = contentType;
            this.metadata = metadata;
            this.ifNoneMatch = ifNoneMatch;
        }

        @Override
        public void write(int b) throws IOException {
            if (used == part.length) {
                sendPart();
            }
            part[used++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (used == part.length) {
                    sendPart();
                }
                int n = Math.min(len, part.length - used);
                System.arraycopy(b, off, part, used, n);
                used += n;
                off += n;
                len -= n;
            }
        }

        private RequestBody body() {
            // The part buffer is reused: the SDK reads it from the stream provider on each (re)try.
            int len = used;
            return RequestBody.fromContentProvider(() -> new java.io.ByteArrayInputStream(part, 0, len), len,
                    contentType);
        }

        private void sendPart() {
            if (uploadId == null) {
                CreateMultipartUploadRequest.Builder b = CreateMultipartUploadRequest.builder().bucket(bucket)
                        .key(key).contentType(contentType).metadata(metadata).tagging(tagging);
                sse(b, b::serverSideEncryption, b::ssekmsKeyId);
                uploadId = retry.call("CreateMultipartUpload " + key, () -> s3.createMultipartUpload(b.build()))
                        .uploadId();
            }
            int number = parts.size() + 1;
            UploadPartRequest req = UploadPartRequest.builder().bucket(bucket).key(key).uploadId(uploadId)
                    .partNumber(number).contentLength((long) used).build();
            RequestBody body = body();
            String etag = retry.call("UploadPart " + number + " of " + key, () -> s3.uploadPart(req, body)).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            total += used;
            used = 0;
        }

        long finish() {
            if (uploadId == null) {
                PutObjectRequest.Builder b = PutObjectRequest.builder().bucket(bucket).key(key)
                        .contentType(contentType).contentLength((long) used).metadata(metadata)
                        .ifNoneMatch(ifNoneMatch ? "*" : null);
                common(b);
                RequestBody body = body();
                putRetry.call("PutObject " + key, () -> s3.putObject(b.build(), body));
                total += used;
                used = 0;
                return total;
            }
            if (used > 0) {
                sendPart();
            }
            retry.call("CompleteMultipartUpload " + key, () -> s3.completeMultipartUpload(
                    CompleteMultipartUploadRequest.builder().bucket(bucket).key(key).uploadId(uploadId)
                            .ifNoneMatch(ifNoneMatch ? "*" : null)
                            // A 409 here is not retried: S3 asks for a new multipart upload (the writer's retry)
                            .multipartUpload(m -> m.parts(parts)).build()));
            uploadId = null;
            return total;
        }

        void abort(Throwable cause) {
            used = 0;
            if (uploadId == null) {
                return;
            }
            String id = uploadId;
            uploadId = null;
            try {
                retry.call("AbortMultipartUpload " + key, () -> s3.abortMultipartUpload(AbortMultipartUploadRequest
                        .builder().bucket(bucket).key(key).uploadId(id).build()));
            } catch (RuntimeException e) {
                // The bucket's AbortIncompleteMultipartUpload lifecycle rule is the backstop (see README).
                log.warn("Could not abort multipart upload {} of s3://{}/{} after {}: {}", id, bucket, key,
                        AwsErrors.describe(cause), AwsErrors.describe(e));
                cause.addSuppressed(e);
            }
        }
    }

}
