package io.mskbridge.distribution;

import static io.mskbridge.distribution.DeployInputs.ROOT;
import static io.mskbridge.distribution.DeployInputs.SEED;
import static io.mskbridge.distribution.DeployInputs.list;
import static io.mskbridge.distribution.DeployInputs.matches;
import static io.mskbridge.distribution.DeployInputs.policy;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Least privilege, checked against the code and the shipped configs. One policy template per shipped connector
 * (deploy/iam/&lt;connector&gt;.json, the role deploy/msk-connect/connector-&lt;connector&gt;.json names), rendered with
 * the seeds' values as Terraform renders it:
 * <ul>
 * <li>AWS actions: exactly the SDK operations the connector's module calls (found by scanning its main sources for
 * the clients' operation methods) plus {@link #ON_BEHALF}, the actions a service checks against the caller while
 * serving those calls; DynamoDB's table creation only in the auto-create variant;</li>
 * <li>Kafka: what the connector's config makes Connect do, and nothing on other topics: a source creates and writes
 * its topics (and their {@code .invalid} twins when it routes invalid records), a sink reads its input topics and
 * may not write them, creates and writes its DLQ, and uses the group {@code connect-<connector>}; every role may use
 * MSK Connect's internal topics and groups ({@code __amazon_msk_connect_*}), none {@code __consumer_offsets};</li>
 * <li>every KMS grant holds only through its service ({@code kms:ViaService});</li>
 * <li>the trust policy lets only MSK Connect assume the role, for this account's connector of that name.</li>
 * </ul>
 */
class IamPoliciesTest {

    private static final Pattern CALL = Pattern.compile("\\.(\\w+)\\(");
    private static final Set<String> EXTRA_FILES = Set.of("trust-policy-msk-connect.json", "self-managed-worker.json",
            "dynamodb-sink-table-auto-create.json", "cloudwatch-metrics.json");
    private static final Set<String> AUTO_CREATE_ACTIONS = Set.of("dynamodb:CreateTable", "dynamodb:UpdateTimeToLive");
    private static final String TOPIC = "arn:aws:kafka:us-east-1:123456789012:topic/mskbridge-dev/11111111-2222-3333-4444-555555555555-1/";
    private static final String GROUP = TOPIC.replace(":topic/", ":group/");
    private static final String TXN = TOPIC.replace(":topic/", ":transactional-id/");
    private static final String CLUSTER = TOPIC.replace(":topic/", ":cluster/").replaceAll("/$", "");

    /**
     * S3 operations whose IAM actions are not their own name. HeadObject needs s3:ListBucket too: without it S3
     * answers a HEAD of a missing key with 403 instead of 404, and the S3 sink's batch recovery relies on the 404.
     */
    private static final Map<String, List<String>> S3_ACTIONS = Map.of(
            "createMultipartUpload", List.of("s3:PutObject"),
            "uploadPart", List.of("s3:PutObject"),
            "completeMultipartUpload", List.of("s3:PutObject"),
            "headBucket", List.of("s3:ListBucket"),
            "listObjectsV2", List.of("s3:ListBucket"),
            "listObjects", List.of("s3:ListBucket"),
            "headObject", List.of("s3:GetObject", "s3:ListBucket"),
            "listMultipartUploads", List.of("s3:ListBucketMultipartUploads"));

    /**
     * Actions no SDK call of ours names but that a service checks against the caller while serving one (from AWS
     * docs): Kinesis decrypts the records of a stream encrypted with a customer-managed key for GetRecords with the
     * reader's kms:Decrypt on that key (Kinesis developer guide, "Permissions to use user-generated KMS keys"); S3
     * writes an SSE-KMS object with the writer's kms:GenerateDataKey, and needs kms:Decrypt to complete a multipart
     * upload and to read the object back (S3 user guide, "Using server-side encryption with AWS KMS keys"). Each such
     * grant must be limited to that service by a kms:ViaService condition, so the role cannot use the key directly.
     */
    private static final Map<String, List<String>> ON_BEHALF = Map.of(
            "kinesis", List.of("kms:Decrypt"),
            "s3", List.of("kms:Decrypt", "kms:GenerateDataKey"));

    static List<String> connectorNames() throws IOException {
        return new ArrayList<>(DeployInputs.connectors().keySet());
    }

    private static String service(Map<String, String> cfg) {
        String cls = cfg.get("connector.class");
        return cls.startsWith("io.mskbridge.kinesis.") ? "kinesis" : cls.startsWith("io.mskbridge.dynamodb.") ? "dynamodb" : "s3";
    }

    private static String module(String service) {
        return switch (service) {
            case "kinesis" -> "kinesis-source-connector";
            case "dynamodb" -> "dynamodb-sink-connector";
            default -> "s3-archive-sink";
        };
    }

    private static Map<String, String> vars(String connector) {
        Map<String, String> v = new HashMap<>(SEED);
        v.put("connector_name", connector);
        return v;
    }

    @Test
    void everyShippedConnectorHasItsOwnPolicyAndThereAreNoOthers() throws IOException {
        Set<String> expected = new TreeSet<>(EXTRA_FILES);
        for (String c : connectorNames()) {
            expected.add(c + ".json");
            JsonNode shipped = DeployInputs.JSON.readTree(ROOT.resolve("deploy/msk-connect/connector-" + c + ".json").toFile());
            assertThat(shipped.path("serviceExecutionRoleArn").asText()).as(c + " runs under its own role").endsWith(":role/mskbridge-" + c);
        }
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("deploy/iam"))) {
            files.forEach(f -> present.add(f.getFileName().toString()));
        }
        assertThat(expected).containsAll(present);
        expected.remove("cloudwatch-metrics.json");
        assertThat(present).containsAll(expected);
    }

    @ParameterizedTest
    @MethodSource("connectorNames")
    void awsActionsAreExactlyWhatTheCodeCalls(String connector) throws IOException {
        String service = service(DeployInputs.connectors().get(connector));
        Set<String> called = calledActions(module(service), service);
        assertThat(called).as("AWS calls found in " + module(service)).isNotEmpty();

        Set<String> granted = awsActions(policy(connector, vars(connector)));
        assertThat(granted).as(connector + ": table creation only in the auto-create variant").doesNotContainAnyElementsOf(AUTO_CREATE_ACTIONS);
        if (service.equals("dynamodb")) {
            Set<String> variant = awsActions(policy("dynamodb-sink-table-auto-create", vars(connector)));
            assertThat(variant).isEqualTo(AUTO_CREATE_ACTIONS);
            granted.addAll(variant);
        }
        Set<String> expected = new TreeSet<>(called);
        expected.addAll(ON_BEHALF.getOrDefault(service, List.of()));
        assertThat(granted).as(connector + ": AWS actions granted vs. calls in " + module(service) + " and "
                + ON_BEHALF.getOrDefault(service, List.of()) + " checked on their behalf").isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("connectorNames")
    void kafkaRightsAreWhatTheConfigMakesConnectDo(String connector) throws IOException {
        Map<String, String> cfg = DeployInputs.connectors().get(connector);
        JsonNode policy = policy(connector, vars(connector));
        assertAllowed(policy, CLUSTER, "kafka-cluster:Connect", "kafka-cluster:DescribeCluster", "kafka-cluster:WriteDataIdempotently");
        // MSK Connect's own topics and groups (from AWS docs: MSK developer guide, "Understand service execution role")
        assertAllowed(policy, TOPIC + "__amazon_msk_connect_offsets_" + connector + "_x", "kafka-cluster:CreateTopic",
                "kafka-cluster:DescribeTopic", "kafka-cluster:ReadData", "kafka-cluster:WriteData");
        assertAllowed(policy, GROUP + "__amazon_msk_connect_" + connector, "kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup");

        Set<String> own = new TreeSet<>();
        if (service(cfg).equals("kinesis")) {
            for (String stream : list(cfg, "kinesis.stream.names")) {
                String topic = cfg.getOrDefault("kafka.topic", "{kinesis.stream}").replace("{kinesis.stream}", stream);
                own.add(topic);
                if (routesInvalid(cfg)) {
                    own.add(topic + ".invalid");
                }
            }
            for (String t : own) {
                assertAllowed(policy, TOPIC + t, "kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:WriteData");
            }
            if (!"disabled".equals(cfg.get("exactly.once.support"))) {
                assertAllowed(policy, TXN + "connect-cluster-" + connector + "-0", "kafka-cluster:AlterTransactionalId",
                        "kafka-cluster:DescribeTransactionalId");
            }
            assertThat(granted(policy, GROUP + "connect-" + connector)).as(connector + ": a source has no consumer group").isEmpty();
        } else {
            for (String t : list(cfg, "topics")) {
                assertAllowed(policy, TOPIC + t, "kafka-cluster:DescribeTopic", "kafka-cluster:ReadData");
                assertThat(granted(policy, TOPIC + t)).as(connector + " may not write its input topic " + t)
                        .doesNotContain("kafka-cluster:WriteData", "kafka-cluster:CreateTopic", "kafka-cluster:AlterTopic",
                                "kafka-cluster:DeleteTopic");
                own.add(t);
            }
            String dlq = cfg.get("errors.deadletterqueue.topic.name");
            if (dlq != null) {
                assertAllowed(policy, TOPIC + dlq, "kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:WriteData");
                own.add(dlq);
            }
            assertAllowed(policy, GROUP + "connect-" + connector, "kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup");
        }
        // nothing beyond: no other topic, group or the brokers' own offsets topic
        for (String other : List.of("__consumer_offsets", "some-other-topic", "events.other")) {
            if (!own.contains(other)) {
                assertThat(granted(policy, TOPIC + other)).as(connector + ": rights on topic " + other).isEmpty();
            }
        }
        assertThat(granted(policy, GROUP + "connect-some-other-connector")).as(connector + ": rights on another group").isEmpty();
        assertThat(granted(policy, GROUP + "some-consumer")).as(connector + ": rights on another group").isEmpty();
    }

    @Test
    void everyKmsGrantHoldsOnlyThroughItsService() throws IOException {
        Map<String, String> keyService = Map.of(SEED.get("stream_kms_key_arn"), "kinesis", SEED.get("bucket_kms_key_arn"), "s3");
        int kmsStatements = 0;
        for (String connector : connectorNames()) {
            for (JsonNode st : policy(connector, vars(connector)).path("Statement")) {
                if (!st.path("Action").toString().contains("\"kms:")) {
                    continue;
                }
                kmsStatements++;
                for (JsonNode r : st.path("Resource")) {
                    String service = keyService.get(r.asText());
                    assertThat(service).as("KMS key of " + connector + " " + st).isNotNull();
                    assertThat(st.path("Condition").path("StringEquals").path("kms:ViaService").asText())
                            .as("kms:ViaService of " + connector + " " + st).isEqualTo(service + ".us-east-1.amazonaws.com");
                    assertThat(st.path("Condition").size()).isEqualTo(1);
                }
            }
        }
        assertThat(kmsStatements).as("KMS statements: 2 sources + 2 S3 sinks").isEqualTo(4);
    }

    @Test
    void onlyMskConnectAssumesTheRoleForThisAccountsConnectorOfThatName() throws IOException {
        JsonNode trust = policy("trust-policy-msk-connect", vars("dynamodb-sink-events"));
        assertThat(trust.path("Statement")).hasSize(1);
        JsonNode st = trust.path("Statement").get(0);
        assertThat(st.path("Effect").asText()).isEqualTo("Allow");
        assertThat(st.path("Principal").toString()).isEqualTo("{\"Service\":\"kafkaconnect.amazonaws.com\"}");
        assertThat(st.path("Action").asText()).isEqualTo("sts:AssumeRole");
        assertThat(st.path("Condition").path("StringEquals").path("aws:SourceAccount").asText()).isEqualTo("123456789012");
        String arn = st.path("Condition").path("ArnLike").path("aws:SourceArn").asText();
        assertThat(matches(arn, "arn:aws:kafkaconnect:us-east-1:123456789012:connector/dynamodb-sink-events/abc-2")).isTrue();
        assertThat(matches(arn, "arn:aws:kafkaconnect:us-east-1:123456789012:connector/dynamodb-sink-transactions/abc-2")).isFalse();
        assertThat(matches(arn, "arn:aws:kafkaconnect:us-east-1:999999999999:connector/dynamodb-sink-events/abc-2")).isFalse();
    }

    /** The self-managed worker's role: its internal topics, its group and, with exactly-once, its transactional IDs. */
    @Test
    void selfManagedWorkerPolicyCoversTheWorkerConfig() throws IOException {
        Properties worker = new Properties();
        try (Reader r = Files.newBufferedReader(ROOT.resolve("deploy/self-managed/worker-msk-iam.properties"))) {
            worker.load(r);
        }
        Map<String, String> v = new HashMap<>(SEED);
        v.put("worker_group_id", worker.getProperty("group.id"));
        v.put("config_storage_topic", worker.getProperty("config.storage.topic"));
        v.put("offset_storage_topic", worker.getProperty("offset.storage.topic"));
        v.put("status_storage_topic", worker.getProperty("status.storage.topic"));
        JsonNode policy = policy("self-managed-worker", v);
        assertAllowed(policy, CLUSTER, "kafka-cluster:Connect", "kafka-cluster:DescribeCluster", "kafka-cluster:WriteDataIdempotently");
        for (String key : List.of("config.storage.topic", "offset.storage.topic", "status.storage.topic")) {
            assertAllowed(policy, TOPIC + worker.getProperty(key), "kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic",
                    "kafka-cluster:ReadData", "kafka-cluster:WriteData");
        }
        assertAllowed(policy, GROUP + worker.getProperty("group.id"), "kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup");
        assertThat(worker.getProperty("exactly.once.source.support")).isEqualTo("enabled");
        // Kafka Connect's transactional IDs: <group.id>-<connector>-<task> for source tasks, <group.id>-leader for the leader
        for (String id : List.of(worker.getProperty("group.id") + "-kinesis-source-0", worker.getProperty("group.id") + "-leader")) {
            assertAllowed(policy, TXN + id, "kafka-cluster:AlterTransactionalId", "kafka-cluster:DescribeTransactionalId");
        }
        assertThat(granted(policy, TOPIC + "__consumer_offsets")).isEmpty();
        assertThat(granted(policy, TXN + "other-worker-leader")).isEmpty();
    }

    private static boolean routesInvalid(Map<String, String> cfg) {
        for (String t : list(cfg, "transforms")) {
            if (cfg.getOrDefault("transforms." + t + ".type", "").startsWith("io.mskbridge.smt.ValidateFields")
                    && "route".equalsIgnoreCase(cfg.get("transforms." + t + ".on.invalid"))) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest
    @MethodSource("connectorNames")
    void anEnhancedFanOutSourceMaySubscribeItsOwnConsumerOnly(String connector) throws IOException {
        Map<String, String> cfg = DeployInputs.connectors().get(connector);
        if (!service(cfg).equals("kinesis") || !"efo".equalsIgnoreCase(cfg.get("kinesis.consumer.mode"))) {
            return;
        }
        // The consumer the connector registers: kinesis.efo.consumer.name, else the connector's own name.
        String consumer = cfg.getOrDefault("kinesis.efo.consumer.name", connector);
        JsonNode policy = policy(connector, vars(connector));
        String region = "arn:aws:kinesis:" + SEED.get("region") + ":" + SEED.get("account_id") + ":stream/";
        for (String stream : list(cfg, "kinesis.stream.names")) {
            assertAllowed(policy, region + stream, "kinesis:RegisterStreamConsumer");
            String arn = region + stream + "/consumer/" + consumer + ":1700000000";
            assertAllowed(policy, arn, "kinesis:DescribeStreamConsumer", "kinesis:SubscribeToShard");
            assertThat(granted(policy, region + stream + "/consumer/someone-else:1700000000"))
                    .as(connector + " may not read another consumer's subscription").isEmpty();
        }
    }

    /** Every action some statement of the policy allows on the resource. */
    private static Set<String> granted(JsonNode policy, String arn) {
        Set<String> out = new TreeSet<>();
        for (JsonNode st : policy.path("Statement")) {
            for (JsonNode r : st.path("Resource")) {
                if (matches(r.asText(), arn)) {
                    st.path("Action").forEach(a -> out.add(a.asText()));
                }
            }
        }
        return out;
    }

    private static void assertAllowed(JsonNode policy, String arn, String... actions) {
        assertThat(granted(policy, arn)).as("actions allowed on " + arn).contains(actions);
    }

    private static Set<String> awsActions(JsonNode policy) {
        assertThat(policy.path("Version").asText()).isEqualTo("2012-10-17");
        Set<String> out = new TreeSet<>();
        Set<String> sids = new HashSet<>();
        for (JsonNode st : policy.path("Statement")) {
            // deploy/terraform drops statements by Sid (KMS statements without a key)
            assertThat(sids.add(st.path("Sid").asText())).as("a unique, non-empty Sid in " + st).isTrue();
            assertThat(st.path("Sid").asText()).isNotEmpty();
            assertThat(st.path("Effect").asText()).isEqualTo("Allow");
            assertThat(st.path("Resource").isArray()).as("Resource list in " + st).isTrue();
            st.path("Resource").forEach(r -> assertThat(r.asText()).as("no wildcard-only resource in " + st).isNotEqualTo("*"));
            for (JsonNode a : st.path("Action")) {
                assertThat(a.asText()).as("no wildcard actions").doesNotContain("*");
                if (!a.asText().startsWith("kafka-cluster:")) {
                    out.add(a.asText());
                }
            }
        }
        return out;
    }

    private static Set<String> calledActions(String module, String service) throws IOException {
        Set<String> operations = operations(service);
        Set<String> called = new TreeSet<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Matcher m = CALL.matcher(Files.readString(f));
                while (m.find()) {
                    String op = m.group(1).replaceAll("Paginator$", "");
                    if (operations.contains(op)) {
                        called.addAll(actions(service, op));
                    }
                    if (service.equals("dynamodb") && op.equals("waitUntilTableExists")) {
                        called.add("dynamodb:DescribeTable");
                    }
                }
            }
        }
        return called;
    }

    static Set<String> operations(String service) {
        Set<String> ops = new HashSet<>();
        Class<?>[] clients = switch (service) {
            case "kinesis" -> new Class<?>[] {KinesisClient.class, KinesisAsyncClient.class};
            case "dynamodb" -> new Class<?>[] {DynamoDbClient.class, DynamoDbAsyncClient.class};
            case "s3" -> new Class<?>[] {S3Client.class, S3AsyncClient.class};
            default -> throw new IllegalArgumentException(service);
        };
        for (Class<?> c : clients) {
            for (Method m : c.getMethods()) {
                if (m.getReturnType().getSimpleName().endsWith("Response") || m.getName().endsWith("Paginator")
                        || m.getReturnType().getName().startsWith("java.util.concurrent.CompletableFuture")) {
                    ops.add(m.getName().replaceAll("Paginator$", ""));
                }
            }
        }
        ops.removeAll(Set.of("serviceName", "close", "waiter", "utilities", "serviceClientConfiguration"));
        return ops;
    }

    private static List<String> actions(String service, String op) {
        if (service.equals("s3") && S3_ACTIONS.containsKey(op)) {
            return S3_ACTIONS.get(op);
        }
        return List.of(service + ":" + op.substring(0, 1).toUpperCase(Locale.ROOT) + op.substring(1));
    }
}
