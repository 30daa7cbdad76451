package io.mskbridge.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.mskbridge.aws.ReachabilityProbe.Problem;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

class ReachabilityProbeTest {

    private static AwsSettings settings(Map<String, String> extra) {
        Map<String, String> p = new HashMap<>();
        p.put(AwsConfig.REGION, "eu-west-1");
        p.putAll(extra);
        return AwsSettings.from(p);
    }

    private static ReachabilityProbe probe(Map<String, String> extra) {
        return ReachabilityProbe.of("DynamoDB", settings(extra), Duration.ofMillis(300), 700)
                .permissions("dynamodb:DescribeTable on the table").offlineHint("set x.check=false");
    }

    private static AwsServiceException service(String code, int status) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("msg").build()).build();
    }

    private static Problem fail(ReachabilityProbe p, Exception e) {
        return p.run("DescribeTable(t)", "table", () -> {
            throw e;
        }, null).orElseThrow();
    }

    @Test
    void aPassingCheckHasNoProblem() {
        assertThat(probe(Map.of()).run("DescribeTable(t)", "table", () -> { }, null)).isEmpty();
    }

    @Test
    void noAnswerInTimeGoesToTheRegionOrTheEndpoint() {
        Problem p = probe(Map.of()).run("DescribeTable(t)", "table", () -> Thread.sleep(30_000), null).orElseThrow();
        assertThat(p.field()).isEqualTo(AwsConfig.REGION);
        assertThat(p.message()).contains("did not answer DescribeTable(t) within 1000 ms", "region eu-west-1",
                "set x.check=false to validate offline");

        Problem q = probe(Map.of(AwsConfig.ENDPOINT_URL, "http://127.0.0.1:1")).run("DescribeTable(t)", "table",
                () -> Thread.sleep(30_000), null).orElseThrow();
        assertThat(q.field()).isEqualTo(AwsConfig.ENDPOINT_URL);
        assertThat(q.message()).contains("endpoint http://127.0.0.1:1");
    }

    @Test
    void rejectedCredentialsGoToTheKeysWithStaticKeysElseToTheProvider() {
        Problem p = fail(probe(Map.of()), service("UnrecognizedClientException", 400));
        assertThat(p.field()).isEqualTo(AwsConfig.CREDENTIALS_PROVIDER);
        assertThat(p.message()).contains("rejected the credentials", "UnrecognizedClientException");

        Problem s = fail(probe(Map.of(AwsConfig.CREDENTIALS_PROVIDER, "static", AwsConfig.ACCESS_KEY_ID, "AKIA",
                AwsConfig.SECRET_ACCESS_KEY, "s")), service("InvalidSignatureException", 400));
        assertThat(s.field()).isEqualTo(AwsConfig.ACCESS_KEY_ID);
    }

    @Test
    void aMissingPermissionNamesWhatToGrant() {
        Problem p = fail(probe(Map.of()), service("AccessDeniedException", 400));
        assertThat(p.field()).isEqualTo(AwsConfig.CREDENTIALS_PROVIDER);
        assertThat(p.message()).contains("may not call DescribeTable(t)", "Grant it dynamodb:DescribeTable on the table");
    }

    @Test
    void networkFailuresAndServerErrorsGoToTheNetworkField() {
        Problem io = fail(probe(Map.of()), SdkClientException.create("connect", new IOException("refused")));
        assertThat(io.field()).isEqualTo(AwsConfig.REGION);
        assertThat(io.message()).contains("could not be reached");
        assertThat(fail(probe(Map.of()), service("InternalServerError", 500)).field()).isEqualTo(AwsConfig.REGION);
    }

    @Test
    void missingCredentialsGoToTheProvider() {
        Problem p = fail(probe(Map.of()), SdkClientException.create("Unable to load credentials from any provider"));
        assertThat(p.field()).isEqualTo(AwsConfig.CREDENTIALS_PROVIDER);
        assertThat(p.message()).startsWith("No usable AWS credentials for DynamoDB");
    }

    @Test
    void theCallersMapperComesFirstAndTheRestGoesToTheResourceField() {
        ReachabilityProbe p = probe(Map.of());
        Optional<Problem> known = p.run("DescribeTable(t)", "table", () -> {
            throw service("ResourceNotFoundException", 400);
        }, e -> "ResourceNotFoundException".equals(AwsErrors.errorCode(e)) ? new Problem("table", "no such table") : null);
        assertThat(known).contains(new Problem("table", "no such table"));

        Problem other = fail(p, service("ValidationException", 400));
        assertThat(other.field()).isEqualTo("table");
        assertThat(other.message()).contains("DescribeTable(t) at region eu-west-1 failed", "ValidationException");
    }
}
