package io.mskbridge.aws;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;

import io.mskbridge.common.config.ConfigChoice;
import io.mskbridge.common.config.ConfigEnums;
import io.mskbridge.common.config.ConfigErrors;
import io.mskbridge.common.config.PatternValidator;

/**
 * The AWS configuration fragment shared by every connector of the pack: region, endpoint override,
 * credentials (default chain, static keys, or an assumed role) and SDK timeouts/retries.
 *
 * <p>Connectors merge it into their own {@code ConfigDef} with {@link #addTo(ConfigDef)}, read it
 * through {@link AwsSettings#from(org.apache.kafka.common.config.AbstractConfig)}, and run the
 * cross-field checks from {@code Connector.validate()} with {@link #validate(Map, Config)}.
 *
 * <p>Cross-field rule: a setting that the chosen {@code aws.credentials.provider} would silently
 * ignore is an error rather than a warning (Connect has no warnings, and running under a different
 * identity than the one configured is the hardest kind of misconfiguration to diagnose).
 */
public final class AwsConfig {

    public static final String GROUP = "AWS";

    public static final String REGION = "aws.region";
    public static final String ENDPOINT_URL = "aws.endpoint.url";
    public static final String CREDENTIALS_PROVIDER = "aws.credentials.provider";
    public static final String ACCESS_KEY_ID = "aws.access.key.id";
    public static final String SECRET_ACCESS_KEY = "aws.secret.access.key";
    public static final String SESSION_TOKEN = "aws.session.token";
    public static final String STS_ROLE_ARN = "aws.sts.role.arn";
    public static final String STS_ROLE_EXTERNAL_ID = "aws.sts.role.external.id";
    public static final String STS_ROLE_SESSION_NAME = "aws.sts.role.session.name";
    public static final String STS_ROLE_SESSION_DURATION_SECONDS = "aws.sts.role.session.duration.seconds";
    public static final String STS_ENDPOINT_URL = "aws.sts.endpoint.url";
    public static final String API_CALL_TIMEOUT_MS = "aws.api.call.timeout.ms";
    public static final String API_CALL_ATTEMPT_TIMEOUT_MS = "aws.api.call.attempt.timeout.ms";
    public static final String MAX_RETRIES = "aws.max.retries";

    public static final String STS_ROLE_SESSION_NAME_DEFAULT = "mskbridge";
    public static final int STS_ROLE_SESSION_DURATION_SECONDS_DEFAULT = 3600;
    public static final long API_CALL_TIMEOUT_MS_DEFAULT = 60_000L;
    public static final long API_CALL_ATTEMPT_TIMEOUT_MS_DEFAULT = 20_000L;
    public static final int MAX_RETRIES_DEFAULT = 3;

    /** How the connector obtains AWS credentials. */
    public enum CredentialsProviderType implements ConfigChoice {
        /** The SDK default chain: env vars, system properties, web identity, profile, container, instance role. */
        DEFAULT("default"),
        /** Long-lived or temporary keys given in the connector configuration. */
        STATIC("static"),
        /** STS AssumeRole on top of the default chain (or on top of the static keys when given). */
        ASSUME_ROLE("assume-role");

        private final String configValue;

        CredentialsProviderType(String configValue) {
            this.configValue = configValue;
        }

        /** The value as written in a connector configuration. */
        @Override
        public String configValue() {
            return configValue;
        }

        /** Case-insensitive parse of a configuration value. */
        public static CredentialsProviderType parse(String value) {
            return ConfigEnums.parse(CredentialsProviderType.class, CREDENTIALS_PROVIDER, value);
        }
    }

    private static final ConfigDef CONFIG_DEF = addTo(new ConfigDef());

    private AwsConfig() {
    }

    /** A ConfigDef holding only the AWS keys, for documentation and for parsing the fragment on its own. */
    public static ConfigDef configDef() {
        // ConfigDef is mutable: hand out a copy so a caller's define() cannot leak into other connectors.
        return new ConfigDef(CONFIG_DEF);
    }

    /** Adds the AWS keys (group {@value #GROUP}) to a connector's ConfigDef and returns it. */
    public static ConfigDef addTo(ConfigDef def) {
        int order = 0;
        def.define(REGION, Type.STRING, null, PatternValidator.optional(
                // Loose on purpose: new partitions and local zones appear faster than we release.
                "[a-z]{2,}(-[a-z0-9]+)+", "Not an AWS region name; expected something like us-east-1",
                "AWS region name such as us-east-1, or empty for the SDK default region chain"), Importance.HIGH,
                "AWS region of the resources, e.g. us-east-1. When unset the SDK default region provider chain is used "
                        + "(AWS_REGION environment variable, aws.region system property, profile file, then the "
                        + "instance metadata service); on MSK Connect set it explicitly.",
                GROUP, ++order, Width.SHORT, "AWS region");
        def.define(ENDPOINT_URL, Type.STRING, null, new UrlValidator(), Importance.LOW,
                "Overrides the service endpoint, for VPC interface endpoints or emulators "
                        + "(e.g. http://localhost:4566). Absolute http or https URL. When set, S3 clients use "
                        + "path-style access. Not applied to STS: see " + STS_ENDPOINT_URL + ".",
                GROUP, ++order, Width.LONG, "Endpoint override URL");
        def.define(CREDENTIALS_PROVIDER, Type.STRING, CredentialsProviderType.DEFAULT.configValue(),
                ConfigEnums.validator(CredentialsProviderType.class), Importance.HIGH,
                "How AWS credentials are obtained. 'default': the SDK default credentials chain (environment, "
                        + "system properties, web identity token, profile, container or instance role; on MSK "
                        + "Connect this is the connector's service execution role). 'static': the keys in "
                        + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY + " (plus " + SESSION_TOKEN + " for "
                        + "temporary keys). 'assume-role': STS AssumeRole of " + STS_ROLE_ARN + ", refreshed "
                        + "before expiry; the base identity is the static keys when given, else the default chain. "
                        + "Keys that the chosen provider would ignore are rejected.",
                GROUP, ++order, Width.SHORT, "Credentials provider",
                List.of(ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, STS_ROLE_ARN, STS_ROLE_EXTERNAL_ID,
                        STS_ROLE_SESSION_NAME, STS_ROLE_SESSION_DURATION_SECONDS, STS_ENDPOINT_URL),
                new ProviderRecommender());
        // The key id is not a secret per AWS, but it identifies the account and AbstractConfig logs every
        // non-password value at startup: treat it as PASSWORD so it never lands in worker logs.
        def.define(ACCESS_KEY_ID, Type.PASSWORD, null, new NonBlankPassword(), Importance.MEDIUM,
                "AWS access key id. Required with " + CREDENTIALS_PROVIDER + "=static; optional with assume-role "
                        + "(then it is the identity that calls STS). Use a config provider (${secretsmanager:...} "
                        + "or ${file:...}) rather than a literal.",
                GROUP, ++order, Width.MEDIUM, "Access key id", Collections.emptyList(),
                new ProviderRecommender(CredentialsProviderType.STATIC, CredentialsProviderType.ASSUME_ROLE));
        def.define(SECRET_ACCESS_KEY, Type.PASSWORD, null, new NonBlankPassword(), Importance.MEDIUM,
                "AWS secret access key paired with " + ACCESS_KEY_ID + ". Never logged.",
                GROUP, ++order, Width.MEDIUM, "Secret access key", Collections.emptyList(),
                new ProviderRecommender(CredentialsProviderType.STATIC, CredentialsProviderType.ASSUME_ROLE));
        def.define(SESSION_TOKEN, Type.PASSWORD, null, new NonBlankPassword(), Importance.LOW,
                "Session token for temporary static keys (ASIA...). Optional; only with " + ACCESS_KEY_ID + ".",
                GROUP, ++order, Width.MEDIUM, "Session token", Collections.emptyList(),
                new ProviderRecommender(CredentialsProviderType.STATIC, CredentialsProviderType.ASSUME_ROLE));
        def.define(STS_ROLE_ARN, Type.STRING, null, PatternValidator.optional("arn:aws[a-z-]*:iam::\\d{12}:role/.+",
                "Not an IAM role ARN; expected arn:aws:iam::<12-digit account>:role/<name>",
                "IAM role ARN (arn:aws:iam::<account>:role/<name>), or empty"), Importance.MEDIUM,
                "ARN of the IAM role to assume, e.g. arn:aws:iam::123456789012:role/mskbridge-sink. Required with "
                        + CREDENTIALS_PROVIDER + "=assume-role.",
                GROUP, ++order, Width.LONG, "Role ARN", Collections.emptyList(),
                new ProviderRecommender(CredentialsProviderType.ASSUME_ROLE));
        // PASSWORD although AWS does not call it a secret: it guards against the confused-deputy problem in
        // cross-account setups, so there is no reason to spread it through logs.
        def.define(STS_ROLE_EXTERNAL_ID, Type.PASSWORD, null, new NonBlankPassword(), Importance.LOW,
                "External id required by the role's trust policy, if any. Never logged.",
                GROUP, ++order, Width.MEDIUM, "Role external id", Collections.emptyList(),
                new ProviderRecommender(CredentialsProviderType.ASSUME_ROLE));
        def.define(STS_ROLE_SESSION_NAME, Type.STRING, STS_ROLE_SESSION_NAME_DEFAULT, PatternValidator.required(
                // STS RoleSessionName constraints.
                "[\\w+=,.@-]{2,64}", "Must be 2-64 characters of letters, digits and + = , . @ _ -",
                "2-64 characters of [A-Za-z0-9+=,.@_-]"),
                Importance.LOW,
                "Role session name, visible in CloudTrail; use it to tell connectors apart.",
                GROUP, ++order, Width.MEDIUM, "Role session name", Collections.emptyList(),
                new ProviderRecommender(CredentialsProviderType.ASSUME_ROLE));
        def.define(STS_ROLE_SESSION_DURATION_SECONDS, Type.INT, STS_ROLE_SESSION_DURATION_SECONDS_DEFAULT,
                ConfigDef.Range.between(900, 43_200), Importance.LOW,
                "Lifetime of the assumed-role credentials; they are refreshed in the background before expiry. "
                        + "Must not exceed the role's maximum session duration.",
                GROUP, ++order, Width.SHORT, "Role session duration (s)", Collections.emptyList(),
                new ProviderRecommender(CredentialsProviderType.ASSUME_ROLE));
        def.define(STS_ENDPOINT_URL, Type.STRING, null, new UrlValidator(), Importance.LOW,
                "Overrides the STS endpoint used by assume-role (e.g. an STS VPC endpoint). When unset the "
                        + "regional STS endpoint of " + REGION + " is used.",
                GROUP, ++order, Width.LONG, "STS endpoint override URL", Collections.emptyList(),
                new ProviderRecommender(CredentialsProviderType.ASSUME_ROLE));
        def.define(API_CALL_TIMEOUT_MS, Type.LONG, API_CALL_TIMEOUT_MS_DEFAULT, ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Upper bound for one SDK API call including all its retries, in milliseconds.",
                GROUP, ++order, Width.SHORT, "API call timeout (ms)");
        def.define(API_CALL_ATTEMPT_TIMEOUT_MS, Type.LONG, API_CALL_ATTEMPT_TIMEOUT_MS_DEFAULT,
                ConfigDef.Range.atLeast(1), Importance.LOW,
                "Upper bound for one HTTP attempt of an SDK API call, in milliseconds. Must not exceed "
                        + API_CALL_TIMEOUT_MS + ".",
                GROUP, ++order, Width.SHORT, "API call attempt timeout (ms)");
        def.define(MAX_RETRIES, Type.INT, MAX_RETRIES_DEFAULT, ConfigDef.Range.between(0, 50), Importance.LOW,
                "Retries of one API call by the SDK's standard retry strategy (exponential backoff with jitter, "
                        + "throttling and 5xx only). 0 disables SDK retries; the connectors still back off and "
                        + "retry whole batches on throttling.",
                GROUP, ++order, Width.SHORT, "Max SDK retries");
        return def;
    }

    /**
     * Validates the AWS keys of a connector configuration: per-field errors (type, validator) followed by
     * the cross-field errors. Returns only the keys that have errors, in definition order.
     */
    public static Map<String, List<String>> validate(Map<String, String> props) {
        Map<String, ConfigValue> values = CONFIG_DEF.validateAll(props);
        addCrossFieldErrors(values);
        Map<String, List<String>> errors = new LinkedHashMap<>();
        for (ConfigValue v : values.values()) {
            if (!v.errorMessages().isEmpty()) {
                errors.put(v.name(), List.copyOf(v.errorMessages()));
            }
        }
        return errors;
    }

    /**
     * Adds the cross-field errors to a Config produced by {@code ConfigDef.validate} (from a connector's
     * {@code validate()}), attaching each message to its field. Per-field errors are already in
     * {@code config}, so they are not repeated. Returns {@code config}.
     */
    public static Config validate(Map<String, String> props, Config config) {
        Map<String, ConfigValue> mine = CONFIG_DEF.validateAll(props);
        Map<String, ConfigValue> before = new LinkedHashMap<>();
        mine.forEach((k, v) -> before.put(k, new ConfigValue(k, v.value(), List.of(), List.copyOf(v.errorMessages()))));
        addCrossFieldErrors(mine);
        Map<String, ConfigValue> target = new LinkedHashMap<>();
        for (ConfigValue v : config.configValues()) {
            target.put(v.name(), v);
        }
        for (ConfigValue v : mine.values()) {
            List<String> added = new ArrayList<>(v.errorMessages());
            added.removeAll(before.get(v.name()).errorMessages());
            if (added.isEmpty()) {
                continue;
            }
            ConfigValue t = target.get(v.name());
            if (t == null) {
                t = new ConfigValue(v.name(), v.value(), new ArrayList<>(), new ArrayList<>());
                config.configValues().add(t);
                target.put(v.name(), t);
            }
            for (String m : added) {
                if (!t.errorMessages().contains(m)) {
                    t.addErrorMessage(m);
                }
            }
        }
        return config;
    }

    /**
     * Cross-field checks over parsed values; fields that already failed their own validation are skipped
     * so a typo yields one message, not a cascade.
     */
    static void addCrossFieldErrors(Map<String, ConfigValue> values) {
        Object providerValue = ConfigErrors.validValue(values.get(CREDENTIALS_PROVIDER));
        if (providerValue != null) {
            CredentialsProviderType provider = CredentialsProviderType.parse((String) providerValue);
            boolean key = ConfigErrors.validValue(values.get(ACCESS_KEY_ID)) != null;
            boolean secret = ConfigErrors.validValue(values.get(SECRET_ACCESS_KEY)) != null;
            boolean token = ConfigErrors.validValue(values.get(SESSION_TOKEN)) != null;
            boolean role = ConfigErrors.validValue(values.get(STS_ROLE_ARN)) != null;
            boolean externalId = ConfigErrors.validValue(values.get(STS_ROLE_EXTERNAL_ID)) != null;
            crossFieldErrors(provider, key, secret, token, role, externalId)
                    .forEach((name, messages) -> messages.forEach(values.get(name)::addErrorMessage));
        }
        Object call = ConfigErrors.validValue(values.get(API_CALL_TIMEOUT_MS));
        Object attempt = ConfigErrors.validValue(values.get(API_CALL_ATTEMPT_TIMEOUT_MS));
        if (call != null && attempt != null && (Long) attempt > (Long) call) {
            values.get(API_CALL_ATTEMPT_TIMEOUT_MS).addErrorMessage(attemptTimeoutMessage((Long) attempt, (Long) call));
        }
    }

    static String attemptTimeoutMessage(long attempt, long call) {
        return API_CALL_ATTEMPT_TIMEOUT_MS + " (" + attempt + ") must not exceed " + API_CALL_TIMEOUT_MS + " ("
                + call + "): one attempt cannot outlive the whole call. Lower it or raise " + API_CALL_TIMEOUT_MS + ".";
    }

    /** The credentials cross-field rules, shared by {@link #validate} and {@link AwsSettings}. */
    static Map<String, List<String>> crossFieldErrors(CredentialsProviderType provider, boolean key, boolean secret,
                                                     boolean token, boolean role, boolean externalId) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        String p = CREDENTIALS_PROVIDER + "=" + provider.configValue();
        switch (provider) {
            case STATIC:
                if (!key) {
                    add(errors, ACCESS_KEY_ID, ACCESS_KEY_ID + " is required when " + p + ". Set it (preferably via "
                            + "a config provider) or use " + CREDENTIALS_PROVIDER + "=default.");
                }
                if (!secret) {
                    add(errors, SECRET_ACCESS_KEY, SECRET_ACCESS_KEY + " is required when " + p + ". Set it "
                            + "(preferably via a config provider) or use " + CREDENTIALS_PROVIDER + "=default.");
                }
                break;
            case ASSUME_ROLE:
                if (!role) {
                    add(errors, STS_ROLE_ARN, STS_ROLE_ARN + " is required when " + p
                            + ": set the ARN of the role to assume, e.g. arn:aws:iam::123456789012:role/name.");
                }
                // Half a key pair would silently fall back to the default chain as the STS caller.
                if (key && !secret) {
                    add(errors, SECRET_ACCESS_KEY, SECRET_ACCESS_KEY + " is required when " + ACCESS_KEY_ID
                            + " is set (the keys are the identity that assumes the role). Set both or neither.");
                }
                if (secret && !key) {
                    add(errors, ACCESS_KEY_ID, ACCESS_KEY_ID + " is required when " + SECRET_ACCESS_KEY
                            + " is set (the keys are the identity that assumes the role). Set both or neither.");
                }
                break;
            case DEFAULT:
            default:
                String hint = " is set but " + p + " ignores it. Set " + CREDENTIALS_PROVIDER
                        + "=static (or assume-role) to use the keys, or remove it.";
                if (key) {
                    add(errors, ACCESS_KEY_ID, ACCESS_KEY_ID + hint);
                }
                if (secret) {
                    add(errors, SECRET_ACCESS_KEY, SECRET_ACCESS_KEY + hint);
                }
                break;
        }
        if (provider != CredentialsProviderType.DEFAULT && token && !key) {
            add(errors, SESSION_TOKEN, SESSION_TOKEN + " is only used together with " + ACCESS_KEY_ID
                    + " and " + SECRET_ACCESS_KEY + "; set them or remove it.");
        }
        if (provider == CredentialsProviderType.DEFAULT && token) {
            add(errors, SESSION_TOKEN, SESSION_TOKEN + " is set but " + p + " ignores it. Set "
                    + CREDENTIALS_PROVIDER + "=static to use it, or remove it.");
        }
        if (provider != CredentialsProviderType.ASSUME_ROLE) {
            String hint = " is set but " + p + " does not assume a role. Set " + CREDENTIALS_PROVIDER
                    + "=assume-role to use it, or remove it.";
            if (role) {
                add(errors, STS_ROLE_ARN, STS_ROLE_ARN + hint);
            }
            if (externalId) {
                add(errors, STS_ROLE_EXTERNAL_ID, STS_ROLE_EXTERNAL_ID + hint);
            }
        }
        return errors;
    }

    private static void add(Map<String, List<String>> errors, String key, String message) {
        errors.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
    }

    // ---- validators: each overrides toString() because that text is what the generated docs show ----

    static final class UrlValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            String s = ((String) value).trim();
            URI uri;
            try {
                uri = new URI(s);
            } catch (URISyntaxException e) {
                throw new ConfigException(name, value, "Not a valid URL: " + e.getMessage());
            }
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || !("http".equals(scheme) || "https".equals(scheme))) {
                throw new ConfigException(name, value, "Must be an absolute http:// or https:// URL, "
                        + "e.g. https://vpce-0123-abcd.s3.us-east-1.vpce.amazonaws.com or http://localhost:4566");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new ConfigException(name, value, "The URL has no host");
            }
        }

        @Override
        public String toString() {
            return "absolute http:// or https:// URL, or empty";
        }
    }

    static final class NonBlankPassword implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            // The value is deliberately left out of the exception: ConfigException would print it.
            if (value != null && ((Password) value).value().trim().isEmpty()) {
                throw new ConfigException(name + " must not be blank; remove it or give a value");
            }
        }

        @Override
        public String toString() {
            return "non-blank secret, or empty";
        }
    }

    /** Drives the Connect UI: the provider key offers its choices; dependent keys are visible only when used. */
    static final class ProviderRecommender implements ConfigDef.Recommender {
        private final List<CredentialsProviderType> visibleFor;

        ProviderRecommender(CredentialsProviderType... visibleFor) {
            this.visibleFor = List.of(visibleFor);
        }

        @Override
        public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
            if (CREDENTIALS_PROVIDER.equals(name)) {
                return Arrays.stream(CredentialsProviderType.values())
                        .map(CredentialsProviderType::configValue).collect(Collectors.toCollection(ArrayList::new));
            }
            // Mutable: ConfigDef.validate may removeIf() on it.
            return new ArrayList<>();
        }

        @Override
        public boolean visible(String name, Map<String, Object> parsedConfig) {
            if (visibleFor.isEmpty()) {
                return true;
            }
            Object p = parsedConfig.get(CREDENTIALS_PROVIDER);
            try {
                return p != null && visibleFor.contains(CredentialsProviderType.parse(p.toString()));
            } catch (ConfigException e) {
                return true;
            }
        }
    }
}
