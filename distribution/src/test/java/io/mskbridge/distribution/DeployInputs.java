package io.mskbridge.distribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The deploy inputs as the tests read them: the shipped MSK Connect connector configs, and the IAM policy templates of
 * deploy/iam with their {@code ${name}} placeholders (Terraform's templatefile syntax, which envsubst also reads).
 */
final class DeployInputs {

    static final Path ROOT = Path.of(System.getProperty("mskbridge.root", ".."));
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    /** The seeds' dev environment, the values deploy/terraform/variables.tf defaults to. */
    static final Map<String, String> SEED = Map.ofEntries(
            Map.entry("region", "us-east-1"),
            Map.entry("account_id", "123456789012"),
            Map.entry("cluster_name", "mskbridge-dev"),
            Map.entry("cluster_uuid", "11111111-2222-3333-4444-555555555555-1"),
            Map.entry("stream_main", "maindatastream-dev"),
            Map.entry("stream_clickstream", "clickstreamdatastream-dev"),
            Map.entry("stream_iot", "iotdatastream-dev"),
            Map.entry("stream_transaction", "transactiondatastream-dev"),
            Map.entry("table", "mskbridge-events-dev"),
            Map.entry("bucket", "mskbridge-archive-dev"),
            Map.entry("stream_kms_key_arn", "arn:aws:kms:us-east-1:123456789012:key/stream-key"),
            Map.entry("bucket_kms_key_arn", "arn:aws:kms:us-east-1:123456789012:key/bucket-key"));

    private DeployInputs() {
    }

    /** Shipped connectors by name (deploy/msk-connect/connector-*.json): name → connectorConfiguration. */
    static Map<String, Map<String, String>> connectors() throws IOException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("deploy/msk-connect"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().matches("connector-.*\\.json"))::iterator) {
                JsonNode n = JSON.readTree(f.toFile());
                Map<String, String> cfg = new LinkedHashMap<>();
                n.path("connectorConfiguration").fields().forEachRemaining(e -> cfg.put(e.getKey(), e.getValue().asText()));
                out.put(n.path("connectorName").asText(), cfg);
            }
        }
        return out;
    }

    static List<String> list(Map<String, String> cfg, String key) {
        List<String> out = new ArrayList<>();
        for (String s : cfg.getOrDefault(key, "").split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    /** The placeholders a template uses, in order of appearance. */
    static Set<String> placeholders(String template) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Fills every placeholder; one without a value is an error, as it is for Terraform's templatefile(). */
    static String render(String template, Map<String, String> vars) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = vars.get(m.group(1));
            if (v == null) {
                throw new IllegalArgumentException("no value for ${" + m.group(1) + "}");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    static JsonNode policy(String name, Map<String, String> vars) throws IOException {
        return JSON.readTree(render(Files.readString(ROOT.resolve("deploy/iam/" + name + ".json")), vars));
    }

    /** IAM's wildcard match of a resource pattern: '*' any run of characters, '?' exactly one. */
    static boolean matches(String pattern, String arn) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return arn.matches(re.toString());
    }
}
