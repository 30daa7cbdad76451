package io.mskbridge.s3;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsClientFactory;
import io.mskbridge.aws.AwsConfig;
import io.mskbridge.aws.AwsErrors;
import io.mskbridge.aws.AwsSettings;
import io.mskbridge.common.SinkConsumerChecks;
import io.mskbridge.common.Version;
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
public class S3ArchiveSinkConnector extends SinkConnector {

    private static final Logger log = LoggerFactory.getLogger(S3ArchiveSinkConnector.class);

    static final String VERSION = Version.read(S3ArchiveSinkConnector.class, "s3-archive-sink-version.properties");
    static final Duration VALIDATE_TIMEOUT = Duration.ofSeconds(20);

    private Map<String, String> props;

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        S3ArchiveSinkConfig c = new S3ArchiveSinkConfig(props);
        this.props = new HashMap<>(props);
        log.info("S3 archive sink {} started: bucket {}, format {}, compression {}", props.get("name"), c.bucket(),
                c.format(), c.compression());
        String isolation = SinkConsumerChecks.isolationWarning(props.get("name"), props);
        if (isolation != null) {
            log.warn(isolation);
        }
    }

    @Override
    public Class<? extends Task> taskClass() {
        return S3ArchiveSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> t = new HashMap<>(props);
            t.put(S3ArchiveSinkTask.TASK_ID, Integer.toString(i));
            out.add(t);
        }
        return out;
    }

    @Override
    public void stop() {
        log.info("S3 archive sink {} stopped", props == null ? "" : props.get("name"));
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
        Map<String, ConfigValue> values = new HashMap<>();
        config.configValues().forEach(v -> values.put(v.name(), v));
        addCrossFieldErrors(values);
        boolean clean = config.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
        if (clean) {
            S3ArchiveSinkConfig parsed = new S3ArchiveSinkConfig(connectorConfigs);
            String err = probeBucket(parsed);
            if (err != null) {
                values.get(S3ArchiveSinkConfig.BUCKET).addErrorMessage(err);
            } else if (parsed.rotateScheduleInterval().toMillis() > 0) {
                String reads = probeBatchRecovery(parsed);
                if (reads != null) {
                    values.get(S3ArchiveSinkConfig.ROTATE_SCHEDULE_INTERVAL_MS).addErrorMessage(reads);
                }
            }
        }
        return config;
    }

    static void addCrossFieldErrors(Map<String, ConfigValue> values) {
        Object f = ok(values, S3ArchiveSinkConfig.FORMAT);
        Object c = ok(values, S3ArchiveSinkConfig.COMPRESSION);
        Object sse = ok(values, S3ArchiveSinkConfig.SSE);
        if (f != null && c != null && sse != null) {
            Format format = Format.parse((String) f);
            String err = S3ArchiveSinkConfig.compatibilityError(format, Compression.parse((String) c),
                    Sse.parse((String) sse), (String) values.get(S3ArchiveSinkConfig.SSE_KMS_KEY_ID).value());
            if (err != null) {
                String field = err.startsWith(S3ArchiveSinkConfig.SSE_KMS_KEY_ID) ? S3ArchiveSinkConfig.SSE_KMS_KEY_ID
                        : S3ArchiveSinkConfig.COMPRESSION;
                values.get(field).addErrorMessage(err);
            }
        }
        Object part = ok(values, S3ArchiveSinkConfig.PART_SIZE);
        Object buf = ok(values, S3ArchiveSinkConfig.BUFFER_MAX_BYTES);
        Object rowGroup = ok(values, S3ArchiveSinkConfig.PARQUET_ROW_GROUP_BYTES);
        if (f != null && part != null && buf != null && rowGroup != null) {
            String err = S3ArchiveSinkConfig.memoryError(Format.parse((String) f), (Integer) part,
                    (Integer) rowGroup, (Long) buf);
            if (err != null) {
                values.get(S3ArchiveSinkConfig.BUFFER_MAX_BYTES).addErrorMessage(err);
            }
        }
    }

    private static Object ok(Map<String, ConfigValue> values, String name) {
        ConfigValue v = values.get(name);
        return v == null || !v.errorMessages().isEmpty() ? null : v.value();
    }

    /** Null when the bucket is writable, else a message for s3.bucket. */
    static String probeBucket(S3ArchiveSinkConfig config) {
        return probe(config, s3 -> {
            try {
                String key = "_mskbridge-validate/" + java.util.UUID.randomUUID();
                String id = s3.createMultipartUpload(b -> b.bucket(config.bucket()).key(key)).uploadId();
                s3.abortMultipartUpload(b -> b.bucket(config.bucket()).key(key).uploadId(id));
                return null;
            } catch (RuntimeException e) {
                String code = AwsErrors.errorCode(e);
                if ("NoSuchBucket".equals(code)) {
                    return "Bucket '" + config.bucket() + "' does not exist (in " + AwsConfig.REGION + "/"
                            + AwsConfig.ENDPOINT_URL + " as configured)";
                }
                return "Cannot write to bucket '" + config.bucket() + "': " + AwsErrors.describe(e)
                        + ". Check " + AwsConfig.CREDENTIALS_PROVIDER + ", " + AwsConfig.REGION + ", "
                        + AwsConfig.ENDPOINT_URL + " and that the identity has s3:PutObject and "
                        + "s3:AbortMultipartUpload on the bucket";
            }
        });
    }

    /**
     * With wall-clock rotation a task reads back (HeadObject) the batch offsets of objects under the key
     * template after every partition assignment, and needs S3 to answer 404 for keys that do not exist: null when
     * it does, else a message for rotate.schedule.interval.ms. Without s3:ListBucket S3 answers 403 instead, and
     * tasks would fail on their first batch.
     */
    static String probeBatchRecovery(S3ArchiveSinkConfig config) {
        String template = config.getString(S3ArchiveSinkConfig.KEY_TEMPLATE);
        int brace = template.indexOf('{');
        String key = (brace < 0 ? template : template.substring(0, brace)) + "_mskbridge-validate-"
                + java.util.UUID.randomUUID();
        return probe(config, s3 -> {
            try {
                s3.headObject(b -> b.bucket(config.bucket()).key(key));
                return null; // a random key existing is odd, but reads work
            } catch (RuntimeException e) {
                if (S3Uploader.isMissing(e)) {
                    return null;
                }
                return S3ArchiveSinkConfig.ROTATE_SCHEDULE_INTERVAL_MS + " needs to read back archived objects' "
                        + "batch offsets after a restart, but HeadObject of s3://" + config.bucket() + "/" + key
                        + " failed: " + AwsErrors.describe(e) + ". Grant the connector's identity s3:GetObject on "
                        + "the objects and s3:ListBucket on the bucket (without it S3 answers 403 instead of 404 for "
                        + "missing keys), or set " + S3ArchiveSinkConfig.ROTATE_SCHEDULE_INTERVAL_MS + "=0";
            }
        });
    }

    /** Runs one S3 check with the connector's AWS settings and a timeout; returns its message or null. */
    private static String probe(S3ArchiveSinkConfig config, Function<S3Client, String> check) {
        String what = "Bucket '" + config.bucket() + "'";
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "s3-archive-sink-validate");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<String> f = ex.submit(() -> {
                AwsSettings settings = AwsSettings.from(config);
                try (AwsClientFactory clients = new AwsClientFactory(settings)) {
                    S3Client s3 = clients.s3(1, b -> {
                        if (settings.endpointOverride().isPresent()) {
                            b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
                        }
                    });
                    return check.apply(s3);
                }
            });
            return f.get(VALIDATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return what + " did not answer within " + VALIDATE_TIMEOUT.toSeconds() + " s; check " + AwsConfig.REGION
                    + ", " + AwsConfig.ENDPOINT_URL + " and network access (VPC endpoint or NAT) from the workers";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Validation interrupted";
        } catch (Exception e) {
            return "Cannot check " + what + ": " + e.getMessage();
        } finally {
            ex.shutdownNow();
        }
    }
}
