package io.mskbridge.distribution;

import static io.mskbridge.distribution.DeployInputs.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mskbridge.distribution.Hcl.Block;
import io.mskbridge.distribution.Hcl.Kind;
import io.mskbridge.distribution.Hcl.Token;

/**
 * deploy/terraform checked offline (Terraform and its providers cannot be downloaded here): every .tf file parses;
 * every resource's arguments and nested blocks are ones the AWS provider documents for that type, and its required
 * ones are there (schema in src/test/resources/terraform/aws-provider-schema.txt, written from the provider docs);
 * every reference names a declared variable, local or resource and an attribute that type exports; every function
 * is a Terraform function; every file the module reads exists; the IAM templates get exactly the values they use;
 * the per-environment overrides only set keys the connectors define; the connector files match the shipped configs.
 */
class TerraformModuleTest {

    private static final Path MODULE = ROOT.resolve("deploy/terraform");
    private static final Set<String> META_ARGUMENTS = Set.of("count", "for_each", "depends_on", "provider");
    /** Terraform's built-in functions the module may call (Terraform language docs, "Functions"). */
    private static final Set<String> FUNCTIONS = Set.of("basename", "coalesce", "concat", "contains", "file", "filemd5",
            "fileset", "join", "jsondecode", "jsonencode", "lookup", "lower", "merge", "replace", "split", "templatefile",
            "tostring", "trimprefix", "trimsuffix", "can", "regex", "length", "keys", "values", "tomap", "toset", "set", "list",
            "map", "object", "string", "number", "bool");
    private static final Set<String> FILE_FUNCTIONS = Set.of("file", "filemd5", "templatefile", "fileset");

    private static final Map<String, Block> FILES = new TreeMap<>();
    private static final Map<String, Set<String>> SCHEMA = new HashMap<>();
    private static final Map<String, Set<String>> EXPORTS = new HashMap<>();

    @BeforeAll
    static void load() throws IOException {
        try (Stream<Path> files = Files.list(MODULE)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".tf")).sorted()::iterator) {
                FILES.put(f.getFileName().toString(), Hcl.parse(f.getFileName().toString(), Files.readString(f)));
            }
        }
        try (InputStream in = TerraformModuleTest.class.getResourceAsStream("/terraform/aws-provider-schema.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int at = line.indexOf("@ ");
                if (at > 0 && !line.substring(0, at).contains(":")) {
                    EXPORTS.put(line.substring(0, at), Set.of(line.substring(at + 2).trim().split("\\s+")));
                } else {
                    int colon = line.indexOf(": ");
                    SCHEMA.put(line.substring(0, colon), Set.of(line.substring(colon + 2).trim().split("\\s+")));
                }
            }
        }
    }

    private static List<Block> all(String type) {
        List<Block> out = new ArrayList<>();
        FILES.values().forEach(f -> out.addAll(f.blocks(type)));
        return out;
    }

    private static Map<String, Hcl.Attribute> locals() {
        Map<String, Hcl.Attribute> out = new LinkedHashMap<>();
        for (Block b : all("locals")) {
            for (Hcl.Attribute a : b.attributes().values()) {
                assertThat(out.put(a.name(), a)).as("local " + a.name() + " declared twice").isNull();
            }
        }
        return out;
    }

    @Test
    void parserIsStrict() {
        assertThatThrownBy(() -> Hcl.parse("x.tf", "resource \"a\" \"b\" {\n  x = [1, 2\n}\n")).hasMessageContaining("x.tf:");
        assertThatThrownBy(() -> Hcl.parse("x.tf", "a = \"open\n")).hasMessageContaining("unterminated string");
        assertThatThrownBy(() -> Hcl.parse("x.tf", "a = <<EOT\nx\nEOT\n")).hasMessageContaining("heredocs");
        assertThatThrownBy(() -> Hcl.parse("x.tf", "a = 1\na = 2\n")).hasMessageContaining("duplicate attribute a");
        assertThatThrownBy(() -> Hcl.parse("x.tf", "b {\n  c = 1\n")).hasMessageContaining("not closed");
        Block ok = Hcl.parse("x.tf", "b \"l\" {\n  c = \"${var.x}-${replace(y, \".\", \"-\")}\" # note\n  d { e = 1 }\n}\n");
        assertThat(ok.blocks("b").get(0).labels()).containsExactly("l");
        assertThat(Hcl.flatten(ok.blocks("b").get(0).attributes().get("c").expr()).stream().map(Token::text))
                .contains("var", "x", "replace", ".", "-");
    }

    @Test
    void everyResourceUsesOnlyDocumentedArgumentsAndHasTheRequiredOnes() {
        int resources = 0;
        for (Block r : all("resource")) {
            String type = r.labels().get(0);
            assertThat(SCHEMA).as("resource type " + type + " in the schema file").containsKey(type);
            checkBlock(type, r, true);
            resources++;
        }
        assertThat(resources).as("plugin object, plugin, worker configuration, log group, role, 2 role policies, connector")
                .isGreaterThanOrEqualTo(8);
        for (Block d : all("data")) {
            checkBlock("data." + d.labels().get(0), d, true);
        }
    }

    private static void checkBlock(String path, Block b, boolean top) {
        Set<String> schema = SCHEMA.get(path);
        assertThat(schema).as("schema of " + path).isNotNull();
        Map<String, Boolean> args = new HashMap<>();
        Map<String, Boolean> blocks = new HashMap<>();
        for (String s : schema) {
            boolean required = s.endsWith("!");
            String name = s.replace("!", "");
            if (name.endsWith("{}")) {
                blocks.put(name.substring(0, name.length() - 2), required);
            } else {
                args.put(name, required);
            }
        }
        for (String a : b.attributes().keySet()) {
            assertThat(args.containsKey(a) || (top && META_ARGUMENTS.contains(a))).as(path + " argument " + a + " (line " + b.line() + ")").isTrue();
        }
        for (Block nested : b.blocks()) {
            if (top && nested.type().equals("lifecycle")) {
                continue;
            }
            assertThat(blocks).as(path + " block " + nested.type() + " (line " + nested.line() + ")").containsKey(nested.type());
            checkBlock(path + "." + nested.type(), nested, false);
        }
        args.forEach((a, required) -> {
            if (required) {
                assertThat(b.attributes()).as(path + " requires " + a).containsKey(a);
            }
        });
        blocks.forEach((n, required) -> {
            if (required) {
                assertThat(b.blocks(n)).as(path + " requires block " + n).isNotEmpty();
            }
        });
    }

    @Test
    void everyReferenceFunctionVariableAndLocalResolves() {
        Set<String> variables = new TreeSet<>();
        all("variable").forEach(v -> variables.add(v.labels().get(0)));
        Map<String, Hcl.Attribute> locals = locals();
        Map<String, String> resources = new HashMap<>();
        all("resource").forEach(r -> assertThat(resources.put(r.labels().get(0) + "." + r.labels().get(1), r.labels().get(0))).isNull());
        Set<String> usedVariables = new TreeSet<>();
        int refs = 0;
        for (Map.Entry<String, Block> f : FILES.entrySet()) {
            for (List<Token> expr : expressions(f.getValue())) {
                List<Token> t = Hcl.flatten(expr);
                for (int i = 0; i < t.size(); i++) {
                    Token tok = t.get(i);
                    if (tok.kind() != Kind.IDENT || (i > 0 && t.get(i - 1).is(".")) || i + 1 >= t.size()) {
                        continue;
                    }
                    if (t.get(i + 1).is("(")) {
                        assertThat(FUNCTIONS).as(f.getKey() + ":" + tok.line() + " function " + tok.text()).contains(tok.text());
                        continue;
                    }
                    if (!t.get(i + 1).is(".") || i + 2 >= t.size()) {
                        continue;
                    }
                    String name = t.get(i + 2).text();
                    switch (tok.text()) {
                        case "var" -> {
                            assertThat(variables).as(f.getKey() + ":" + tok.line() + " var." + name).contains(name);
                            usedVariables.add(name);
                        }
                        case "local" -> assertThat(locals).as(f.getKey() + ":" + tok.line() + " local." + name).containsKey(name);
                        case "path" -> assertThat(name).isEqualTo("module");
                        default -> {
                            if (tok.text().startsWith("aws_")) {
                                String key = tok.text() + "." + name;
                                assertThat(resources).as(f.getKey() + ":" + tok.line() + " resource " + key).containsKey(key);
                                int j = i + 3;
                                if (j < t.size() && t.get(j).is("[")) {
                                    int depth = 0;
                                    do {
                                        depth += t.get(j).is("[") ? 1 : t.get(j).is("]") ? -1 : 0;
                                        j++;
                                    } while (depth > 0);
                                }
                                if (j + 1 < t.size() && t.get(j).is(".")) {
                                    String attr = t.get(j + 1).text();
                                    Set<String> ok = new HashSet<>(EXPORTS.getOrDefault(tok.text(), Set.of()));
                                    SCHEMA.get(tok.text()).forEach(s -> ok.add(s.replace("!", "")));
                                    assertThat(ok).as(f.getKey() + ":" + tok.line() + " attribute " + key + "." + attr).contains(attr);
                                }
                                refs++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(refs).isGreaterThan(10);
        assertThat(usedVariables).as("every declared variable is used").isEqualTo(variables);
    }

    /** Every file the module reads: each string naming ${path.module}/..., with other interpolations as wildcards. */
    @Test
    void everyFileTheModuleReadsExists() throws IOException {
        String version = Files.readString(ROOT.resolve("pom.xml")).replaceAll("(?s).*?<version>([^<]+)</version>.*", "$1");
        int checked = 0;
        for (Map.Entry<String, Block> f : FILES.entrySet()) {
            for (List<Token> expr : expressions(f.getValue())) {
                for (Token t : Hcl.flatten(expr)) {
                    if (t.kind() != Kind.STRING || !t.text().startsWith("${path.module}/")) {
                        continue;
                    }
                    String rel = t.text().substring("${path.module}/".length());
                    if (rel.startsWith("../../distribution/target/")) {
                        assertThat(rel).as("the ZIP mvn package builds").isEqualTo("../../distribution/target/mskbridge-" + version + "-plugin.zip");
                        checked++;
                        continue;
                    }
                    String glob = rel.replaceAll("\\$\\{[^}]*}", "*");
                    Path dir = MODULE.resolve(glob.contains("/") ? glob.substring(0, glob.lastIndexOf('/')) : ".").normalize();
                    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(glob.lastIndexOf('/') + 1));
                    assertThat(dir).as(f.getKey() + ":" + t.line() + " " + t.text()).isDirectory();
                    if (glob.equals(rel.replace("*", "")) || !rel.contains("${")) {
                        assertThat(MODULE.resolve(rel).normalize()).as(f.getKey() + ":" + t.line() + " " + t.text()).exists();
                    } else {
                        try (Stream<Path> files = Files.list(dir)) {
                            assertThat(files.filter(p -> m.matches(p.getFileName())).count()).as(f.getKey() + ":" + t.line() + " " + t.text()).isPositive();
                        }
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(6);
        // the per-connector IAM template each connector file needs
        try (Stream<Path> files = Files.list(MODULE.resolve("connectors"))) {
            // connectors/at-least-once/ holds the variant's files, named alike
            files.filter(p -> p.toString().endsWith(".json"))
                    .forEach(p -> assertThat(ROOT.resolve("deploy/iam/" + p.getFileName())).exists());
        }
    }

    /**
     * templatefile() gets iam_vars plus connector_name: exactly the placeholders the deploy/iam templates use
     * (cloudwatch-metrics.json gets its namespace only: CloudWatchGrantsTest).
     */
    @Test
    void iamTemplatesGetExactlyTheValuesTheyUse() throws IOException {
        Set<String> keys = objectKeys(locals().get("iam_vars").expr(), 1);
        keys.add("connector_name");
        // the templates the module renders: named literally, or ${name}.json for every connector file
        Set<String> templates = new TreeSet<>();
        for (Block f : FILES.values()) {
            for (List<Token> expr : expressions(f)) {
                for (Token t : Hcl.flatten(expr)) {
                    if (t.kind() == Kind.STRING && t.text().startsWith("${path.module}/../iam/")) {
                        String file = t.text().substring("${path.module}/../iam/".length());
                        if (file.contains("${")) {
                            DeployInputs.connectors().keySet().forEach(c -> templates.add(c + ".json"));
                        } else if (file.equals("cloudwatch-metrics.json")) {
                            continue; // rendered with its namespace only: CloudWatchGrantsTest
                        } else {
                            templates.add(file);
                        }
                    }
                }
            }
        }
        assertThat(templates).contains("trust-policy-msk-connect.json", "dynamodb-sink-table-auto-create.json", "kinesis-source.json");
        Set<String> used = new TreeSet<>();
        for (String template : templates) {
            used.addAll(DeployInputs.placeholders(Files.readString(ROOT.resolve("deploy/iam/" + template))));
        }
        assertThat(keys).isEqualTo(used);
        assertThat(DeployInputs.SEED.keySet()).as("the test's seed values cover the same names").isEqualTo(
                used.stream().filter(k -> !k.equals("connector_name")).collect(java.util.stream.Collectors.toSet()));
        // the KMS statements the module drops when there is no key are the ones the templates name
        String drops = Hcl.flatten(locals().get("unused_kms_sids").expr()).toString();
        for (String sid : List.of("KmsDecryptStreams", "KmsSseKmsObjects")) {
            assertThat(drops).contains(sid);
            try (Stream<Path> files = Files.list(ROOT.resolve("deploy/iam"))) {
                assertThat(files.anyMatch(p -> {
                    try {
                        return Files.readString(p).contains("\"Sid\": \"" + sid + "\"");
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                })).as(sid).isTrue();
            }
        }
    }

    @Test
    void seedNamesAreTheDefaults() throws IOException {
        Map<String, String> defaults = new HashMap<>();
        for (Block v : all("variable")) {
            Hcl.Attribute d = v.attributes().get("default");
            if (d != null && d.expr().size() == 1 && d.expr().get(0).kind() == Kind.STRING) {
                defaults.put(v.labels().get(0), d.expr().get(0).text());
            }
        }
        for (String k : List.of("stream_main", "stream_clickstream", "stream_iot", "stream_transaction", "table", "bucket")) {
            assertThat(defaults.get(k)).as("default of var." + k).isEqualTo(DeployInputs.SEED.get(k));
        }
        Block connectors = all("variable").stream().filter(v -> v.labels().get(0).equals("connectors")).findFirst().orElseThrow();
        Set<String> listed = new TreeSet<>();
        connectors.attributes().get("default").expr().stream().filter(t -> t.kind() == Kind.STRING).forEach(t -> listed.add(t.text()));
        assertThat(listed).isEqualTo(DeployInputs.connectors().keySet());
    }

    /** The connector files: one per shipped connector, {"name", "config"} equal to its MSK Connect configuration. */
    @Test
    void connectorFilesMatchTheShippedConfigs() throws IOException {
        Map<String, Map<String, String>> shipped = DeployInputs.connectors();
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(MODULE.resolve("connectors"))) {
            // fileset(connectors, "*.json") reads these; connectors/at-least-once/ is the variant's folder
            s.filter(p -> p.toString().endsWith(".json")).forEach(p -> files.add(p.getFileName().toString()));
        }
        assertThat(files).isEqualTo(shipped.keySet().stream().map(n -> n + ".json").collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
        for (String name : shipped.keySet()) {
            JsonNode n = DeployInputs.JSON.readTree(MODULE.resolve("connectors/" + name + ".json").toFile());
            assertThat(n.path("name").asText()).isEqualTo(name);
            Map<String, String> cfg = new LinkedHashMap<>();
            n.path("config").fields().forEachRemaining(e -> {
                assertThat(e.getValue().isTextual()).as(name + " " + e.getKey() + " is a string").isTrue();
                cfg.put(e.getKey(), e.getValue().asText());
            });
            assertThat(cfg).as(name).isEqualTo(shipped.get(name));
        }
    }

    /** Each environment override sets a key the connector's shipped config has or its ConfigDef defines. */
    @Test
    void overridesOnlySetKeysTheConnectorsKnow() throws IOException {
        Map<String, Hcl.Attribute> locals = locals();
        List<Token> overrides = locals.get("overrides").expr();
        Map<String, Set<String>> keysByConnector = new TreeMap<>();
        String current = null;
        int depth = 0;
        for (int i = 0; i < overrides.size(); i++) {
            Token t = overrides.get(i);
            if (t.is("{") || t.is("(") || t.is("[")) {
                depth++;
            } else if (t.is("}") || t.is(")") || t.is("]")) {
                depth--;
            } else if (t.kind() == Kind.STRING && i + 1 < overrides.size() && overrides.get(i + 1).is("=")) {
                if (depth == 1) {
                    current = t.text();
                    keysByConnector.put(current, new TreeSet<>());
                } else {
                    keysByConnector.get(current).add(t.text());
                }
            } else if (t.text().equals("local") && depth >= 2) {
                keysByConnector.get(current).addAll(objectKeys(locals.get(overrides.get(i + 2).text()).expr(), 1));
            }
        }
        Map<String, Map<String, String>> shipped = DeployInputs.connectors();
        assertThat(keysByConnector.keySet()).isEqualTo(shipped.keySet());
        for (Map.Entry<String, Set<String>> e : keysByConnector.entrySet()) {
            Map<String, String> cfg = shipped.get(e.getKey());
            // the module README's config table, generated from the connector's ConfigDef (its ConfigDocsTest)
            String cls = cfg.get("connector.class");
            String module = cls.contains(".kinesis.") ? "kinesis-source-connector" : cls.contains(".dynamodb.") ? "dynamodb-sink-connector" : "s3-archive-sink";
            Set<String> known = new HashSet<>();
            Matcher m = Pattern.compile("(?m)^\\| `([a-z0-9.]+)` \\|").matcher(Files.readString(ROOT.resolve(module + "/README.md")));
            while (m.find()) {
                known.add(m.group(1));
            }
            assertThat(known).as(module + " config table").contains("aws.region");
            known.addAll(cfg.keySet());
            assertThat(known).as(e.getKey() + " override keys").containsAll(e.getValue());
            assertThat(e.getValue()).as(e.getKey() + " gets this environment's region").contains("aws.region");
        }
        assertThat(keysByConnector.get("kinesis-source")).contains("kinesis.position", "kinesis.position.timestamp", "kinesis.stream.names");
        assertThat(keysByConnector.get("s3-archive-raw")).contains("s3.sse", "s3.sse.kms.key.id", "s3.bucket");
    }

    /** Keys (identifiers or strings followed by '=') of the object literal at the given brace depth. */
    private static Set<String> objectKeys(List<Token> expr, int atDepth) {
        Set<String> out = new TreeSet<>();
        int depth = 0;
        for (int i = 0; i < expr.size(); i++) {
            Token t = expr.get(i);
            if (t.is("{")) {
                depth++;
            } else if (t.is("}")) {
                depth--;
            } else if (depth == atDepth && (t.kind() == Kind.IDENT || t.kind() == Kind.STRING) && i + 1 < expr.size()
                    && expr.get(i + 1).is("=") && (i == 0 || !expr.get(i - 1).is("."))) {
                out.add(t.text());
            }
        }
        return out;
    }

    private static List<List<Token>> expressions(Block b) {
        List<List<Token>> out = new ArrayList<>();
        b.attributes().values().forEach(a -> out.add(a.expr()));
        b.blocks().forEach(n -> out.addAll(expressions(n)));
        return out;
    }

}
