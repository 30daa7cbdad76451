package io.mskbridge.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.connect.errors.RetriableException;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Classifies failures of AWS SDK calls into what a connector should do with them (docs/ARCHITECTURE.md, Errors):
 * {@link Kind#THROTTLING} and {@link Kind#TRANSIENT} → back off and retry (eventually
 * {@code RetriableException}); {@link Kind#FATAL} → the request can never succeed as is (access denied,
 * missing resource, validation), so fail with a message the user can act on or send the record to the DLQ.
 *
 * <p>Async clients wrap failures in {@code CompletionException}; the classifier looks through such
 * wrappers and through the causes of SDK client exceptions (e.g. an STS throttle while refreshing
 * assumed-role credentials surfaces as a client exception caused by a service exception).
 */
public final class AwsErrors {

    /** What to do about a failure. */
    public enum Kind {
        /** The service asked us to slow down. */
        THROTTLING,
        /** A fault that may go away: 5xx, timeouts, connection resets. */
        TRANSIENT,
        /** Retrying the same request will not help. */
        FATAL
    }

    // Error codes across Kinesis, DynamoDB, S3, STS and KMS (encrypted streams) that mean "slow down".
    private static final Set<String> THROTTLING_CODES = Set.of(
            "ProvisionedThroughputExceededException", "ThrottlingException", "Throttling", "ThrottledException",
            "RequestThrottledException", "RequestThrottled", "TooManyRequestsException", "RequestLimitExceeded",
            "LimitExceededException", "SlowDown", "BandwidthLimitExceeded", "KMSThrottlingException",
            "PriorRequestNotComplete", "EC2ThrottledException", "TransactionInProgressException");

    private static final Set<String> TRANSIENT_CODES = Set.of(
            "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "InternalServerError",
            "InternalServerErrorException", "ServiceUnavailable", "ServiceUnavailableException",
            "ServiceUnavailableError", "KMSInternalException", "IDPCommunicationError", "TransactionConflictException",
            // The SDK corrects its clock offset from the response, so the next attempt usually passes.
            "RequestTimeTooSkewed");

    /**
     * Error codes (across the services the pack calls and STS) that mean the request's identity was not accepted
     * or may not do what it asked: the user fixes the credentials or the identity's permissions, not the resource.
     */
    public static final Set<String> AUTH_ERROR_CODES = Set.of(
            "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignature",
            "MissingAuthenticationToken", "MissingAuthenticationTokenException", "ExpiredToken", "ExpiredTokenException",
            "InvalidClientTokenId", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AuthFailure",
            "AccessDenied", "AccessDeniedException");

    private AwsErrors() {
    }

    /** Classifies a failure (any throwable; non-AWS ones are classified by type). */
    public static Kind classify(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof AwsServiceException) {
            return classifyService((AwsServiceException) e);
        }
        if (e instanceof SdkServiceException) {
            SdkServiceException s = (SdkServiceException) e;
            if (s.isThrottlingException()) {
                return Kind.THROTTLING;
            }
            return s.statusCode() >= 500 || s.statusCode() == 408 || s.isRetryableException()
                    ? Kind.TRANSIENT : Kind.FATAL;
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return Kind.TRANSIENT;
        }
        if (e instanceof SdkClientException) {
            // A service error behind a client error (credentials refresh via STS) decides.
            for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                if (c instanceof SdkServiceException) {
                    return classify(c);
                }
                if (c instanceof IOException || c instanceof TimeoutException) {
                    return Kind.TRANSIENT;
                }
            }
            // No I/O cause: e.g. "Unable to load credentials" or a marshalling error. Retrying won't help
            // unless the SDK itself says so.
            return ((SdkClientException) e).retryable() ? Kind.TRANSIENT : Kind.FATAL;
        }
        if (e instanceof IOException || e instanceof TimeoutException || e instanceof RetriableException) {
            return Kind.TRANSIENT;
        }
        return Kind.FATAL;
    }

    private static Kind classifyService(AwsServiceException e) {
        String code = errorCode(e);
        if (code != null && THROTTLING_CODES.contains(code)) {
            return Kind.THROTTLING;
        }
        if (e.isThrottlingException() || e.statusCode() == 429) {
            return Kind.THROTTLING;
        }
        if (code != null && TRANSIENT_CODES.contains(code)) {
            return Kind.TRANSIENT;
        }
        int status = e.statusCode();
        if (status >= 500 || status == 408) {
            return Kind.TRANSIENT;
        }
        // Other 4xx (AccessDenied, ResourceNotFound, ValidationException, ...) are the caller's to fix.
        return Kind.FATAL;
    }

    /** True for throttling and transient failures. */
    public static boolean isRetriable(Throwable t) {
        return classify(t) != Kind.FATAL;
    }

    /** True when the service rejected the caller's credentials or permissions ({@link #AUTH_ERROR_CODES}). */
    public static boolean isAuthError(Throwable t) {
        String code = errorCode(t);
        return code != null && AUTH_ERROR_CODES.contains(code);
    }

    /** True when the identity was recognised but lacks a permission (an {@code AccessDenied*} code). */
    public static boolean isAccessDenied(Throwable t) {
        String code = errorCode(t);
        return code != null && code.startsWith("AccessDenied");
    }

    public static boolean isThrottling(Throwable t) {
        return classify(t) == Kind.THROTTLING;
    }

    /** The AWS error code ({@code ThrottlingException}, {@code NoSuchBucket}), or null if there is none. */
    public static String errorCode(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof AwsServiceException) {
            AwsErrorDetails d = ((AwsServiceException) e).awsErrorDetails();
            return d == null ? null : d.errorCode();
        }
        return null;
    }

    /**
     * A one-line description for logs and DLQ reasons: error code, HTTP status, request id and message,
     * e.g. {@code AccessDeniedException (HTTP 400, request id abc): User ... is not authorized}.
     */
    public static String describe(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof AwsServiceException) {
            AwsServiceException s = (AwsServiceException) e;
            String code = errorCode(s);
            AwsErrorDetails d = s.awsErrorDetails();
            String msg = d != null && d.errorMessage() != null ? d.errorMessage() : s.getMessage();
            return (code != null ? code : s.getClass().getSimpleName()) + " (HTTP " + s.statusCode()
                    + (s.requestId() != null ? ", request id " + s.requestId() : "") + "): " + msg;
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Strips CompletionException/ExecutionException/UncheckedIOException wrappers. */
    public static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException
                || e instanceof UncheckedIOException) && e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        return e;
    }
}
