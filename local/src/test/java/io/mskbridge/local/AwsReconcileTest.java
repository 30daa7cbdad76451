package io.mskbridge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

class AwsReconcileTest {

    private static final Path SOURCES = Path.of("src/main/java/io/mskbridge/local");
    /** Read-only operations by name: DynamoDB Scan/Query/Get/Describe/List, S3 Get/List/Head. */
    private static final Pattern READ_ONLY = Pattern.compile("(get|list|scan|query|describe|head|batchGet)[A-Z].*|scan|query");

    /**
     * The code the cutover tool runs names no AWS operation but read-only ones. Scans its sources for calls of the
     * DynamoDB and S3 clients' operation methods (found by reflection on the SDK clients).
     */
    @Test
    void callsOnlyReadOnlyAwsOperations() throws IOException {
        Set<String> operations = new HashSet<>();
        for (Class<?> c : List.of(DynamoDbClient.class, S3Client.class)) {
            for (Method m : c.getMethods()) {
                if (m.getReturnType().getSimpleName().contains("Response") || m.getName().endsWith("Paginator")) {
                    operations.add(m.getName());
                }
            }
        }
        assertThat(operations).contains("putItem", "deleteObject", "scan", "getObjectAsBytes");
        Set<String> called = new TreeSet<>();
        for (String file : List.of("AwsReconcile.java", "StoreIds.java")) {
            Matcher m = Pattern.compile("\\.(\\w+)\\(").matcher(Files.readString(SOURCES.resolve(file)));
            while (m.find()) {
                if (operations.contains(m.group(1))) {
                    called.add(m.group(1));
                }
            }
        }
        assertThat(called).containsExactlyInAnyOrder("scan", "listObjectsV2Paginator", "getObjectAsBytes");
        assertThat(called).allMatch(op -> READ_ONLY.matcher(op).matches(), "read-only");
    }

    @Test
    void optionsPairPlacesAndRejectWhatTheyCannotUse() {
        AwsReconcile.Options o = AwsReconcile.Options.parse(new String[] {"--expect", "dynamodb:seed-events", "--actual",
                "dynamodb:mskbridge-events-dev", "--expect", "s3://seed-archive/2026/12/01/", "--actual",
                "s3://mskbridge-archive-dev/processed/2026/12/01/", "--from", "2026-12-01T10:00:00Z", "--region", "us-east-1"});
        assertThat(o.pairs()).hasSize(2);
        assertThat(o.pairs().get(0)[0].table()).isEqualTo("seed-events");
        assertThat(o.pairs().get(1)[1].bucket()).isEqualTo("mskbridge-archive-dev");
        assertThat(o.pairs().get(1)[1].prefix()).isEqualTo("processed/2026/12/01/");
        assertThat(o.window().from()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(o.window().to()).isNull();
        assertThat(o.idField()).isEqualTo("id");
        assertThatThrownBy(() -> AwsReconcile.Options.parse(new String[] {"--expect", "dynamodb:a"})).hasMessageContaining("has no --actual");
        assertThatThrownBy(() -> AwsReconcile.Options.parse(new String[] {"--actual", "dynamodb:a"})).hasMessageContaining("without an --expect");
        assertThatThrownBy(() -> AwsReconcile.Options.parse(new String[] {"--expect", "kafka:t", "--actual", "dynamodb:a"}))
                .hasMessageContaining("not a place");
        assertThatThrownBy(() -> AwsReconcile.Options.parse(new String[] {"--expect", "dynamodb:a", "--actual", "dynamodb:b",
                "--from", "yesterday"})).hasMessageContaining("--from: not an ISO-8601 instant: yesterday");
        assertThatThrownBy(() -> AwsReconcile.Options.parse(new String[] {"--expect", "dynamodb:a", "--actual", "dynamodb:b",
                "--from", "2026-12-02T00:00:00Z", "--to", "2026-12-01T00:00:00Z"})).hasMessageContaining("is not before");
        assertThatThrownBy(() -> AwsReconcile.Options.parse(new String[0])).hasMessageContaining("nothing to compare");
    }

    @Test
    void timesAreIsoOrEpochSecondsOrMillis() {
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        assertThat(StoreIds.time("2026-12-01T10:00:00Z")).isEqualTo(t);
        assertThat(StoreIds.time("2026-12-01T11:00:00+01:00")).isEqualTo(t);
        assertThat(StoreIds.time("2026-12-01T10:00:00")).isEqualTo(t);
        assertThat(StoreIds.time(String.valueOf(t.getEpochSecond()))).isEqualTo(t);
        assertThat(StoreIds.time(String.valueOf(t.toEpochMilli()))).isEqualTo(t);
        assertThat(StoreIds.time("soon")).isNull();
    }
}
