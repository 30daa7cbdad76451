package io.mskbridge.aws;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import io.mskbridge.aws.AwsConfig.CredentialsProviderType;
import software.amazon.awssdk.regions.Region;

/**
 * Typed, validated view of the {@link AwsConfig} keys. Construction fails fast with a
 * {@link ConfigException} naming the offending key when the cross-field rules are violated, so a task
 * started with a config that bypassed {@code validate()} (e.g. a REST PUT) still fails with a clear
 * message. {@link #toString()} never shows secrets.
 */
public final class AwsSettings {

    private final Optional<Region> region;
    private final Optional<URI> endpointOverride;
    private final CredentialsProviderType credentialsProvider;
    private final Optional<Password> accessKeyId;
    private final Optional<Password> secretAccessKey;
    private final Optional<Password> sessionToken;
    private final Optional<String> roleArn;
    private final Optional<Password> roleExternalId;
    private final String roleSessionName;
    private final Duration roleSessionDuration;
    private final Optional<URI> stsEndpointOverride;
    private final Duration apiCallTimeout;
    private final Duration apiCallAttemptTimeout;
    private final int maxRetries;

    private AwsSettings(AbstractConfig c) {
        this.region = Optional.ofNullable(trimToNull(c.getString(AwsConfig.REGION))).map(Region::of);
        this.endpointOverride = Optional.ofNullable(trimToNull(c.getString(AwsConfig.ENDPOINT_URL))).map(URI::create);
        this.credentialsProvider = CredentialsProviderType.parse(c.getString(AwsConfig.CREDENTIALS_PROVIDER));
        this.accessKeyId = password(c, AwsConfig.ACCESS_KEY_ID);
        this.secretAccessKey = password(c, AwsConfig.SECRET_ACCESS_KEY);
        this.sessionToken = password(c, AwsConfig.SESSION_TOKEN);
        this.roleArn = Optional.ofNullable(trimToNull(c.getString(AwsConfig.STS_ROLE_ARN)));
        this.roleExternalId = password(c, AwsConfig.STS_ROLE_EXTERNAL_ID);
        this.roleSessionName = c.getString(AwsConfig.STS_ROLE_SESSION_NAME);
        this.roleSessionDuration = Duration.ofSeconds(c.getInt(AwsConfig.STS_ROLE_SESSION_DURATION_SECONDS));
        this.stsEndpointOverride = Optional.ofNullable(trimToNull(c.getString(AwsConfig.STS_ENDPOINT_URL)))
                .map(URI::create);
        this.apiCallTimeout = Duration.ofMillis(c.getLong(AwsConfig.API_CALL_TIMEOUT_MS));
        this.apiCallAttemptTimeout = Duration.ofMillis(c.getLong(AwsConfig.API_CALL_ATTEMPT_TIMEOUT_MS));
        this.maxRetries = c.getInt(AwsConfig.MAX_RETRIES);

        Map<String, List<String>> errors = AwsConfig.crossFieldErrors(credentialsProvider, accessKeyId.isPresent(),
                secretAccessKey.isPresent(), sessionToken.isPresent(), roleArn.isPresent(),
                roleExternalId.isPresent());
        if (!errors.isEmpty()) {
            Map.Entry<String, List<String>> first = errors.entrySet().iterator().next();
            // No value in the exception: several of these keys are secrets.
            throw new ConfigException(String.join(" ", first.getValue()));
        }
        if (apiCallAttemptTimeout.compareTo(apiCallTimeout) > 0) {
            throw new ConfigException(AwsConfig.API_CALL_ATTEMPT_TIMEOUT_MS, apiCallAttemptTimeout.toMillis(),
                    AwsConfig.attemptTimeoutMessage(apiCallAttemptTimeout.toMillis(), apiCallTimeout.toMillis()));
        }
    }

    /**
     * Reads the AWS keys from a connector config whose ConfigDef included {@link AwsConfig#addTo}.
     *
     * @throws ConfigException if the keys are inconsistent (e.g. static credentials without a secret)
     */
    public static AwsSettings from(AbstractConfig config) {
        return new AwsSettings(config);
    }

    /** Parses just the AWS keys out of raw properties (other keys are ignored). */
    public static AwsSettings from(Map<String, ?> props) {
        return new AwsSettings(new AbstractConfig(AwsConfig.configDef(), props, false));
    }

    private static Optional<Password> password(AbstractConfig c, String key) {
        Password p = c.getPassword(key);
        return p == null || p.value() == null || p.value().isBlank() ? Optional.empty() : Optional.of(p);
    }

    private static String trimToNull(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        return t.isEmpty() ? null : t;
    }

    /** The configured region; empty means "use the SDK default region provider chain". */
    public Optional<Region> region() {
        return region;
    }

    /** Service endpoint override ({@code aws.endpoint.url}). */
    public Optional<URI> endpointOverride() {
        return endpointOverride;
    }

    public CredentialsProviderType credentialsProvider() {
        return credentialsProvider;
    }

    public Optional<Password> accessKeyId() {
        return accessKeyId;
    }

    public Optional<Password> secretAccessKey() {
        return secretAccessKey;
    }

    public Optional<Password> sessionToken() {
        return sessionToken;
    }

    public Optional<String> roleArn() {
        return roleArn;
    }

    public Optional<Password> roleExternalId() {
        return roleExternalId;
    }

    public String roleSessionName() {
        return roleSessionName;
    }

    public Duration roleSessionDuration() {
        return roleSessionDuration;
    }

    public Optional<URI> stsEndpointOverride() {
        return stsEndpointOverride;
    }

    public Duration apiCallTimeout() {
        return apiCallTimeout;
    }

    public Duration apiCallAttemptTimeout() {
        return apiCallAttemptTimeout;
    }

    /** SDK retries per API call (so at most {@code maxRetries + 1} attempts). */
    public int maxRetries() {
        return maxRetries;
    }

    @Override
    public String toString() {
        // Secrets show only whether they are set; Password.toString() would print [hidden] anyway, but
        // being explicit keeps a future refactor from leaking them.
        return "AwsSettings{region=" + region.map(Region::id).orElse("<default chain>")
                + ", endpointOverride=" + endpointOverride.map(URI::toString).orElse("<none>")
                + ", credentialsProvider=" + credentialsProvider.configValue()
                + ", accessKeyId=" + hidden(accessKeyId)
                + ", secretAccessKey=" + hidden(secretAccessKey)
                + ", sessionToken=" + hidden(sessionToken)
                + ", roleArn=" + roleArn.orElse("<none>")
                + ", roleExternalId=" + hidden(roleExternalId)
                + ", roleSessionName=" + roleSessionName
                + ", roleSessionDuration=" + roleSessionDuration
                + ", stsEndpointOverride=" + stsEndpointOverride.map(URI::toString).orElse("<none>")
                + ", apiCallTimeout=" + apiCallTimeout
                + ", apiCallAttemptTimeout=" + apiCallAttemptTimeout
                + ", maxRetries=" + maxRetries + '}';
    }

    private static String hidden(Optional<Password> p) {
        return p.isPresent() ? "[hidden]" : "<none>";
    }
}
