package io.mskbridge.smt.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.HarnessEnv;
import io.mskbridge.harness.PluginDirs;
import io.mskbridge.harness.Waits;
import io.mskbridge.smt.integration.fixture.SampleEvents;

/**
 * The SMT chain validate → amount → quality → fraud inside a real Connect 3.7 worker that loads the smt jar from
 * plugin.path: on a source connector (invalid records routed to {@code <topic>.invalid}, the later transforms
 * skipped for them by a {@code HasHeaderKey} predicate) and on a sink connector (invalid records fail the
 * transform and land in Connect's dead letter queue with the reason).
 */
class SmtChainIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int COUNT = 200;
    private static final int VALID = (int) IntStream.range(0, COUNT).filter(SampleEvents::isValid).count();

    @RegisterExtension
    static final ConnectCluster CONNECT = new ConnectCluster(1).withPluginPath(PluginDirs.ofModule("mskbridge-smt",
            PluginDirs.testFixtureJar("io/mskbridge/smt/integration/fixture", Map.of(
                    "org.apache.kafka.connect.source.SourceConnector",
                    List.of("io.mskbridge.smt.integration.fixture.SampleEventsSourceConnector")))));

    private static Map<String, String> chain(String onInvalid) {
        Map<String, String> c = new HashMap<>();
        c.put("transforms", "validate,amount,quality,fraud");
        c.put("transforms.validate.type", "io.mskbridge.smt.ValidateFields$Value");
        c.put("transforms.validate.required.fields", "event_type,timestamp");
        c.put("transforms.validate.field.types", "timestamp:timestamp");
        c.put("transforms.validate.on.invalid", onInvalid);
        c.put("transforms.amount.type", "io.mskbridge.smt.AmountToMinorUnits$Value");
        c.put("transforms.amount.currency.field", "currency");
        c.put("transforms.quality.type", "io.mskbridge.smt.QualityScore$Value");
        c.put("transforms.fraud.type", "io.mskbridge.smt.FraudFlag$Value");
        c.put("transforms.fraud.rules", "high_amount");
        c.put("transforms.fraud.high.amount.threshold", "1000");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter.schemas.enable", "false");
        return c;
    }

    @Test
    void sourceConnectorRoutesInvalidRecordsAndEnrichesValidOnes() throws Exception {
        CONNECT.kafka().createTopic("events", 1);
        CONNECT.kafka().createTopic("events.invalid", 1);
        Map<String, String> c = chain("route");
        c.put("connector.class", "io.mskbridge.smt.integration.fixture.SampleEventsSourceConnector");
        c.put("tasks.max", "1");
        c.put("topic", "events");
        c.put("count", String.valueOf(COUNT));
        for (String t : List.of("amount", "quality", "fraud")) {
            c.put("transforms." + t + ".predicate", "invalid");
            c.put("transforms." + t + ".negate", "true");
        }
        c.put("predicates", "invalid");
        c.put("predicates.invalid.type", "org.apache.kafka.connect.transforms.predicates.HasHeaderKey");
        c.put("predicates.invalid.name", "mskbridge.validation.error");
        CONNECT.rest().putConnector("smt-source", c);
        CONNECT.rest().awaitRunning("smt-source", 1, Duration.ofSeconds(90));

        List<ConsumerRecord<byte[], byte[]>> valid = CONNECT.kafka().readAll(List.of("events"), VALID, Duration.ofSeconds(60), "read_uncommitted");
        List<ConsumerRecord<byte[], byte[]>> invalid = CONNECT.kafka().readAll(List.of("events.invalid"), COUNT - VALID, Duration.ofSeconds(30), "read_uncommitted");
        assertThat(valid).hasSize(VALID);
        assertThat(invalid).hasSize(COUNT - VALID);

        for (ConsumerRecord<byte[], byte[]> r : valid) {
            JsonNode v = JSON.readTree(r.value());
            int i = Integer.parseInt(v.path("id").asText().substring(4));
            assertThat(SampleEvents.isValid(i)).isTrue();
            assertThat(v.path("quality_score").asDouble()).isBetween(0.0, 1.0);
            if (v.has("amount")) {
                long expected = new BigDecimal(SampleEvents.amountText(i)).movePointRight(2).longValueExact();
                assertThat(v.path("amount_cents").asLong()).as("amount_cents of %s", v).isEqualTo(expected);
                assertThat(v.path("fraud_flag").asBoolean()).as("fraud_flag of %s", v).isEqualTo(SampleEvents.isHighAmount(i));
                if (SampleEvents.isHighAmount(i)) {
                    assertThat(v.path("fraud_reasons").toString()).contains("high_amount");
                }
            } else {
                assertThat(v.has("amount_cents")).isFalse();
            }
        }
        for (ConsumerRecord<byte[], byte[]> r : invalid) {
            JsonNode v = JSON.readTree(r.value());
            assertThat(v.has("timestamp")).isFalse();
            assertThat(v.has("quality_score")).as("later transforms skipped by the predicate").isFalse();
            Header h = r.headers().lastHeader("mskbridge.validation.error");
            assertThat(h).isNotNull();
            assertThat(new String(h.value(), StandardCharsets.UTF_8)).contains("timestamp");
        }
    }

    @Test
    void sinkConnectorSendsInvalidRecordsToTheDeadLetterQueue() throws Exception {
        CONNECT.kafka().createTopic("sink-in", 1);
        CONNECT.kafka().createTopic("sink-dlq", 1);
        Instant now = Instant.now();
        try (KafkaProducer<byte[], byte[]> producer = CONNECT.kafka().producer(Map.of())) {
            for (Map<String, Object> e : SampleEvents.events(COUNT, now)) {
                producer.send(new ProducerRecord<>("sink-in", ((String) e.get("id")).getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(e)));
            }
        }
        Path out = HarnessEnv.newWorkDir("file-sink").resolve("out.txt");
        Map<String, String> c = chain("fail");
        c.put("connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector");
        c.put("tasks.max", "1");
        c.put("topics", "sink-in");
        c.put("file", out.toString());
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", "sink-dlq");
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        CONNECT.rest().putConnector("smt-sink", c);
        CONNECT.rest().awaitRunning("smt-sink", 1, Duration.ofSeconds(90));

        Waits.until(VALID + " records in the file sink", Duration.ofSeconds(60),
                () -> Files.exists(out) && Files.readAllLines(out).size() >= VALID);
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(VALID);
        assertThat(lines).allSatisfy(l -> assertThat(l).contains("quality_score=").contains("fraud_flag="));

        List<ConsumerRecord<byte[], byte[]>> dlq = CONNECT.kafka().readAll(List.of("sink-dlq"), COUNT - VALID, Duration.ofSeconds(30), "read_uncommitted");
        assertThat(dlq).hasSize(COUNT - VALID);
        List<String> messages = dlq.stream().map(r -> new String(r.headers().lastHeader("__connect.errors.exception.message").value(),
                StandardCharsets.UTF_8)).collect(Collectors.toList());
        // The transform's error names the record's coordinates and the missing field.
        assertThat(messages).allSatisfy(m -> assertThat(m).contains("timestamp").contains("sink-in"));
    }
}
