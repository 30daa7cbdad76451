package io.mskbridge.s3.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

import javax.management.ObjectName;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mskbridge.harness.KafkaBroker;
import io.mskbridge.harness.S3ProxyServer;
import io.mskbridge.s3.S3ArchiveSinkTask;
import io.mskbridge.s3.TaskDriver;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A zombie task and its successor owning one partition at the same time, each a real {@link S3ArchiveSinkTask}
 * fed by its own Kafka consumer from a real broker, driven the way WorkerSinkTask drives a task (redelivery after
 * RetriableException, seeks asked for with context.offset applied before the next poll, preCommit), writing to
 * S3Proxy 4.1, which honours If-None-Match on PutObject and CompleteMultipartUpload atomically. The two cut
 * differently (flush.size, record-time interval and wall clock all differ) and race over the same offsets; in the
 * end every record is archived exactly once, and the adoption path was taken.
 */
class ZombieTaskIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "zombie";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int RECORDS = 2_000;
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();

    private static Map<String, String> props(String name, String bucket) {
        Map<String, String> p = TaskDriver.props(S3.endpoint(), bucket);
        p.put("name", name);
        p.put("s3.key.template", "{kafka.topic}/{event_type}/{kafka.topic}+{kafka.partition}+{kafka.start_offset}");
        return p;
    }

    @Test
    void aZombieAndItsSuccessorArchiveEveryRecordExactlyOnce() throws Exception {
        long started = System.nanoTime();
        S3.client().createBucket(b -> b.bucket("zombie"));
        KAFKA.createTopic(TOPIC, 1);
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer(Map.of())) {
            for (int i = 0; i < RECORDS; i++) {
                String v = "{\"id\":\"e-" + i + "\",\"event_type\":\"" + (i % 3 == 0 ? "order" : "click") + "\"}";
                // 10 records per second of record time: record-time intervals of 30 s hold 300 records
                producer.send(new ProducerRecord<>(TOPIC, 0, T0 + i * 100L, null, v.getBytes(StandardCharsets.UTF_8)));
            }
        }
        Map<String, String> zombie = props("zombie", "zombie");
        zombie.put("flush.size", "170");
        zombie.put("rotate.schedule.interval.ms", "150");
        Map<String, String> successor = props("successor", "zombie");
        successor.put("flush.size", "110");
        successor.put("rotate.interval.ms", "30000");
        successor.put("rotate.schedule.interval.ms", "400");

        // The zombie leads, then stalls for 2.5 s past offset 700 (cut off, as a zombie is) while the successor
        // overtakes it, then comes back with the batch it had open: both meet the other's claims.
        MiniWorker z = new MiniWorker(zombie, 37, 2, 700);
        MiniWorker s = new MiniWorker(successor, 53, 8, -1);
        Thread zt = new Thread(z, "zombie-task");
        Thread st = new Thread(s, "successor-task");
        zt.start();
        // The successor starts once the zombie has uploaded its first object: which task comes first must not
        // depend on thread scheduling (on a loaded machine the successor could otherwise do it all alone).
        long deadline = System.currentTimeMillis() + 20_000;
        while (z.objectsWrittenSoFar() == 0 && z.failure == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(z.objectsWrittenSoFar()).as("the zombie uploaded an object first").isPositive();
        st.start();
        zt.join(40_000);
        st.join(40_000);
        assertThat(z.failure).as("zombie").isNull();
        assertThat(s.failure).as("successor").isNull();
        assertThat(z.committed.get()).as("zombie done").isEqualTo(RECORDS);
        assertThat(s.committed.get()).as("successor done").isEqualTo(RECORDS);

        Map<Long, Integer> copies = new TreeMap<>();
        int objects = 0;
        for (S3Object o : S3.client().listObjectsV2Paginator(b -> b.bucket("zombie")).contents()) {
            if (o.key().startsWith(io.mskbridge.s3.TaskDriver.LAYOUT_HISTORY)) {
                continue;
            }
            objects++;
            byte[] gz = S3.client().getObjectAsBytes(b -> b.bucket("zombie").key(o.key())).asByteArray();
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    JsonNode n = JSON.readTree(line);
                    copies.merge(Long.parseLong(n.path("id").asText().substring(2)), 1, Integer::sum);
                }
            }
        }
        long adopted = z.metric("BatchesAdopted") + s.metric("BatchesAdopted");
        long found = z.metric("ObjectsFound") + s.metric("ObjectsFound");
        System.out.printf("zombie IT: %d records in %d objects; zombie wrote %d objects and adopted %d batches, "
                        + "successor wrote %d and adopted %d; %d objects found already written; %.1f s%n",
                RECORDS, objects, z.metric("ObjectsWritten"), z.metric("BatchesAdopted"), s.metric("ObjectsWritten"),
                s.metric("BatchesAdopted"), found, (System.nanoTime() - started) / 1e9);
        try {
            assertThat(copies).as("every offset archived").hasSize(RECORDS);
            assertThat(new HashSet<>(copies.values())).as("copies per offset").containsOnly(1);
            assertThat(adopted).as("the two cut differently and one adopted the other's claim").isPositive();
            assertThat(z.metric("ObjectsWritten")).as("the zombie wrote some batches").isPositive();
            assertThat(s.metric("ObjectsWritten")).as("the successor wrote some batches").isPositive();
            assertThat(z.metric("ObjectsWritten") + s.metric("ObjectsWritten")).as("no object written twice")
                    .isEqualTo(objects);
        } finally {
            z.stop();
            s.stop();
        }
    }

    /**
     * One task on its own consumer, looping like WorkerSinkTask: apply requested seeks, poll unless a batch waits
     * for redelivery, put (a RetriableException keeps the batch for redelivery), preCommit every 200 ms.
     */
    private static final class MiniWorker implements Runnable {
        private final Map<String, String> props;
        private final int maxPoll;
        private final int putDelayMs;
        /** The position past which the task stalls once, for 2.5 s; -1 for never. */
        private long stallAt;
        private final S3ArchiveSinkTask task = new S3ArchiveSinkTask();
        private final Map<TopicPartition, Long> seeks = new ConcurrentHashMap<>();
        final AtomicLong committed = new AtomicLong(-1);
        volatile Throwable failure;

        MiniWorker(Map<String, String> props, int maxPoll, int putDelayMs, long stallAt) {
            this.props = props;
            this.maxPoll = maxPoll;
            this.putDelayMs = putDelayMs;
            this.stallAt = stallAt;
        }

        @Override
        public void run() {
            try (KafkaConsumer<byte[], byte[]> consumer = KAFKA.consumer(Map.of(
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPoll))) {
                consumer.assign(List.of(TP));
                consumer.seek(TP, 0);
                task.initialize(context());
                task.start(props);
                task.open(List.of(TP));
                List<SinkRecord> pending = null;
                long nextCommit = 0;
                long deadline = System.currentTimeMillis() + 35_000;
                while (committed.get() < RECORDS && System.currentTimeMillis() < deadline) {
                    Long seek = seeks.remove(TP);
                    if (seek != null) {
                        consumer.seek(TP, seek);
                    }
                    if (pending == null) {
                        pending = new ArrayList<>();
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                            Map<?, ?> value = JSON.readValue(r.value(), Map.class);
                            pending.add(new SinkRecord(r.topic(), r.partition(), null, null, null, value, r.offset(),
                                    r.timestamp(), TimestampType.CREATE_TIME));
                        }
                    }
                    try {
                        task.put(pending);
                        pending = null;
                    } catch (RetriableException e) {
                        Thread.sleep(20); // redeliver the same records next time round
                    }
                    Thread.sleep(putDelayMs);
                    if (stallAt >= 0 && consumer.position(TP) > stallAt) {
                        stallAt = -1;
                        Thread.sleep(2_500);
                    }
                    if (System.currentTimeMillis() >= nextCommit) {
                        Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
                        current.put(TP, new OffsetAndMetadata(consumer.position(TP)));
                        OffsetAndMetadata safe = task.preCommit(current).get(TP);
                        if (safe != null) {
                            committed.set(safe.offset());
                        }
                        nextCommit = System.currentTimeMillis() + 200;
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        /** ObjectsWritten, or 0 while the task has not registered its metrics yet. */
        long objectsWrittenSoFar() {
            try {
                return metric("ObjectsWritten");
            } catch (Exception e) {
                return 0;
            }
        }

        long metric(String name) throws Exception {
            ObjectName on = new ObjectName("kafka.connect.mskbridge:type=s3-sink-task-metrics,connector="
                    + props.get("name") + ",task=0");
            return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(on, name)).longValue();
        }

        void stop() {
            task.stop();
        }

        private SinkTaskContext context() {
            return TaskDriver.context(props, List.of(TP), seeks);
        }
    }
}
