package io.mskbridge.harness.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mskbridge.harness.KafkaBroker;
import io.mskbridge.harness.SharedServers;
import io.mskbridge.harness.Waits;

/**
 * The harness broker never deletes test records by retention, however old their timestamps: the ITs stamp records
 * with fixed 2023 timestamps, and a retention check between producing and consuming used to delete them, so crash
 * tests stalled at random. The retention check runs every 500 ms here; a control topic with Kafka's default 7-day
 * retention set explicitly shows the check really ran and would have deleted such records.
 */
@Order(Integer.MAX_VALUE) // last: the shared broker's first retention check comes 30 s after its start
class KafkaBrokerRetentionIT {

    /** 2023-11-14: older than Kafka's default 7-day retention, as the sink ITs' records are. */
    private static final long OLD_TS = 1_700_000_000_000L;
    private static final int RECORDS = 50;

    @RegisterExtension
    static final SharedServers SERVERS = HarnessItServers.kafka();
    static final KafkaBroker KAFKA = HarnessItServers.KAFKA;

    @Test
    void recordsWithOldTimestampsOutliveRetentionChecks() throws Exception {
        KAFKA.createTopic("old-records", 1);
        try (Admin admin = KAFKA.admin()) {
            admin.createTopics(List.of(new NewTopic("old-records-7d", 1, (short) 1)
                    .configs(Map.of("retention.ms", String.valueOf(TimeUnit.DAYS.toMillis(7)))))).all().get(60, TimeUnit.SECONDS);
        }
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer(Map.of())) {
            for (int i = 0; i < RECORDS; i++) {
                byte[] v = ("event-" + i).getBytes();
                producer.send(new ProducerRecord<>("old-records", 0, OLD_TS + i, null, v));
                producer.send(new ProducerRecord<>("old-records-7d", 0, OLD_TS + i, null, v));
            }
            producer.flush();
        }

        // The control topic loses its records at the next check: proof that checks run while we wait.
        TopicPartition control = new TopicPartition("old-records-7d", 0);
        Waits.until("a retention check deleting the 7-day control topic's records", Duration.ofSeconds(60),
                () -> logStartOffset(control) == RECORDS);
        // Several more checks pass.
        Thread.sleep(2_000);

        TopicPartition kept = new TopicPartition("old-records", 0);
        assertThat(logStartOffset(kept)).as("log start offset of a topic with the harness's defaults").isZero();
        assertThat(KAFKA.readAll(List.of("old-records"), RECORDS, Duration.ofSeconds(30), "read_uncommitted"))
                .hasSize(RECORDS)
                .allSatisfy(r -> assertThat(r.timestamp()).isBetween(OLD_TS, OLD_TS + RECORDS));
    }

    @Test
    void consumerGroupReportShowsTheLogStartOffset() throws Exception {
        KAFKA.createTopic("report-topic", 1);
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer(Map.of())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("report-topic", 0, null, null, new byte[] {(byte) i}));
            }
            producer.flush();
        }
        TopicPartition tp = new TopicPartition("report-topic", 0);
        try (KafkaConsumer<byte[], byte[]> consumer = KAFKA.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "report-group"))) {
            consumer.assign(List.of(tp));
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(3)));
        }
        try (Admin admin = KAFKA.admin()) {
            admin.deleteRecords(Map.of(tp, org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(2))).all()
                    .get(30, TimeUnit.SECONDS);
        }
        assertThat(KAFKA.consumerGroupReport("report-group", "report-topic"))
                .contains("report-topic-0 committed=3/start=2/end=5");
    }

    private static long logStartOffset(TopicPartition tp) throws Exception {
        try (Admin admin = KAFKA.admin()) {
            return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get(10, TimeUnit.SECONDS).get(tp).offset();
        }
    }
}
