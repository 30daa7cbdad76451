package io.mskbridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mskbridge.aws.metrics.CloudWatchMetricsConfig;

/**
 * The CloudWatch deploy inputs against the code: the alarms (CLI and Terraform form) name only metrics the pack
 * defines, with only the dimensions it publishes, and the two forms alarm on the same metrics; the metrics policy
 * grants PutMetricData in one namespace only, and no connector policy grants CloudWatch itself (only roles that
 * publish get the separate policy: CloudWatchGrantsTest).
 */
class CloudWatchDeployTest {

    private static final Path ROOT = Path.of(System.getProperty("mskbridge.root", ".."));
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where a metric is defined: counter/gauge/summary("Name", ...) and families. */
    private static final Pattern DEFINITION = Pattern.compile(
            "\\.(?:counter|gauge|summary|counters|gauges|summaries|shardGauge)\\(\\s*\"([A-Z][A-Za-z0-9]*)\"");
    private static final Pattern TF_METRIC = Pattern.compile(
            "namespace\\s*=\\s*(\\S+)\\s*\\n\\s*metric\\s*=\\s*\"(\\w+)\"\\s*\\n\\s*dimensions\\s*=\\s*tomap\\(\\{([^}]*)}\\)");

    static Set<String> definedMetrics() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String module : List.of("aws-common", "kinesis-source-connector", "dynamodb-sink-connector",
                "s3-archive-sink")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = DEFINITION.matcher(Files.readString(f));
                    while (m.find()) {
                        names.add(m.group(1));
                    }
                }
            }
        }
        return names;
    }

    @Test
    void alarmsNameDefinedMetricsAndPublishedDimensionsInBothForms() throws IOException {
        Set<String> defined = definedMetrics();
        assertThat(defined).contains("MillisBehindLatest", "ProcessingErrors", "ThrottledRequests",
                "MetricsPointsDropped");
        Set<String> publishedDimensions = Set.of("ConnectorName", "Task", "Stream");

        JsonNode alarms = JSON.readTree(ROOT.resolve("deploy/cloudwatch/alarms.json").toFile());
        Set<String> cliMetrics = new TreeSet<>();
        Set<String> names = new TreeSet<>();
        for (JsonNode a : alarms) {
            for (String key : List.of("AlarmName", "Namespace", "MetricName", "Statistic", "Period",
                    "EvaluationPeriods", "Threshold", "ComparisonOperator", "TreatMissingData")) {
                assertThat(a.has(key)).as(a.path("AlarmName").asText() + " has " + key).isTrue();
            }
            assertThat(names.add(a.get("AlarmName").asText())).as("alarm names are unique").isTrue();
            String ns = a.get("Namespace").asText();
            String metric = a.get("MetricName").asText();
            List<String> dims = new ArrayList<>();
            a.get("Dimensions").forEach(d -> dims.add(d.get("Name").asText()));
            assertThat(dims).contains("ConnectorName");
            if (ns.equals("AWS/KafkaConnect")) {
                assertThat(metric).isEqualTo("ErroredTaskCount");
                assertThat(dims).containsExactly("ConnectorName");
            } else {
                assertThat(ns).isEqualTo(CloudWatchMetricsConfig.NAMESPACE_DEFAULT);
                assertThat(defined).as("alarm " + a.get("AlarmName").asText()).contains(metric);
                assertThat(publishedDimensions).containsAll(dims);
                cliMetrics.add(metric);
            }
        }
        JsonNode age = null;
        for (JsonNode a : alarms) {
            if (a.get("MetricName").asText().equals("MillisBehindLatest")) {
                age = a;
            }
        }
        assertThat(age).isNotNull();
        assertThat(age.get("Threshold").asDouble()).isEqualTo(60_000.0);
        assertThat(age.get("EvaluationPeriods").asInt()).isEqualTo(2);
        assertThat(age.get("Statistic").asText()).isEqualTo("Maximum");

        String tf = Files.readString(ROOT.resolve("deploy/terraform/alarms.tf"));
        Set<String> tfMetrics = new TreeSet<>();
        Matcher m = TF_METRIC.matcher(tf);
        int resources = 0;
        while (m.find()) {
            resources++;
            if (m.group(1).equals("var.alarms_namespace")) {
                tfMetrics.add(m.group(2));
                for (String dim : m.group(3).split(",")) {
                    assertThat(publishedDimensions).contains(dim.split("=")[0].trim());
                }
            } else {
                assertThat(m.group(1)).isEqualTo("\"AWS/KafkaConnect\"");
                assertThat(m.group(2)).isEqualTo("ErroredTaskCount");
            }
        }
        assertThat(resources).as("every alarm entry read").isEqualTo(tf.split("\n\\s*description\\s*=").length - 1)
                .isGreaterThan(5);
        assertThat(tfMetrics).as("the Terraform and CLI alarms watch the same metrics").isEqualTo(cliMetrics);
        assertThat(Files.readString(ROOT.resolve("deploy/terraform/alarms_variables.tf")))
                .contains("default     = \"" + CloudWatchMetricsConfig.NAMESPACE_DEFAULT + "\"");
    }

    @Test
    void onlyTheMetricsPolicyGrantsPutMetricDataAndOnlyInThePacksNamespace() throws IOException {
        JsonNode policy = JSON.readTree(ROOT.resolve("deploy/iam/cloudwatch-metrics.json").toFile());
        JsonNode statements = policy.get("Statement");
        assertThat(statements).hasSize(1);
        JsonNode s = statements.get(0);
        assertThat(s.get("Effect").asText()).isEqualTo("Allow");
        assertThat(s.get("Action")).extracting(JsonNode::asText).containsExactly("cloudwatch:PutMetricData");
        // PutMetricData has no resource-level permissions; the namespace condition is what limits it.
        assertThat(s.get("Resource").asText()).isEqualTo("*");
        // rendered with the namespace of the connector's configuration (CloudWatchGrantsTest)
        assertThat(s.at("/Condition/StringEquals/cloudwatch:namespace").asText()).isEqualTo("${metrics_namespace}");

        try (Stream<Path> files = Files.list(ROOT.resolve("deploy/iam"))) {
            for (Path f : files.filter(p -> !p.getFileName().toString().equals("cloudwatch-metrics.json")).toList()) {
                assertThat(Files.readString(f)).as(f + " grants no CloudWatch action").doesNotContain("cloudwatch:");
            }
        }
    }
}
