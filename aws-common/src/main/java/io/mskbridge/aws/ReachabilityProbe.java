package io.mskbridge.aws;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import io.mskbridge.aws.AwsConfig.CredentialsProviderType;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The reachability check of a connector's {@code validate()}, written once: a check (build a client, call AWS) runs
 * on a daemon thread under a timeout, and its failure becomes one message on the field the user has to change:
 * <ul>
 *   <li>no answer in time, an I/O failure, a 5xx → {@code aws.endpoint.url} when set, else {@code aws.region};</li>
 *   <li>rejected credentials, a missing permission ({@link AwsErrors#AUTH_ERROR_CODES}), no usable credentials →
 *       {@code aws.access.key.id} with static keys, else {@code aws.credentials.provider};</li>
 *   <li>resource failures the caller knows (a missing stream, table or bucket) → where the caller's mapper says;</li>
 *   <li>anything else → the caller's resource field.</li>
 * </ul>
 * A credential chain (instance metadata) can block before the SDK's own timeouts start, which is why the whole
 * check, client construction included, runs under the timeout.
 */
public final class ReachabilityProbe {

    /** The one name pattern of the probe's timeout key: {@code <prefix>.validate.timeout.ms}. */
    public static String timeoutKey(String prefix) {
        return prefix + ".validate.timeout.ms";
    }

    /**
     * Defines {@link #timeoutKey}{@code (prefix)} in {@code def}, with one documentation text for every connector.
     *
     * @param what what the probe checks, e.g. {@code "each stream is described once"}
     */
    public static ConfigDef defineTimeout(ConfigDef def, String prefix, long defaultMs, String what, String group,
                                          int orderInGroup) {
        return def.define(timeoutKey(prefix), ConfigDef.Type.LONG, defaultMs, ConfigDef.Range.between(100, 120_000),
                ConfigDef.Importance.LOW, "Time limit of the reachability check of validate() (" + what + "), in "
                        + "milliseconds. No answer within it is reported on " + AwsConfig.ENDPOINT_URL + " (or "
                        + AwsConfig.REGION + ").",
                group, orderInGroup, ConfigDef.Width.SHORT, "Validation timeout (ms)");
    }

    /** A problem found by a probe: the config key it belongs to, and a message a user can act on. */
    public record Problem(String field, String message) {
    }

    /** The calls a probe makes; anything it throws is classified. */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    /** How long past the SDK's own call timeout the probe waits for a check before reporting no answer. */
    static final long OUTER_GRACE_MS = 5_000;

    private final String service;
    private final AwsSettings aws;
    private final Duration timeout;
    private final long graceMs;
    private String permissions = "the permissions listed in the connector's README";
    private String offlineHint = "";

    private ReachabilityProbe(String service, AwsSettings aws, Duration timeout, long graceMs) {
        this.service = service;
        this.aws = aws;
        this.timeout = timeout;
        this.graceMs = graceMs;
    }

    /** A probe of {@code service} (as users name it, e.g. "DynamoDB") with the connector's AWS settings. */
    public static ReachabilityProbe of(String service, AwsSettings aws, Duration timeout) {
        return new ReachabilityProbe(service, aws, timeout, OUTER_GRACE_MS);
    }

    /** For tests: a probe with a shorter grace than {@link #OUTER_GRACE_MS}. */
    static ReachabilityProbe of(String service, AwsSettings aws, Duration timeout, long graceMs) {
        return new ReachabilityProbe(service, aws, timeout, graceMs);
    }

    /** What to grant when the identity is denied, e.g. {@code "dynamodb:DescribeTable on the table"}. */
    public ReachabilityProbe permissions(String permissions) {
        this.permissions = permissions;
        return this;
    }

    /** How to skip the probe when the network is not there yet, e.g. {@code "set dynamodb.table.check=false"}. */
    public ReachabilityProbe offlineHint(String hint) {
        this.offlineHint = hint == null || hint.isBlank() ? "" : ", or " + hint + " to validate offline";
        return this;
    }

    /** The timeout each check gets. */
    public Duration timeout() {
        return timeout;
    }

    /** Where the probe calls: the endpoint override, else the region. For messages. */
    public String where() {
        return aws.endpointOverride().map(u -> "endpoint " + u)
                .orElseGet(() -> "region " + aws.region().map(Object::toString).orElse("<default region chain>"));
    }

    /** The field for network problems: the endpoint override when set, else the region. */
    public String networkField() {
        return aws.endpointOverride().isPresent() ? AwsConfig.ENDPOINT_URL : AwsConfig.REGION;
    }

    /** The field for credential and permission problems. */
    public String credentialsField() {
        return aws.credentialsProvider() == CredentialsProviderType.STATIC ? AwsConfig.ACCESS_KEY_ID
                : AwsConfig.CREDENTIALS_PROVIDER;
    }

    /**
     * Runs {@code check} under the timeout.
     *
     * @param what          the call, for messages, e.g. {@code "DescribeTable(events)"}
     * @param resourceField where failures nobody else claims go, e.g. {@code dynamodb.table}
     * @param specific      maps failures the caller knows (not found, ...) to a problem, or returns null; may be null
     * @return the problem, or empty when the check passed
     */
    public Optional<Problem> run(String what, String resourceField, Check check, Function<Throwable, Problem> specific) {
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mskbridge-validate-" + service.toLowerCase());
            t.setDaemon(true);
            return t;
        });
        try {
            Future<?> f = ex.submit(() -> {
                check.run();
                return null;
            });
            // The SDK's own call timeout (set by the check) answers first with a precise error; the outer bound is
            // for what runs before it: building the client and a blocking credential chain.
            f.get(timeout.toMillis() + graceMs, TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (TimeoutException e) {
            return Optional.of(new Problem(networkField(), service + " at " + where() + " did not answer " + what
                    + " within " + (timeout.toMillis() + graceMs) + " ms. Check " + AwsConfig.ENDPOINT_URL + "/" + AwsConfig.REGION
                    + " and the network path from the workers (VPC endpoint or NAT, security groups)" + offlineHint + "."));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(new Problem(resourceField, "Validation was interrupted before " + what + " answered"));
        } catch (ExecutionException e) {
            return Optional.of(classify(what, resourceField, e.getCause(), specific));
        } finally {
            ex.shutdownNow();
        }
    }

    /** The problem a failure of {@code what} means (see the class comment). */
    public Problem classify(String what, String resourceField, Throwable failure, Function<Throwable, Problem> specific) {
        Throwable e = AwsErrors.unwrap(failure);
        Problem known = specific == null ? null : specific.apply(e);
        if (known != null) {
            return known;
        }
        String described = AwsErrors.describe(e);
        if (AwsErrors.isAccessDenied(e)) {
            return new Problem(credentialsField(), "The connector's identity may not call " + what + " at " + where()
                    + ": " + described + ". Grant it " + permissions + ".");
        }
        if (AwsErrors.isAuthError(e)) {
            return new Problem(credentialsField(), service + " at " + where() + " rejected the credentials on " + what
                    + ": " + described + ". Check the key pair (or the role the connector runs as).");
        }
        if (e instanceof ConfigException) {
            // The client factory names the key to set (e.g. no region resolvable).
            return new Problem(AwsConfig.REGION, "Cannot build a " + service + " client: " + e.getMessage());
        }
        if (e instanceof SdkClientException && !hasIoCause(e) && AwsErrors.classify(e) == AwsErrors.Kind.FATAL) {
            boolean credentials = String.valueOf(e.getMessage()).toLowerCase().contains("credential");
            return new Problem(credentials ? AwsConfig.CREDENTIALS_PROVIDER : networkField(),
                    (credentials ? "No usable AWS credentials for " : "Cannot call ") + service + " (" + what + "): "
                            + described);
        }
        if (AwsErrors.isRetriable(e)) {
            return new Problem(networkField(), service + " at " + where() + " could not be reached (" + what + ") within "
                    + timeout.toMillis() + " ms: " + described + ". Check " + AwsConfig.ENDPOINT_URL + "/"
                    + AwsConfig.REGION + " and the network path from the workers" + offlineHint + ".");
        }
        return new Problem(resourceField, what + " at " + where() + " failed: " + described);
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
