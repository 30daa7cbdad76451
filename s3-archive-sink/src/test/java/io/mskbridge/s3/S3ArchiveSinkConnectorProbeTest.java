package io.mskbridge.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mskbridge.harness.FaultProxy;
import io.mskbridge.harness.S3ProxyServer;

/** The connector's S3 probes against an in-process S3Proxy (with SigV4 auth, so a wrong secret is a 403). */
class S3ArchiveSinkConnectorProbeTest {

    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();

    private static Map<String, String> props(String bucket) {
        S3.client().createBucket(b -> b.bucket(bucket));
        Map<String, String> p = TaskDriver.props(S3.endpoint(), bucket);
        p.put("rotate.schedule.interval.ms", "5000");
        p.put("s3.key.template", "processed/{kafka.topic}+{kafka.partition}+{kafka.start_offset}");
        return p;
    }

    @Test
    void batchRecoveryReadsPassWhenMissingKeysAnswer404() {
        Map<String, String> p = props("probe-ok");
        assertThat(S3ArchiveSinkConnector.probeBucket(new S3ArchiveSinkConfig(p))).isEmpty();
        assertThat(S3ArchiveSinkConnector.probeBatchRecovery(new S3ArchiveSinkConfig(p))).isEmpty();
        assertThat(S3.client().listObjectsV2(b -> b.bucket("probe-ok")).contents()).as("probes leave nothing").isEmpty();
    }

    @Test
    void aHeadThatIsDeniedNamesTheKeyTheGrantsAndTheWayOut() {
        Map<String, String> p = props("probe-denied");
        p.put("aws.secret.access.key", "not-the-secret");
        var problem = S3ArchiveSinkConnector.probeBatchRecovery(new S3ArchiveSinkConfig(p)).orElseThrow();
        assertThat(problem.field()).isEqualTo("rotate.schedule.interval.ms");
        String err = problem.message();
        assertThat(err).contains("rotate.schedule.interval.ms", "s3://probe-denied/processed/_mskbridge-validate-",
                "403", "s3:GetObject", "s3:ListBucket", "rotate.schedule.interval.ms=0");
    }

    @Test
    void theConditionalWriteProbePassesOnAStoreThatRefusesTheSecondWriteAndLeavesNothing() {
        Map<String, String> p = props("probe-conditional");
        p.put("s3.object.tagging", "team=data eng");
        S3ArchiveSinkConfig config = new S3ArchiveSinkConfig(p);
        assertThat(S3ArchiveSinkConnector.probeBucket(config)).as("bucket probe with tags").isEmpty();
        assertThat(S3ArchiveSinkConnector.probeConditionalWrites(config)).isEmpty();
        assertThat(S3.client().listObjectsV2(b -> b.bucket("probe-conditional")).contents()).isEmpty();
    }

    @Test
    void aStoreWithoutConditionalWritesFailsValidationOnTheOptionNamingTheFallback() {
        try (FaultProxy store = new FaultProxy(S3.endpoint(), FaultProxy.Service.S3)) {
            store.conditionalNotImplemented(true).start();
            Map<String, String> p = props("probe-unconditional");
            p.put("aws.endpoint.url", store.endpoint().toString());
            var problem = S3ArchiveSinkConnector.probeConditionalWrites(new S3ArchiveSinkConfig(p)).orElseThrow();
            assertThat(problem.field()).isEqualTo("s3.conditional.writes");
            assertThat(problem.message()).contains("does not honour conditional writes", "If-None-Match",
                    "s3.conditional.writes=disabled", "s3://probe-unconditional/_mskbridge-validate/conditional-writes-");
            assertThat(S3.client().listObjectsV2(b -> b.bucket("probe-unconditional")).contents()).isEmpty();
        }
    }

    @Test
    void theBucketProbeSendsTheConfiguredSseHeaders() {
        // A bucket policy denying writes without SSE-KMS, played by the fault proxy: it fails every
        // CreateMultipartUpload that lacks the header (S3Proxy itself enforces no bucket policy).
        try (FaultProxy policy = new FaultProxy(S3.endpoint(), FaultProxy.Service.S3)) {
            policy.onlyFor(r -> r.path().contains("uploads") && r.method().equals("POST")
                    && !"aws:kms".equals(r.header("x-amz-server-side-encryption"))).serverErrorRate(1.0);
            policy.start();
            Map<String, String> p = props("probe-sse");
            p.put("aws.endpoint.url", policy.endpoint().toString());
            p.put("s3.validate.timeout.ms", "5000");
            assertThat(S3ArchiveSinkConnector.probeBucket(new S3ArchiveSinkConfig(p))).as("without SSE").isPresent();
            p.put("s3.sse", "aws:kms");
            p.put("s3.sse.kms.key.id", "alias/archive");
            assertThat(S3ArchiveSinkConnector.probeBucket(new S3ArchiveSinkConfig(p))).as("with SSE-KMS").isEmpty();
        }
    }
}
