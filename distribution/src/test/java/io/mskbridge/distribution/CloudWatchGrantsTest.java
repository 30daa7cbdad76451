package io.mskbridge.distribution;

import static io.mskbridge.distribution.DeployInputs.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mskbridge.aws.metrics.CloudWatchMetricsConfig;
import io.mskbridge.distribution.Hcl.Block;
import io.mskbridge.distribution.Hcl.Kind;
import io.mskbridge.distribution.Hcl.Token;

/**
 * {@code cloudwatch:PutMetricData} goes to exactly the execution roles of the connectors that publish: those whose
 * configuration has {@code metrics.cloudwatch.enabled=true}, for the namespace that configuration names. Checked
 * for the Terraform module (its grant condition is evaluated on each connector's configuration, so a module that
 * grants a non-publishing role, or misses a publishing one, fails), for the CLI steps of deploy/README.md, and
 * against the alarms, which only watch connectors that publish.
 */
class CloudWatchGrantsTest {

    private static final Path MODULE = ROOT.resolve("deploy/terraform");
    private static final String POLICY = "cloudwatch-metrics.json";

    /**
     * Which shipped connectors publish, and why: the seed's operators alarmed on the source's iterator age and
     * throttling, and on errors (invalid records, the source's ProcessingErrors; DLQ'd records, the sinks'); the
     * seed's RecordsProcessed by EventType and DataQualityScore come from the sink that sees every processed record
     * of every stream once (s3-archive-processed). The raw copy's source has no transforms (no ProcessingErrors),
     * and the seed had no raw path to alarm on: its failures reach MSK Connect's own ErroredTaskCount alarm.
     */
    static final Set<String> PUBLISHERS = Set.of("kinesis-source", "dynamodb-sink-events", "dynamodb-sink-transactions",
            "s3-archive-processed", "s3-archive-raw");

    /** Name → namespace of the shipped connectors (deploy/msk-connect) whose configuration publishes. */
    static Map<String, String> publishing(Map<String, Map<String, String>> configs) {
        Map<String, String> out = new TreeMap<>();
        configs.forEach((name, c) -> {
            if ("true".equalsIgnoreCase(c.getOrDefault(CloudWatchMetricsConfig.ENABLED, "false").trim())) {
                out.put(name, c.getOrDefault(CloudWatchMetricsConfig.NAMESPACE, CloudWatchMetricsConfig.NAMESPACE_DEFAULT));
            }
        });
        return out;
    }

    @Test
    void theShippedConfigsPublishFromTheConnectorsTheOperatorsNeed() throws IOException {
        Map<String, String> publishing = publishing(DeployInputs.connectors());
        assertThat(publishing.keySet()).isEqualTo(new TreeSet<>(PUBLISHERS));
        assertThat(DeployInputs.connectors().get("s3-archive-processed"))
                .containsEntry(CloudWatchMetricsConfig.COUNT_BY_FIELD, "event_type")
                .containsEntry(CloudWatchMetricsConfig.AVERAGE_FIELDS, "quality_score");
        // the at-least-once variant publishes the same way
        Map<String, Map<String, String>> atLeastOnce = new TreeMap<>();
        try (Stream<Path> files = Files.list(MODULE.resolve("connectors/at-least-once"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                atLeastOnce.put(f.getFileName().toString().replace(".json", ""), config(f));
            }
        }
        assertThat(publishing(atLeastOnce)).isEqualTo(publishing);
    }

    /** The Terraform module's grant, evaluated for each connector file the module reads. */
    @Test
    void terraformGrantsPutMetricDataToExactlyThePublishingRolesInTheirNamespace() throws IOException {
        Map<String, Map<String, String>> configs = new TreeMap<>();
        try (Stream<Path> files = Files.list(MODULE.resolve("connectors"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                configs.put(f.getFileName().toString().replace(".json", ""), config(f));
            }
        }
        assertThat(configs.keySet()).isEqualTo(DeployInputs.connectors().keySet());
        Map<String, String> expected = publishing(DeployInputs.connectors());
        assertThat(expected).isNotEmpty();

        Map<String, Block> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(MODULE)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".tf")).toList()) {
                files.put(f.getFileName().toString(), Hcl.parse(f.getFileName().toString(), Files.readString(f)));
            }
        }
        Map<String, List<Token>> locals = new TreeMap<>();
        files.values().forEach(f -> f.blocks("locals").forEach(l -> l.attributes().values()
                .forEach(a -> locals.put(a.name(), a.expr()))));
        // The configuration the connectors run with is the shipped one with this environment's overrides, which
        // must not touch the metrics keys (or the grant below would have to be evaluated on them too).
        assertThat(locals).as("locals of deploy/terraform").containsKeys("connector_configs", "overrides");
        assertThat(text(locals.get("connector_configs")))
                .isEqualTo("{ for name , c in local . connectors : name => merge ( c . config , lookup ( local . overrides , name , { } ) ) }");
        assertThat(text(locals.get("overrides"))).doesNotContain("metrics.");

        // exactly one resource renders the metrics policy: one policy per key of a local computed from connector_configs
        List<Block> grants = new ArrayList<>();
        files.values().forEach(f -> f.blocks("resource").forEach(r -> {
            if (Hcl.flatten(r.attributes().getOrDefault("policy", new Hcl.Attribute("", List.of(), 0)).expr())
                    .stream().anyMatch(t -> t.kind() == Kind.STRING && t.text().endsWith("/" + POLICY))) {
                grants.add(r);
            }
        }));
        assertThat(grants).hasSize(1);
        Block grant = grants.get(0);
        assertThat(grant.labels().get(0)).isEqualTo("aws_iam_role_policy");
        assertThat(text(grant.attributes().get("role").expr())).isEqualTo("aws_iam_role . connector [ each . key ] . id");
        assertThat(text(grant.attributes().get("policy").expr())).isEqualTo(
                "templatefile ( ${path.module}/../iam/" + POLICY + " , { metrics_namespace = each . value } )");
        List<Token> forEach = grant.attributes().get("for_each").expr();
        assertThat(forEach).hasSize(3);
        assertThat(text(forEach.subList(0, 2))).isEqualTo("local .");
        Map<String, String> granted = evaluate(locals.get(forEach.get(2).text()), configs);

        assertThat(granted).as("roles granted cloudwatch:PutMetricData, with the namespace").isEqualTo(expected);
        assertThat(DeployInputs.placeholders(Files.readString(ROOT.resolve("deploy/iam/" + POLICY))))
                .containsExactly("metrics_namespace");
    }

    @Test
    void theEvaluatorRefusesWhatItDoesNotKnowAndGrantsWhatAnUnconditionalModuleWould() {
        Map<String, Map<String, String>> configs = Map.of("a", Map.of(), "b",
                Map.of("metrics.cloudwatch.enabled", "TRUE", "metrics.cloudwatch.namespace", "Team/X"));
        String cond = "{ for name, c in local.connector_configs : name => lookup(c, \"metrics.cloudwatch.namespace\", "
                + "\"MSKBridge\") if lower(lookup(c, \"metrics.cloudwatch.enabled\", \"false\")) == \"true\" }";
        assertThat(evaluate(expr(cond), configs)).isEqualTo(Map.of("b", "Team/X"));
        assertThat(evaluate(expr("{ for name, c in local.connector_configs : name => \"MSKBridge\" }"), configs))
                .isEqualTo(Map.of("a", "MSKBridge", "b", "MSKBridge"));
        assertThatThrownBy(() -> evaluate(expr("{ for name, c in local.connector_configs : name => \"x\" "
                + "if contains(var.publishers, name) }"), configs)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The CLI steps attach the policy to the same roles, with the same namespace. */
    @Test
    void cliStepsAttachThePolicyToThePublishingRolesOnly() throws IOException {
        String readme = Files.readString(ROOT.resolve("deploy/README.md"));
        Matcher m = Pattern.compile("export metrics_namespace=(\\S+)\\s*\\nfor connector_name in ([^;]+); do\\s*\\n"
                + "\\s*aws iam put-role-policy --role-name \"mskbridge-\\$connector_name\" --policy-name "
                + "mskbridge-cloudwatch-metrics \\\\\\s*\\n\\s*--policy-document \"\\$\\(envsubst < deploy/iam/"
                + Pattern.quote(POLICY) + "\\)\"").matcher(readme);
        assertThat(m.find()).as("deploy/README.md attaches " + POLICY + " in a loop over the publishing connectors")
                .isTrue();
        Set<String> listed = new TreeSet<>(List.of(m.group(2).replace("\\", " ").trim().split("\\s+")));
        Map<String, String> expected = publishing(DeployInputs.connectors());
        assertThat(listed).isEqualTo(expected.keySet());
        assertThat(Set.copyOf(expected.values())).containsExactly(m.group(1));
        assertThat(readme.split(Pattern.quote("deploy/iam/" + POLICY), -1)).as("no other step attaches the policy")
                .hasSize(2);
    }

    /** The alarms on the pack's own metrics name only connectors that publish them. */
    @Test
    void alarmsWatchOnlyPublishingConnectors() throws IOException {
        Block vars = Hcl.parse("alarms_variables.tf", Files.readString(MODULE.resolve("alarms_variables.tf")));
        Set<String> watched = new TreeSet<>();
        for (Block v : vars.blocks("variable")) {
            if (List.of("alarms_source_connectors", "alarms_dynamodb_sink_connectors", "alarms_s3_sink_connectors")
                    .contains(v.labels().get(0))) {
                List<Token> d = v.attributes().get("default").expr();
                for (int i = 0; i < d.size(); i++) {
                    // a list's strings, or a map's keys (the strings before '=')
                    boolean mapKey = i + 1 < d.size() && d.get(i + 1).is("=");
                    int depth = 0;
                    for (int j = 0; j < i; j++) {
                        depth += d.get(j).is("[") ? 1 : d.get(j).is("]") ? -1 : 0;
                    }
                    if (d.get(i).kind() == Kind.STRING && (mapKey || (depth == 1 && d.get(0).is("[")))) {
                        watched.add(d.get(i).text());
                    }
                }
            }
        }
        assertThat(watched).isEqualTo(publishing(DeployInputs.connectors()).keySet());
        for (JsonNode a : DeployInputs.JSON.readTree(ROOT.resolve("deploy/cloudwatch/alarms.json").toFile())) {
            if (!a.get("Namespace").asText().equals("AWS/KafkaConnect")) {
                for (JsonNode d : a.get("Dimensions")) {
                    if (d.get("Name").asText().equals("ConnectorName")) {
                        assertThat(watched).as(a.get("AlarmName").asText()).contains(d.get("Value").asText());
                    }
                }
            }
        }
    }

    private static Map<String, String> config(Path f) throws IOException {
        Map<String, String> cfg = new LinkedHashMap<>();
        DeployInputs.JSON.readTree(f.toFile()).path("config").fields()
                .forEachRemaining(e -> cfg.put(e.getKey(), e.getValue().asText()));
        return cfg;
    }

    private static List<Token> expr(String hcl) {
        return Hcl.parse("t.tf", "x = " + hcl + "\n").attributes().get("x").expr();
    }

    private static String text(List<Token> expr) {
        StringBuilder b = new StringBuilder();
        for (Token t : expr) {
            if (t.kind() != Kind.NEWLINE) {
                b.append(b.length() == 0 ? "" : " ").append(t.text());
            }
        }
        return b.toString();
    }

    /**
     * Evaluates {@code { for name, c in local.connector_configs : name => VALUE [if COND] }} for the given
     * configurations. VALUE and COND may use string literals, true/false, {@code name}, {@code c}, {@code c["key"]},
     * lookup(), lower(), tostring(), ==, !=, !, && and || and parentheses; anything else is refused.
     */
    static Map<String, String> evaluate(List<Token> expr, Map<String, Map<String, String>> configs) {
        List<Token> t = new ArrayList<>(expr.stream().filter(x -> x.kind() != Kind.NEWLINE).toList());
        String head = text(t.subList(0, Math.min(12, t.size())));
        Matcher m = Pattern.compile("\\{ for (\\w+) , (\\w+) in local \\. connector_configs : (\\w+) =>").matcher(head);
        if (!m.lookingAt() || !m.group(1).equals(m.group(3)) || !t.get(t.size() - 1).is("}")) {
            throw new IllegalArgumentException("not a for expression over local.connector_configs: " + text(t));
        }
        List<Token> body = t.subList(12, t.size() - 1);
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, Map<String, String>> c : configs.entrySet()) {
            Evaluator e = new Evaluator(body, m.group(1), c.getKey(), m.group(2), c.getValue());
            Object value = e.or();
            boolean keep = true;
            if (e.peek("if")) {
                e.pos++;
                Object cond = e.or();
                if (!(cond instanceof Boolean b)) {
                    throw new IllegalArgumentException("condition is not a bool: " + cond);
                }
                keep = b;
            }
            if (e.pos != body.size()) {
                throw new IllegalArgumentException("unexpected " + body.get(e.pos).text() + " in " + text(body));
            }
            if (keep) {
                if (!(value instanceof String s)) {
                    throw new IllegalArgumentException("value is not a string: " + value);
                }
                out.put(c.getKey(), s);
            }
        }
        return out;
    }

    private static final class Evaluator {
        final List<Token> t;
        final String keyVar;
        final String key;
        final String configVar;
        final Map<String, String> config;
        int pos;

        Evaluator(List<Token> t, String keyVar, String key, String configVar, Map<String, String> config) {
            this.t = t;
            this.keyVar = keyVar;
            this.key = key;
            this.configVar = configVar;
            this.config = config;
        }

        boolean peek(String s) {
            return pos < t.size() && t.get(pos).is(s);
        }

        void expect(String s) {
            if (!peek(s)) {
                throw new IllegalArgumentException("expected " + s + " at " + (pos < t.size() ? t.get(pos).text() : "end"));
            }
            pos++;
        }

        Object or() {
            Object l = and();
            while (peek("||")) {
                pos++;
                l = bool(l) | bool(and());
            }
            return l;
        }

        Object and() {
            Object l = eq();
            while (peek("&&")) {
                pos++;
                l = bool(l) & bool(eq());
            }
            return l;
        }

        Object eq() {
            Object l = unary();
            if (peek("==") || peek("!=")) {
                boolean not = t.get(pos++).is("!=");
                return not != l.equals(unary());
            }
            return l;
        }

        Object unary() {
            if (peek("!")) {
                pos++;
                return !bool(unary());
            }
            return primary();
        }

        Object primary() {
            if (pos >= t.size()) {
                throw new IllegalArgumentException("expression ends early");
            }
            Token x = t.get(pos++);
            if (x.kind() == Kind.STRING) {
                if (!x.parts().isEmpty()) {
                    throw new IllegalArgumentException("interpolation in " + x.text());
                }
                return x.text();
            }
            if (x.is("(")) {
                Object v = or();
                expect(")");
                return v;
            }
            if (x.kind() != Kind.IDENT) {
                throw new IllegalArgumentException("unsupported " + x.text());
            }
            switch (x.text()) {
                case "true":
                    return true;
                case "false":
                    return false;
                case "lookup": {
                    expect("(");
                    Object map = or();
                    expect(",");
                    Object k = or();
                    expect(",");
                    Object d = or();
                    expect(")");
                    @SuppressWarnings("unchecked")
                    Map<String, String> mm = (Map<String, String>) map;
                    return mm.containsKey((String) k) ? mm.get((String) k) : d;
                }
                case "lower":
                case "tostring": {
                    expect("(");
                    Object v = or();
                    expect(")");
                    String s = v instanceof Boolean b ? b.toString() : (String) v;
                    return x.text().equals("lower") ? s.toLowerCase(java.util.Locale.ROOT) : s;
                }
                default:
            }
            if (x.text().equals(keyVar)) {
                return key;
            }
            if (x.text().equals(configVar)) {
                if (peek("[")) {
                    pos++;
                    Object k = or();
                    expect("]");
                    String v = config.get((String) k);
                    if (v == null) {
                        throw new IllegalArgumentException(configVar + "[" + k + "] is missing (Terraform fails)");
                    }
                    return v;
                }
                return config;
            }
            throw new IllegalArgumentException("unsupported " + x.text());
        }

        private static boolean bool(Object o) {
            if (!(o instanceof Boolean b)) {
                throw new IllegalArgumentException("not a bool: " + o);
            }
            return b;
        }
    }
}
