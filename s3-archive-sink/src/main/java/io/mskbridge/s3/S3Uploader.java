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
    private final S3ArchiveSinkTaskMetrics metrics;

    S3Uploader(S3Client s3, String bucket, Sse sse, String kmsKeyId, int partSize, Duration retryTimeout,
               S3ArchiveSinkTaskMetrics metrics) {
        this.s3 = s3;
        this.bucket = bucket;
        this.sse = sse;
        this.kmsKeyId = kmsKeyId;
        this.part = new byte[partSize];
        this.metrics = metrics;
        this.retry = Retry.builder(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5)))
                .deadline(retryTimeout)
                .retryIf(t -> {
                    boolean r = AwsErrors.isRetriable(t);
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
        return new S3Uploader(s3, config.bucket(), config.sse(), config.kmsKeyId().orElse(null),
                config.partSize(), config.uploadRetryTimeout(), metrics);
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
        PartStream out = new PartStream(key, contentType, metadata);
        try {
            content.writeTo(out);
            return out.finish();
        } catch (IOException | RuntimeException | Error e) {
            out.abort(e);
            throw e;
        }
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
        private int used;
        private long total;
        private String uploadId;
        private final List<CompletedPart> parts = new ArrayList<>();

        PartStream(String key, String contentType, Map<String, String> metadata) {
            this.key = key;
            this.contentType = contentType;
            this.metadata = metadata;
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
                        .key(key).contentType(contentType).metadata(metadata);
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
                        .contentType(contentType).contentLength((long) used).metadata(metadata);
                sse(b, b::serverSideEncryption, b::ssekmsKeyId);
                RequestBody body = body();
                retry.call("PutObject " + key, () -> s3.putObject(b.build(), body));
                total += used;
                used = 0;
                return total;
            }
            if (used > 0) {
                sendPart();
            }
            retry.call("CompleteMultipartUpload " + key, () -> s3.completeMultipartUpload(
                    CompleteMultipartUploadRequest.builder().bucket(bucket).key(key).uploadId(uploadId)
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
