package io.mskbridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Least privilege, checked against the code: each connector's IAM policy in deploy/iam names exactly the AWS actions
 * its main sources call (found by scanning for the SDK clients' operation methods), the actions a service checks on
 * the caller's behalf while serving those calls ({@link #ON_BEHALF}), plus the MSK cluster actions a Connect worker
 * needs. An action the code stopped calling, or a call the policy lacks, fails the build.
 */
class IamPoliciesTest {

    private static final Path ROOT = Path.of(System.getProperty("mskbridge.root", ".."));
    private static final Pattern CALL = Pattern.compile("\\.(\\w+)\\(");

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
     * Actions no SDK call of ours names but that a service checks against the caller while serving one: Kinesis
     * decrypts the records of a KMS-encrypted stream for GetRecords with the reader's kms:Decrypt on the stream's key
     * (from AWS docs; GetRecords fails with KMSAccessDeniedException without it). Such a grant must be limited to that
     * service by a kms:ViaService condition, so the identity cannot use the key directly.
     */
    private static final Map<String, List<String>> ON_BEHALF = Map.of("kinesis", List.of("kms:Decrypt"));

    @ParameterizedTest
    @CsvSource({
            "kinesis-source-connector, kinesis",
            "dynamodb-sink-connector, dynamodb",
            "s3-archive-sink, s3"})
    void policyNamesExactlyTheActionsTheCodeCalls(String module, String service) throws IOException {
        Path sources = ROOT.resolve(module).resolve("src/main/java");
        Path policyFile = ROOT.resolve("deploy/iam/" + module + ".json");
        if (!Files.isDirectory(sources)) {
            assertThat(policyFile).as("no policy for a module that does not exist yet").doesNotExist();
            return;
        }
        Set<String> operations = operations(service);
        Set<String> called = new TreeSet<>();
        try (Stream<Path> files = Files.walk(sources)) {
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
        assertThat(called).as("AWS calls found in " + sources).isNotEmpty();

        JsonNode policy = new ObjectMapper().readTree(policyFile.toFile());
        assertThat(policy.path("Version").asText()).isEqualTo("2012-10-17");
        List<String> onBehalf = ON_BEHALF.getOrDefault(service, List.of());
        Set<String> granted = new TreeSet<>();
        Set<String> kafka = new TreeSet<>();
        for (JsonNode st : policy.path("Statement")) {
            assertThat(st.path("Effect").asText()).isEqualTo("Allow");
            assertThat(st.path("Resource").toString()).as("no wildcard-only resource in " + st).isNotEqualTo("\"*\"");
            for (JsonNode a : st.path("Action")) {
                assertThat(a.asText()).as("no wildcard actions").doesNotContain("*");
                (a.asText().startsWith("kafka-cluster:") ? kafka : granted).add(a.asText());
                if (onBehalf.contains(a.asText())) {
                    assertViaService(st, service);
                }
            }
        }
        Set<String> expected = new TreeSet<>(called);
        expected.addAll(onBehalf);
        assertThat(granted).as("AWS actions in " + policyFile + " vs. calls in the code (and " + onBehalf
                + " checked on their behalf)").isEqualTo(expected);
        assertThat(kafka).as("MSK IAM actions a Connect worker needs").contains("kafka-cluster:Connect",
                "kafka-cluster:DescribeCluster", "kafka-cluster:ReadData", "kafka-cluster:WriteData", "kafka-cluster:DescribeTopic");
    }

    /** The statement holds only for calls made through {@code service}, in the region of its resources. */
    private static void assertViaService(JsonNode statement, String service) {
        for (JsonNode resource : statement.path("Resource")) {
            String region = resource.asText().split(":")[3];
            assertThat(statement.path("Condition").path("StringEquals").path("kms:ViaService").asText())
                    .as("kms:ViaService condition of " + statement).isEqualTo(service + "." + region + ".amazonaws.com");
        }
    }

    private static Set<String> operations(String service) {
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
