package io.mskbridge.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A single-node KRaft Kafka broker (combined broker + controller) of the Kafka version MSK Connect runs,
 * started as a child JVM. Configured so exactly-once source connectors work on one node (transaction log
 * replication factor and min ISR of 1).
 */
public class KafkaBroker extends ManagedServer {

    private final Map<String, String> overrides = new HashMap<>();
    private Path workDir;
    private int port;
    private ChildProcess process;

    public KafkaBroker() {
    }

    /** Adds or overrides a broker property (before start). */
    public KafkaBroker withProperty(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    @Override
    protected void doStart() throws Exception {
        workDir = HarnessEnv.newWorkDir("kafka");
        port = Ports.free();
        int controllerPort = Ports.free();
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", workDir.resolve("data").toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "5");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "5");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "true");
        p.setProperty("log.flush.interval.messages", "100000");
        // Retention off, by time and by size: tests stamp records with fixed historical timestamps (2023), and
        // Kafka's default 7-day time retention would delete them at the first retention check (30 s after start,
        // then every 5 minutes). A consumer without a committed offset then resets to "earliest", which is by
        // then the end of the log, and waits for records that no longer exist: a crash IT fails or passes
        // depending on when the check happens. No test may depend on that, so the broker keeps everything.
        p.setProperty("log.retention.ms", "-1");
        p.setProperty("log.retention.bytes", "-1");
        overrides.forEach(p::setProperty);
        Path config = workDir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(w, "MSK Bridge test harness KRaft broker");
        }
        Path log4j = writeLog4j(workDir, "WARN");

        String cp = HarnessEnv.kafkaRuntimeClasspath();
        List<String> jvm = jvmArgs(log4j, "-Xmx768m");
        ChildProcess format = ChildProcess.start("kafka-storage-format",
                ChildProcess.javaCommand(cp, jvm, "kafka.tools.StorageTool",
                        "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()),
                workDir, Map.of());
        int rc = format.waitFor(120);
        if (rc != 0) {
            throw new IllegalStateException("kafka-storage format failed (" + rc + "):\n" + format.tail(40));
        }
        process = ChildProcess.start("kafka", ChildProcess.javaCommand(cp, jvm, "kafka.Kafka", config.toString()), workDir, Map.of());
        try (Admin admin = admin()) {
            Waits.until("Kafka broker at " + bootstrapServers(), Duration.ofSeconds(90), () -> {
                process.requireAlive();
                return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
            });
        }
    }

    @Override
    protected void doStop() {
        if (process != null) {
            process.stop(20);
        }
    }

    static List<String> jvmArgs(Path log4j, String heap) {
        List<String> args = new ArrayList<>();
        args.add(heap);
        args.add("-XX:+UseSerialGC");
        // C1 only: the test servers live for seconds to minutes, where C2's compile threads cost more CPU on a
        // 2-core machine than its faster code gains back (broker and worker start about 15% sooner).
        args.add("-XX:TieredStopAtLevel=1");
        args.add("-XX:+ExitOnOutOfMemoryError");
        args.add("-Djava.awt.headless=true");
        args.add("-Dlog4j.configuration=file:" + log4j);
        return args;
    }

    static Path writeLog4j(Path dir, String rootLevel) {
        Path f = dir.resolve("log4j.properties");
        String text = "log4j.rootLogger=" + rootLevel + ", stdout\n"
                + "log4j.appender.stdout=org.apache.log4j.ConsoleAppender\n"
                + "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout\n"
                + "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c:%L)%n\n"
                + "log4j.logger.io.mskbridge=INFO\n"
                + "log4j.logger.org.apache.kafka.connect.runtime.Worker=INFO\n"
                + "log4j.logger.org.apache.kafka.connect.runtime.distributed.DistributedHerder=INFO\n"
                + "log4j.logger.org.reflections=ERROR\n";
        try {
            Files.writeString(f, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path workDir() {
        return workDir;
    }

    public ChildProcess process() {
        return process;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /**
     * Creates a topic and waits until every partition has a leader: producing into a just-created topic with many
     * partitions otherwise meets NOT_LEADER errors, and an idempotent producer can then fail batches out of order.
     */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
            Waits.until("leaders for all " + partitions + " partitions of " + name, Duration.ofSeconds(60), () -> {
                var d = admin.describeTopics(List.of(name)).allTopicNames().get(10, TimeUnit.SECONDS).get(name);
                return d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
            });
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create topic " + name, e);
        }
    }

    /**
     * A one-line picture of a consumer group for failure messages: its state and members, and per partition of
     * {@code topic} the committed offset next to the log start and end offsets. When a sink test stalls this tells
     * apart "the group never finished rebalancing", "the task consumes but does not commit", "nothing was
     * produced" and "the records were deleted before the task read them" (log start = end, nothing committed).
     */
    public String consumerGroupReport(String groupId, String topic) {
        try (Admin admin = admin()) {
            ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId)
                    .get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                    .partitions();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            partitions.forEach(p -> {
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
                earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
            });
            var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            var starts = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
            StringBuilder sb = new StringBuilder("group ").append(groupId).append(": state=").append(g.state())
                    .append(", members=").append(g.members().size()).append(';');
            latest.keySet().stream().sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).forEach(tp -> {
                OffsetAndMetadata c = committed.get(tp);
                sb.append(' ').append(tp).append(" committed=").append(c == null ? "none" : c.offset())
                        .append("/start=").append(starts.get(tp).offset())
                        .append("/end=").append(ends.get(tp).offset());
            });
            return sb.toString();
        } catch (Exception e) {
            return "group " + groupId + ": cannot describe (" + e + ")";
        }
    }

    public KafkaProducer<byte[], byte[]> producer(Map<String, Object> extra) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        cfg.putAll(extra);
        return new KafkaProducer<>(cfg);
    }

    public KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> extra) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cfg.putAll(extra);
        return new KafkaConsumer<>(cfg);
    }

    /**
     * Reads every record of the given topics from the beginning until {@code expected} records have been
     * read (or the timeout passes), with the given isolation level ({@code read_committed} for EOS checks).
     */
    public List<ConsumerRecord<byte[], byte[]>> readAll(Collection<String> topics, int expected, Duration timeout, String isolationLevel) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel))) {
            List<TopicPartition> tps = assignFromBeginning(consumer, topics);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                batch.forEach(out::add);
            }
            // A short extra read exposes duplicates beyond the expected count.
            ConsumerRecords<byte[], byte[]> extra = consumer.poll(Duration.ofMillis(1500));
            extra.forEach(out::add);
        }
        return out;
    }

    /** Assigns every partition of the topics to the consumer, positioned at the beginning; returns them. */
    private static List<TopicPartition> assignFromBeginning(KafkaConsumer<byte[], byte[]> consumer, Collection<String> topics) {
        List<TopicPartition> tps = new ArrayList<>();
        for (String t : topics) {
            consumer.partitionsFor(t, Duration.ofSeconds(30)).forEach(pi -> tps.add(new TopicPartition(t, pi.partition())));
        }
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        return tps;
    }

    /**
     * Every record the topics hold now: reads from the beginning up to the end offsets taken at the call (under
     * {@code read_committed}, the last stable offsets), so it returns as soon as it has them instead of waiting for
     * a count that is never reached. Use it after the records are known to be there, to see extras too.
     */
    public List<ConsumerRecord<byte[], byte[]>> readToEnd(Collection<String> topics, String isolationLevel) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel))) {
            List<TopicPartition> tps = assignFromBeginning(consumer, topics);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topics + " up to " + end + " within 60 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
