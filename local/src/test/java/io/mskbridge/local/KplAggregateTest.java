package io.mskbridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The local producer's KPL aggregates are byte for byte what the npm {@code aws-kinesis-agg} encoder writes for the
 * same user records (its output is the Kinesis source's test fixture, made by
 * {@code kinesis-source-connector/src/test/kpl-fixtures/make-fixtures.js}).
 */
class KplAggregateTest {

    static final Path FIXTURES = Path.of("../kinesis-source-connector/src/test/resources/kpl/aggregates.json");

    @Test
    void encodesWhatTheReferenceAggregatorEncodes() throws Exception {
        JsonNode fixtures = new ObjectMapper().readTree(FIXTURES.toFile());
        int compared = 0;
        for (JsonNode agg : fixtures) {
            List<KplAggregate.User> users = new ArrayList<>();
            boolean plain = true;
            for (JsonNode u : agg.path("users")) {
                plain &= !u.has("explicitHashKey");
                users.add(new KplAggregate.User(u.path("partitionKey").asText(),
                        u.path("data").asText().getBytes(StandardCharsets.UTF_8)));
            }
            if (!plain) {
                continue; // the local producer never sets explicit hash keys
            }
            assertThat(Base64.getEncoder().encodeToString(KplAggregate.encode(users)))
                    .as("aggregate with partition key %s", agg.path("partitionKey").asText())
                    .isEqualTo(agg.path("data").asText());
            compared++;
        }
        assertThat(compared).as("fixtures compared").isPositive();
    }
}
