package io.mskbridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.mskbridge.common.config.ConfigReference;

/**
 * The shipped connector configs are generated from deploy/connectors (see {@link ConnectorConfigs}): any hand edit
 * of a generated file, or a stale file next to them, fails here; {@code -Dmskbridge.docs.update=true} rewrites them.
 * The rest checks what the targets must say: topics created by the source with the target's partitions,
 * replication and min ISR, DLQ replication, and an at-least-once variant that needs neither worker exactly-once
 * support nor client overrides.
 */
class ConnectorConfigsTest {

    private static final Path ROOT = Path.of(System.getProperty("mskbridge.root", ".."));

    @Test
    void generatedFilesAreCurrent() throws IOException {
        boolean update = Boolean.getBoolean(ConfigReference.UPDATE_PROPERTY);
        Map<String, String> files = ConnectorConfigs.generatedFiles(ROOT);
        Set<String> stale = new TreeSet<>();
        for (String dir : ConnectorConfigs.generatedDirs()) {
            Path d = ROOT.resolve(dir);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(Files::isRegularFile).map(p -> ROOT.relativize(p).toString())
                            .filter(p -> !files.containsKey(p)).forEach(stale::add);
                }
            }
        }
        Set<String> drifted = new TreeSet<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path f = ROOT.resolve(e.getKey());
            String current = Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : null;
            if (!e.getValue().equals(current)) {
                drifted.add(e.getKey());
                if (update) {
                    Files.createDirectories(f.getParent());
                    Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
                }
            }
        }
        if (update) {
            for (String s : stale) {
                Files.delete(ROOT.resolve(s));
            }
            return;
        }
        assertThat(drifted).as("generated from deploy/connectors but edited or stale: edit deploy/connectors instead and "
                + "run mvn -o -pl distribution -am test -Dtest=ConnectorConfigsTest -Dsurefire.failIfNoSpecifiedTests=false "
                + "-D" + ConfigReference.UPDATE_PROPERTY + "=true").isEmpty();
        assertThat(stale).as("files in generated folders that deploy/connectors does not produce (same command removes them)")
                .isEmpty();
    }

    @Test
    void everyTargetHasEveryConnector() {
        Set<String> names = ConnectorConfigs.render(ROOT, ConnectorConfigs.DOCKER).keySet();
        assertThat(names).containsExactlyInAnyOrder("kinesis-source", "kinesis-source-raw", "dynamodb-sink-events",
                "dynamodb-sink-transactions", "s3-archive-processed", "s3-archive-raw");
        assertThat(ConnectorConfigs.render(ROOT, ConnectorConfigs.MSK).keySet()).isEqualTo(names);
        assertThat(ConnectorConfigs.render(ROOT, ConnectorConfigs.MSK_AT_LEAST_ONCE).keySet()).isEqualTo(names);
    }

    @Test
    void sourcesCreateTheirTopicsWithTheTargetsReplication() {
        expectTopics(ConnectorConfigs.DOCKER, "1", "1");
        expectTopics(ConnectorConfigs.MSK, "3", "2");
        expectTopics(ConnectorConfigs.MSK_AT_LEAST_ONCE, "3", "2");
    }

    private static void expectTopics(String target, String replication, String minIsr) {
        ConnectorConfigs.render(ROOT, target).forEach((name, cfg) -> {
            String what = target + "/" + name;
            if (cfg.get("connector.class").endsWith("SourceConnector")) {
                // Connect creates a topic (routed .invalid twins included) when the task first writes to it; the
                // broker's auto-creation (off by default on MSK) is never needed.
                assertThat(Integer.parseInt(cfg.get("topic.creation.default.partitions"))).as(what).isPositive();
                assertThat(cfg.get("topic.creation.default.replication.factor")).as(what).isEqualTo(replication);
                assertThat(cfg.get("topic.creation.default.min.insync.replicas")).as(what).isEqualTo(minIsr);
            } else {
                assertThat(cfg).as(what).doesNotContainKey("topic.creation.default.partitions");
                assertThat(cfg.get("errors.deadletterqueue.topic.name")).as(what).isNotBlank();
                assertThat(cfg.get("errors.deadletterqueue.topic.replication.factor")).as(what).isEqualTo(replication);
            }
        });
    }

    @Test
    void exactlyOnceAsksTheWorkerAndTheAtLeastOnceVariantNeedsNeitherWorkerSupportNorOverrides() throws IOException {
        for (String target : new String[] {ConnectorConfigs.DOCKER, ConnectorConfigs.MSK}) {
            ConnectorConfigs.render(ROOT, target).forEach((name, cfg) -> {
                if (cfg.get("connector.class").endsWith("SourceConnector")) {
                    // required: a worker without exactly.once.source.support refuses the connector instead of
                    // silently running it at-least-once
                    assertThat(cfg.get("exactly.once.support")).as(target + "/" + name).isEqualTo("required");
                } else {
                    assertThat(cfg.get("consumer.override.isolation.level")).as(target + "/" + name).isEqualTo("read_committed");
                }
            });
        }
        ConnectorConfigs.render(ROOT, ConnectorConfigs.MSK_AT_LEAST_ONCE).forEach((name, cfg) -> {
            assertThat(cfg.keySet()).as(name).noneMatch(k -> k.startsWith("exactly.once.") || k.startsWith("transaction.")
                    || k.startsWith("consumer.override.") || k.startsWith("producer.override.") || k.startsWith("admin.override."));
        });
        Properties eos = properties("deploy/msk-connect/worker-configuration.properties");
        Properties alo = properties(ConnectorConfigs.AT_LEAST_ONCE_DIR + "/worker-configuration.properties");
        assertThat(eos.getProperty("exactly.once.source.support")).isEqualTo("enabled");
        assertThat(alo).doesNotContainKey("exactly.once.source.support");
        Properties eosWithoutIt = new Properties();
        eosWithoutIt.putAll(eos);
        eosWithoutIt.remove("exactly.once.source.support");
        assertThat(alo).as("the variants' worker configurations differ only in exactly-once").isEqualTo(eosWithoutIt);
        Properties docker = properties("docker/connect/worker.properties");
        assertThat(docker.getProperty("exactly.once.source.support")).isEqualTo("enabled");
        assertThat(docker.getProperty("topic.creation.enable", "true")).isEqualTo("true");
        assertThat(eos.getProperty("topic.creation.enable", "true")).isEqualTo("true");
    }

    @Test
    void mskAndDockerDifferOnlyInWhatTheTargetsSay() {
        Map<String, Map<String, String>> docker = ConnectorConfigs.render(ROOT, ConnectorConfigs.DOCKER);
        Map<String, Map<String, String>> msk = ConnectorConfigs.render(ROOT, ConnectorConfigs.MSK);
        Set<String> targetKeys = Set.of("aws.endpoint.url", "topic.creation.default.partitions",
                "topic.creation.default.replication.factor", "topic.creation.default.min.insync.replicas",
                "errors.deadletterqueue.topic.replication.factor",
                // LocalStack in the Compose stack runs no CloudWatch: the publishers are on for MSK only
                "metrics.cloudwatch.enabled");
        docker.forEach((name, d) -> {
            assertThat(d.get("aws.endpoint.url")).as(name).isEqualTo("http://localstack:4566");
            Map<String, String> m = msk.get(name);
            assertThat(m).as(name).doesNotContainKey("aws.endpoint.url");
            assertThat(m.get("aws.credentials.provider")).as(name + ": the service execution role").isEqualTo("default");
            Map<String, String> a = new HashMap<>(d);
            Map<String, String> b = new HashMap<>(m);
            a.keySet().removeAll(targetKeys);
            b.keySet().removeAll(targetKeys);
            assertThat(b).as(name).isEqualTo(a);
        });
    }

    @Test
    void substitutionDropsNullWholeValuesAndLeavesConfigProvidersAlone() {
        Map<String, String> vars = new HashMap<>();
        vars.put("rf", "3");
        vars.put("endpoint", null);
        assertThat(ConnectorConfigs.substitute("{{rf}}", vars, "t")).isEqualTo("3");
        assertThat(ConnectorConfigs.substitute("x-{{rf}}-{kinesis.stream}", vars, "t")).isEqualTo("x-3-{kinesis.stream}");
        assertThat(ConnectorConfigs.substitute("${env:SECRET}", vars, "t")).isEqualTo("${env:SECRET}");
        assertThat(ConnectorConfigs.substitute("{{endpoint}}", vars, "t")).isNull();
        assertThatThrownBy(() -> ConnectorConfigs.substitute("http://{{endpoint}}", vars, "f key k"))
                .hasMessageContaining("f key k").hasMessageContaining("{{endpoint}} is null");
        assertThatThrownBy(() -> ConnectorConfigs.substitute("{{nope}}", vars, "f key k"))
                .hasMessageContaining("unknown variable {{nope}}");
    }

    private static Properties properties(String file) throws IOException {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(ROOT.resolve(file))) {
            p.load(r);
        }
        return p;
    }
}
