package io.mskbridge.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mskbridge.aws.AwsErrors.Kind;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class AwsErrorsTest {

    private static AwsServiceException service(int status, String code) {
        return AwsServiceException.builder().statusCode(status).requestId("rid-1").message("msg")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("details of " + code)
                        .build())
                .build();
    }

    @ParameterizedTest
    @CsvSource({
        "400, ProvisionedThroughputExceededException, THROTTLING",
        "400, ThrottlingException, THROTTLING",
        "400, Throttling, THROTTLING",
        "503, SlowDown, THROTTLING",
        "400, RequestLimitExceeded, THROTTLING",
        "400, LimitExceededException, THROTTLING",
        "400, KMSThrottlingException, THROTTLING",
        "429, Whatever, THROTTLING",
        "500, InternalFailure, TRANSIENT",
        "502, BadGateway, TRANSIENT",
        "503, ServiceUnavailable, TRANSIENT",
        "400, RequestTimeout, TRANSIENT",
        "400, TransactionConflictException, TRANSIENT",
        "408, Other, TRANSIENT",
        "403, AccessDenied, FATAL",
        "400, AccessDeniedException, FATAL",
        "400, UnrecognizedClientException, FATAL",
        "400, ResourceNotFoundException, FATAL",
        "404, NoSuchBucket, FATAL",
        "400, ValidationException, FATAL",
    })
    void classifiesServiceErrorsByCodeAndStatus(int status, String code, Kind expected) {
        assertThat(AwsErrors.classify(service(status, code))).isEqualTo(expected);
        assertThat(AwsErrors.isRetriable(service(status, code))).isEqualTo(expected != Kind.FATAL);
    }

    @Test
    void realServiceExceptionTypes() {
        assertThat(AwsErrors.classify(ProvisionedThroughputExceededException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build())
                .build())).isEqualTo(Kind.THROTTLING);
        assertThat(AwsErrors.classify(LimitExceededException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("LimitExceededException").build())
                .build())).isEqualTo(Kind.THROTTLING);
        assertThat(AwsErrors.classify(ResourceNotFoundException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException").build())
                .build())).isEqualTo(Kind.FATAL);
        assertThat(AwsErrors.classify(S3Exception.builder().statusCode(503)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("SlowDown").build()).build()))
                .isEqualTo(Kind.THROTTLING);
    }

    @Test
    void clientSideFailures() {
        assertThat(AwsErrors.classify(SdkClientException.create("Unable to execute HTTP request: Connection reset",
                new IOException("Connection reset")))).isEqualTo(Kind.TRANSIENT);
        assertThat(AwsErrors.classify(SdkClientException.create("x", new SocketTimeoutException("Read timed out"))))
                .isEqualTo(Kind.TRANSIENT);
        assertThat(AwsErrors.classify(ApiCallTimeoutException.create(1000))).isEqualTo(Kind.TRANSIENT);
        assertThat(AwsErrors.classify(ApiCallAttemptTimeoutException.create(1000))).isEqualTo(Kind.TRANSIENT);
        assertThat(AwsErrors.classify(SdkClientException.create("Unable to load credentials from any of the providers")))
                .isEqualTo(Kind.FATAL);
        // STS throttled while refreshing assumed-role credentials.
        assertThat(AwsErrors.classify(SdkClientException.create("Unable to refresh", service(400, "Throttling"))))
                .isEqualTo(Kind.THROTTLING);
        assertThat(AwsErrors.classify(new IllegalArgumentException())).isEqualTo(Kind.FATAL);
        assertThat(AwsErrors.classify(new IOException())).isEqualTo(Kind.TRANSIENT);
    }

    @Test
    void looksThroughAsyncWrappers() {
        CompletionException wrapped = new CompletionException(service(400, "ThrottlingException"));
        assertThat(AwsErrors.isThrottling(wrapped)).isTrue();
        assertThat(AwsErrors.errorCode(wrapped)).isEqualTo("ThrottlingException");
        assertThat(AwsErrors.unwrap(wrapped)).isInstanceOf(AwsServiceException.class);
    }

    @Test
    void describeGivesCodeStatusRequestIdAndMessage() {
        assertThat(AwsErrors.describe(service(403, "AccessDenied")))
                .isEqualTo("AccessDenied (HTTP 403, request id rid-1): details of AccessDenied");
        assertThat(AwsErrors.describe(new IOException("reset"))).isEqualTo("IOException: reset");
        assertThat(AwsErrors.errorCode(new IOException())).isNull();
    }
}
