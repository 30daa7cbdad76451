package io.mskbridge.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one source of truth of the shipped connector configs and what is generated from it.
 *
 * <p>{@code deploy/connectors/<name>.json} holds each connector's config once, as {@code {"name", "config"}}, with
 * {@code {{variable}}} where a deployment target differs; {@code deploy/connectors/targets.json} gives each target's
 * variables. A value that is exactly one variable whose target value is {@code null} drops the key (the LocalStack
 * endpoint on MSK, {@code exactly.once.support} in the at-least-once variant). {@code ${provider:key}} is Connect's
 * config-provider syntax and passes through untouched.
 *
 * <p>Generated (never edit by hand; {@code ConnectorConfigsTest} fails on drift and rewrites them with
 * {@code -Dmskbridge.docs.update=true}):
 * <ul>
 *   <li>target {@code docker}: {@code docker/connectors/<name>.json}, as POSTed to the Connect REST API;</li>
 *   <li>target {@code msk}: the {@code connectorConfiguration} of {@code deploy/msk-connect/connector-<name>.json}
 *       (the rest of that file, capacity, network, ARNs, stays hand-written) and
 *       {@code deploy/terraform/connectors/<name>.json} ({@code {"name", "config"}}, read by the Terraform module);</li>
 *   <li>target {@code msk-at-least-once}: {@code deploy/msk-connect/at-least-once/connector-<name>.json} (the msk
 *       file with this config and the at-least-once worker configuration's ARN),
 *       {@code deploy/msk-connect/at-least-once/worker-configuration.properties} (the msk worker configuration up
 *       to its exactly-once block) and {@code deploy/terraform/connectors/at-least-once/<name>.json}.</li>
 * </ul>
 */
public final class ConnectorConfigs {

    public static final String DOCKER = "docker";
    public static final String MSK = "msk";
    public static final String MSK_AT_LEAST_ONCE = "msk-at-least-once";
    /** The line of the msk worker configuration from which on the at-least-once variant leaves everything out. */
    static final String EXACTLY_ONCE_BLOCK = "# --- exactly-once source support";
    static final String AT_LEAST_ONCE_DIR = "deploy/msk-connect/at-least-once";

    private static final Pattern VARIABLE = Pattern.compile("\\{\\{([A-Za-z0-9._-]+)}}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConnectorConfigs() {
    }

    /** The connector configs of {@code target}: connector name → config, in the source files' key order. */
    public static Map<String, Map<String, String>> render(Path root, String target) {
        Map<String, String> vars = variables(root, target);
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (Path f : sources(root)) {
            JsonNode node = read(f);
            String name = node.path("name").asText();
            if (!f.getFileName().toString().equals(name + ".json")) {
                throw new IllegalStateException(f + ": \"name\" must be the file name without .json, not " + name);
            }
            Map<String, String> cfg = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.path("config").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new IllegalStateException(f + ": config value of " + e.getKey() + " must be a string");
                }
                String v = substitute(e.getValue().asText(), vars, f + " key " + e.getKey() + ", target " + target);
                if (v != null) {
                    cfg.put(e.getKey(), v);
                }
            }
            out.put(name, cfg);
        }
        return out;
    }

    /**
     * {@code {{var}}} replaced by the target's value; {@code null} when the whole value is one variable the target
     * sets to null (the key is left out).
     */
    static String substitute(String value, Map<String, String> vars, String where) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String var = m.group(1);
            if (!vars.containsKey(var)) {
                throw new IllegalStateException(where + ": unknown variable {{" + var + "}} (define it for every target "
                        + "in deploy/connectors/targets.json)");
            }
            String v = vars.get(var);
            if (v == null) {
                if (m.start() == 0 && m.end() == value.length()) {
                    return null;
                }
                throw new IllegalStateException(where + ": {{" + var + "}} is null for this target, so it can only be "
                        + "a whole value (the key is then left out), not part of " + value);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Every generated file: path relative to the repository root → its content. */
    public static Map<String, String> generatedFiles(Path root) {
        Map<String, String> out = new TreeMap<>();
        render(root, DOCKER).forEach((name, cfg) -> out.put("docker/connectors/" + name + ".json", nameAndConfig(name, cfg)));
        Map<String, Map<String, String>> alo = render(root, MSK_AT_LEAST_ONCE);
        render(root, MSK).forEach((name, cfg) -> {
            String file = "deploy/msk-connect/connector-" + name + ".json";
            Path envelopePath = root.resolve(file);
            if (!Files.exists(envelopePath)) {
                throw new IllegalStateException("deploy/connectors/" + name + ".json has no MSK Connect envelope: create "
                        + file + " (capacity, network, plugin, role; connectorConfiguration is generated)");
            }
            ObjectNode envelope = (ObjectNode) read(envelopePath);
            if (!name.equals(envelope.path("connectorName").asText())) {
                throw new IllegalStateException(file + ": connectorName must be " + name);
            }
            envelope.set("connectorConfiguration", JSON.valueToTree(cfg));
            out.put(file, write(envelope));
            out.put("deploy/terraform/connectors/" + name + ".json", nameAndConfig(name, cfg));

            ObjectNode atLeastOnce = envelope.deepCopy();
            atLeastOnce.set("connectorConfiguration", JSON.valueToTree(alo.get(name)));
            ObjectNode worker = (ObjectNode) atLeastOnce.path("workerConfiguration");
            worker.put("workerConfigurationArn", worker.path("workerConfigurationArn").asText()
                    .replace(":worker-configuration/mskbridge/", ":worker-configuration/mskbridge-at-least-once/"));
            out.put(AT_LEAST_ONCE_DIR + "/connector-" + name + ".json", write(atLeastOnce));
            out.put("deploy/terraform/connectors/at-least-once/" + name + ".json", nameAndConfig(name, alo.get(name)));
        });
        out.put(AT_LEAST_ONCE_DIR + "/worker-configuration.properties", atLeastOnceWorker(root));
        return out;
    }

    /** The folders whose files are all generated: a file there that the generator does not write is stale. */
    static List<String> generatedDirs() {
        return List.of("docker/connectors", "deploy/terraform/connectors", "deploy/terraform/connectors/at-least-once",
                AT_LEAST_ONCE_DIR);
    }

    private static String atLeastOnceWorker(Path root) {
        String eos = readString(root.resolve("deploy/msk-connect/worker-configuration.properties"));
        int cut = eos.indexOf(EXACTLY_ONCE_BLOCK);
        if (cut < 0) {
            throw new IllegalStateException("deploy/msk-connect/worker-configuration.properties lacks the line starting "
                    + EXACTLY_ONCE_BLOCK + " that opens its exactly-once block");
        }
        return "# GENERATED from ../worker-configuration.properties without its exactly-once block (ConnectorConfigsTest,\n"
                + "# -Dmskbridge.docs.update=true); do not edit. For connectors in this folder: no exactly-once source support.\n"
                + eos.substring(0, cut).stripTrailing() + "\n";
    }

    private static String nameAndConfig(String name, Map<String, String> cfg) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", name);
        n.set("config", JSON.valueToTree(cfg));
        return write(n);
    }

    private static Map<String, String> variables(Path root, String target) {
        JsonNode t = read(root.resolve("deploy/connectors/targets.json")).path(target);
        if (t.isMissingNode()) {
            throw new IllegalArgumentException("no target " + target + " in deploy/connectors/targets.json");
        }
        Map<String, String> vars = new LinkedHashMap<>();
        t.path("variables").fields().forEachRemaining(e -> vars.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        return vars;
    }

    static List<Path> sources(Path root) {
        try (Stream<Path> s = Files.list(root.resolve("deploy/connectors"))) {
            List<Path> out = new ArrayList<>(s.filter(p -> p.toString().endsWith(".json"))
                    .filter(p -> !p.getFileName().toString().equals("targets.json")).sorted().toList());
            if (out.isEmpty()) {
                throw new IllegalStateException("no connector configs in deploy/connectors");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Two-space indented JSON, {@code "key": value}, arrays one element per line, a final newline. */
    static String write(JsonNode node) {
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        pp.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
        pp.indentObjectsWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
        try {
            return JSON.writer(pp).writeValueAsString(node) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(Path f) {
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(f + ": " + e.getMessage(), e);
        }
    }

    static String readString(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
