package io.mskbridge.s3;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;

import io.mskbridge.aws.AwsClientFactory;
import io.mskbridge.aws.AwsConfig;
import io.mskbridge.aws.AwsErrors;
import io.mskbridge.aws.AwsSettings;
import io.mskbridge.aws.ReachabilityProbe;
import io.mskbridge.aws.ReachabilityProbe.Problem;
import io.mskbridge.common.SinkConnectorBase;
import io.mskbridge.common.Version;
import io.mskbridge.common.config.ConfigErrors;
import io.mskbridge.s3.S3ArchiveSinkConfig.Compression;
import io.mskbridge.s3.S3ArchiveSinkConfig.Format;
import io.mskbridge.s3.S3ArchiveSinkConfig.Sse;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Archives Kafka records to S3 as batched, compressed JSON Lines, Avro or Parquet objects whose names and contents are
 * a pure function of the records (exactly-once after crashes), with a per-task memory bound. Replaces the seed
 * Lambda's one-object-per-record {@code archive_to_s3}. See {@link S3ArchiveSinkTask} for the design.
 */
public class S3ArchiveSinkConnector extends SinkConnectorBase {

    static final String VERSION = Version.read(S3ArchiveSinkConnector.class, "s3-archive-sink-version.properties");

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    protected String describe(Map<String, String> props) {
        S3ArchiveSinkConfig c = new S3ArchiveSinkConfig(props);
        return "bucket " + c.bucket() + ", format " + c.format() + ", compression " + c.compression();
    }

    @Override
    public Class<? extends Task> taskClass() {
        return S3ArchiveSinkTask.class;
    }

    @Override
    public ConfigDef config() {
        return S3ArchiveSinkConfig.configDef();
    }

    /**
     * Per-field validation, the AWS cross-field rules, format/compression/SSE/memory rules, then (only when all
     * that passed) a reachability probe of the bucket under a timeout: CreateMultipartUpload + Abort proves
     * the bucket exists and the identity may write to it (s3:PutObject) without leaving an object behind; with
     * wall-clock rotation, a HeadObject of a missing key under the template must answer 404 (batch recovery).
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        AwsConfig.validate(connectorConfigs, config);
        ConfigErrors errors = ConfigErrors.of(config);
        addCrossFieldErrors(errors);
        if (!errors.any()) {
            S3ArchiveSinkConfig parsed = new S3ArchiveSinkConfig(connectorConfigs);
            Optional<Problem> bucket = probeBucket(parsed);
            bucket.ifPresent(p -> errors.attach(p.field(), p.message()));
            if (bucket.isEmpty() && parsed.rotateScheduleInterval().toMillis() > 0) {
                probeBatchRecovery(parsed).ifPresent(p -> errors.attach(p.field(), p.message()));
            }
            if (bucket.isEmpty() && parsed.conditionalWrites() == ConditionalWrites.REQUIRED) {
                probeConditionalWrites(parsed).ifPresent(p -> errors.attach(p.field(), p.message()));
            }
        }
        return config;
    }

    static void addCrossFieldErrors(ConfigErrors errors) {
        Object f = errors.validValue(S3ArchiveSinkConfig.FORMAT);
        Object c = errors.validValue(S3ArchiveSinkConfig.COMPRESSION);
        Object sse = errors.validValue(S3ArchiveSinkConfig.SSE);
        if (f != null && c != null && sse != null) {
            Format format = Format.parse((String) f);
            String err = S3ArchiveSinkConfig.compatibilityError(format, Compression.parse((String) c),
                    Sse.parse((String) sse), (String) errors.validValue(S3ArchiveSinkConfig.SSE_KMS_KEY_ID));
            if (err != null) {
                String field = err.startsWith(S3ArchiveSinkConfig.SSE_KMS_KEY_ID) ? S3ArchiveSinkConfig.SSE_KMS_KEY_ID
                        : S3ArchiveSinkConfig.COMPRESSION;
                errors.attach(field, err);
            }
        }
        Object part = errors.validValue(S3ArchiveSinkConfig.PART_SIZE);
        Object buf = errors.validValue(S3ArchiveSinkConfig.BUFFER_MAX_BYTES);
        Object rowGroup = errors.validValue(S3ArchiveSinkConfig.PARQUET_ROW_GROUP_BYTES);
        if (f != null && part != null && buf != null && rowGroup != null) {
            String err = S3ArchiveSinkConfig.memoryError(Format.parse((String) f), (Integer) part,
                    (Integer) rowGroup, (Long) buf);
            if (err != null) {
                errors.attach(S3ArchiveSinkConfig.BUFFER_MAX_BYTES, err);
            }
        }
        Object keys = errors.validValue(S3ArchiveSinkConfig.STORE_KAFKA_KEYS);
        Object headers = errors.validValue(S3ArchiveSinkConfig.STORE_KAFKA_HEADERS);
        if (f != null && keys != null && headers != null) {
            String valueSchema = (String) errors.validValue(S3ArchiveSinkConfig.VALUE_SCHEMA);
            String err = S3ArchiveSinkConfig.archiveFormatError(Format.parse((String) f), valueSchema,
                    (Boolean) keys || (Boolean) headers);
            if (err != null) {
                errors.attach(err.startsWith(S3ArchiveSinkConfig.VALUE_SCHEMA) ? S3ArchiveSinkConfig.VALUE_SCHEMA
                        : S3ArchiveSinkConfig.STORE_KAFKA_KEYS, err);
            }
        }
        Object objectMax = errors.validValue(S3ArchiveSinkConfig.OBJECT_MAX_BYTES);
        if (part != null && objectMax != null) {
            String err = S3ArchiveSinkConfig.objectSizeError((Long) objectMax, (Integer) part);
            if (err != null) {
                errors.attach(S3ArchiveSinkConfig.OBJECT_MAX_BYTES, err);
            }
        }
    }

    /** Empty when the bucket is writable, else the problem and the field to fix. */
    static Optional<Problem> probeBucket(S3ArchiveSinkConfig config) {
        String bucket = config.bucket();
        ReachabilityProbe probe = probe(config).permissions("s3:PutObject and s3:AbortMultipartUpload on bucket '"
                + bucket + "'");
        return probe.run("CreateMultipartUpload on bucket '" + bucket + "'", S3ArchiveSinkConfig.BUCKET,
                () -> withClient(config, s3 -> {
                    String key = "_mskbridge-validate/" + java.util.UUID.randomUUID();
                    String id = s3.createMultipartUpload(b -> S3Uploader.sse(config.sse(),
                            config.kmsKeyId().orElse(null), b.bucket(bucket).key(key).tagging(config.objectTagging()),
                            b::serverSideEncryption, b::ssekmsKeyId)).uploadId();
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id));
                }),
                e -> "NoSuchBucket".equals(AwsErrors.errorCode(e)) ? new Problem(S3ArchiveSinkConfig.BUCKET,
                        "Bucket '" + bucket + "' does not exist at " + probe.where()) : null);
    }

    /**
     * With wall-clock rotation a task reads back (HeadObject) the batch offsets of objects under the key
     * template after every partition assignment, and needs S3 to answer 404 for keys that do not exist: empty when
     * it does, else a problem on rotate.schedule.interval.ms. Without s3:ListBucket S3 answers 403 instead, and
     * tasks would fail on their first batch.
     */
    static Optional<Problem> probeBatchRecovery(S3ArchiveSinkConfig config) {
        String template = config.getString(S3ArchiveSinkConfig.KEY_TEMPLATE);
        int brace = template.indexOf('{');
        String key = (brace < 0 ? template : template.substring(0, brace)) + "_mskbridge-validate-"
                + java.util.UUID.randomUUID();
        String field = S3ArchiveSinkConfig.ROTATE_SCHEDULE_INTERVAL_MS;
        return probe(config).run("HeadObject of s3://" + config.bucket() + "/" + key, field,
                () -> withClient(config, s3 -> {
                    try {
                        s3.headObject(b -> b.bucket(config.bucket()).key(key)); // a random key existing is odd, but reads work
                    } catch (RuntimeException e) {
                        if (!S3Uploader.isMissing(e)) {
                            throw e;
                        }
                    }
                }),
                // Whatever stops the read, the way out is the same: grant the reads or turn wall-clock rotation off.
                e -> new Problem(field, field + " needs to read back archived objects' batch offsets after a restart, "
                        + "but HeadObject of s3://" + config.bucket() + "/" + key + " failed: " + AwsErrors.describe(e)
                        + ". Grant the connector's identity s3:GetObject on the objects and s3:ListBucket on the bucket "
                        + "(without it S3 answers 403 instead of 404 for missing keys), or set " + field + "=0"));
    }

    /**
     * s3.conditional.writes=required: empty when the store refuses a second If-None-Match write of a probe key
     * with 412, else a problem on s3.conditional.writes naming the fallback.
     */
    static Optional<Problem> probeConditionalWrites(S3ArchiveSinkConfig config) {
        String field = S3ArchiveSinkConfig.CONDITIONAL_WRITES;
        String key = S3Uploader.probeKey();
        String where = "s3://" + config.bucket() + "/" + key;
        boolean[] honoured = new boolean[1];
        Optional<Problem> failed = probe(config).permissions("s3:PutObject on bucket '" + config.bucket() + "'")
                .run("a conditional PutObject of " + where, field, () -> withClient(config, s3 -> honoured[0] =
                        S3Uploader.honoursIfNoneMatch(s3, config.bucket(), key, b -> S3Uploader.sse(config.sse(),
                                config.kmsKeyId().orElse(null), b.tagging(config.objectTagging()),
                                b::serverSideEncryption, b::ssekmsKeyId))), null);
        if (failed.isPresent() || honoured[0]) {
            return failed;
        }
        return Optional.of(new Problem(field, "The S3 store at " + probe(config).where() + " does not honour "
                + "conditional writes: a second PutObject of " + where + " with If-None-Match: * was not refused "
                + "with 412. Without them a zombie task can interleave its objects with its successor's. Set " + field
                + "=disabled to write unconditionally (see the README, Exactly-once objects), or use a store that "
                + "supports them (Amazon S3 does)."));
    }

    private static ReachabilityProbe probe(S3ArchiveSinkConfig config) {
        return ReachabilityProbe.of("S3", AwsSettings.from(config), config.validateTimeout());
    }

    /** Runs {@code check} with an S3 client built from the connector's AWS settings. */
    private static void withClient(S3ArchiveSinkConfig config, Consumer<S3Client> check) {
        AwsSettings settings = AwsSettings.from(config);
        try (AwsClientFactory clients = new AwsClientFactory(settings)) {
            S3Client s3 = clients.s3(1, b -> {
                if (settings.endpointOverride().isPresent()) {
                    b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
                }
            });
            check.accept(s3);
        }
    }
}
