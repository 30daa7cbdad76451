package io.mskbridge.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mskbridge.harness.KafkaBroker;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Accounts for every produced event: reads the Kafka topics the Kinesis sources write (read_committed, as the sinks
 * do), scans the DynamoDB table and parses every archived S3 object, and compares each with what the produced events
 * say must be there: valid events in the processed topics, DynamoDB and the processed archive exactly once; invalid
 * events in the {@code .invalid} topics; every event in the raw topics and raw archive.
 */
final class Reconciler implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaBroker kafka;
    private final DynamoDbClient dynamo;
    private final S3Client s3;
    private final List<LocalPipeline.Deployment> deployments;
    private final List<String> topics;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread consumerThread;

    /** id → occurrences, per topic. */
    private final Map<String, Map<String, Integer>> kafkaIds = new ConcurrentHashMap<>();
    private final Map<String, List<String>> fraudReasons = new ConcurrentHashMap<>();
    private final List<Double> qualityScores = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> appendMillis = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Long> appendById = new ConcurrentHashMap<>();
    /** When each id was first seen in DynamoDB (by a scan every {@link #STORE_POLL_MS}), and its S3 object's time. */
    private final Map<String, Long> dynamoSeenById = new ConcurrentHashMap<>();
    private final Map<String, Long> s3SeenById = new ConcurrentHashMap<>();
    static final long STORE_POLL_MS = 1000;
    private Thread storeThread;
    /** per DynamoDB table: the ids of its items, and its item count. */
    private final Map<String, Set<String>> dynamoIds = new ConcurrentHashMap<>();
    private final Map<String, Integer> dynamoItems = new ConcurrentHashMap<>();
    /** per S3 sink: id → occurrences, and object count. */
    private final Map<String, Map<String, Integer>> s3Ids = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> s3Objects = new ConcurrentHashMap<>();
    private final Set<String> parsedKeys = ConcurrentHashMap.newKeySet();
    private final Map<String, String> sinkOfKey = new ConcurrentHashMap<>();

    Reconciler(KafkaBroker kafka, DynamoDbClient dynamo, S3Client s3, List<LocalPipeline.Deployment> deployments) {
        this.kafka = kafka;
        this.dynamo = dynamo;
        this.s3 = s3;
        this.deployments = deployments;
        this.topics = sourceTopics(deployments);
    }

    /** Every topic a Kinesis source deployment writes: one per stream, and its .invalid twin when invalid records are routed. */
    static List<String> sourceTopics(List<LocalPipeline.Deployment> deployments) {
        Set<String> out = new LinkedHashSet<>();
        for (LocalPipeline.Deployment d : deployments) {
            if (!d.isKinesisSource()) {
                continue;
            }
            for (String stream : d.list("kinesis.stream.names")) {
                String t = topicFor(d, stream);
                out.add(t);
                if (routesInvalid(d)) {
                    out.add(t + ".invalid");
                }
            }
        }
        return new ArrayList<>(out);
    }

    static String topicFor(LocalPipeline.Deployment d, String stream) {
        return d.config().getOrDefault("kafka.topic", "{kinesis.stream}").replace("{kinesis.stream}", stream);
    }

    static boolean routesInvalid(LocalPipeline.Deployment d) {
        for (String t : d.list("transforms")) {
            if (d.config().getOrDefault("transforms." + t + ".type", "").startsWith("io.mskbridge.smt.ValidateFields")
                    && "route".equalsIgnoreCase(d.config().getOrDefault("transforms." + t + ".on.invalid", "fail"))) {
                return true;
            }
        }
        return false;
    }

    void start() {
        consumerThread = new Thread(this::consume, "reconciler-kafka");
        consumerThread.setDaemon(true);
        consumerThread.start();
        // The stores are scanned while events flow too, so each id's arrival time is known to within a scan.
        storeThread = new Thread(() -> {
            while (running.get()) {
                try {
                    refreshStores();
                    Thread.sleep(STORE_POLL_MS);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // A store busy or restarting: the next round scans again.
                }
            }
        }, "reconciler-stores");
        storeThread.setDaemon(true);
        storeThread.start();
    }

    private void consume() {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cfg.put(ConsumerConfig.GROUP_ID_CONFIG, "mskbridge-local-reconciler");
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer(cfg)) {
            consumer.subscribe(topics);
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    accept(r);
                }
            }
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> r) {
        JsonNode v;
        try {
            // A raw topic holds what producers put into Kinesis: gzipped events as gzip.
            v = JSON.readTree(RawPayloads.text(r.value()));
        } catch (IOException e) {
            return;
        }
        String id = v.path("id").asText(null);
        if (id == null) {
            return;
        }
        kafkaIds.computeIfAbsent(r.topic(), k -> new ConcurrentHashMap<>()).merge(id, 1, Integer::sum);
        if (!r.topic().endsWith(".invalid") && v.has("quality_score")) {
            qualityScores.add(v.path("quality_score").asDouble());
            if (v.path("fraud_flag").asBoolean(false)) {
                List<String> reasons = new ArrayList<>();
                v.path("fraud_reasons").forEach(n -> reasons.add(n.asText()));
                fraudReasons.put(id, reasons);
            }
            appendById.putIfAbsent(id, r.timestamp());
        }
    }

    /** Expected ids per place, from the produced events and the deployed configs. */
    private Map<String, Set<String>> expectedTopics(List<SampleEvents.Event> events) {
        Map<String, Set<String>> exp = new LinkedHashMap<>();
        for (String t : topics) {
            exp.put(t, new HashSet<>());
        }
        for (LocalPipeline.Deployment d : deployments) {
            if (!d.isKinesisSource()) {
                continue;
            }
            boolean route = routesInvalid(d);
            for (SampleEvents.Event e : events) {
                if (d.list("kinesis.stream.names").contains(e.stream())) {
                    String t = topicFor(d, e.stream());
                    exp.get(route && !e.valid() ? t + ".invalid" : t).add(e.id());
                }
            }
        }
        return exp;
    }

    private Set<String> expectedForSink(LocalPipeline.Deployment sink, Map<String, Set<String>> expTopics) {
        Set<String> out = new HashSet<>();
        List<String> sinkTopics = sink.list("topics");
        String regex = sink.config().get("topics.regex");
        for (Map.Entry<String, Set<String>> e : expTopics.entrySet()) {
            if (sinkTopics.contains(e.getKey()) || (regex != null && Pattern.matches(regex, e.getKey()))) {
                out.addAll(e.getValue());
            }
        }
        return out;
    }

    void awaitComplete(List<SampleEvents.Event> events, Duration timeout, PrintStream out) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (storeThread == null || !storeThread.isAlive()) {
                refreshStores();
            } // else the store thread scans every STORE_POLL_MS already: read what it found
            List<String> missing;
            synchronized (this) { // never in the middle of the store thread's scan
                missing = problems(events, false);
            }
            out.printf("\r  accounted: kafka %d, dynamodb %d items, s3 %d objects; %s   ", kafkaTotal(),
                    dynamoItems.values().stream().mapToInt(Integer::intValue).sum(),
                    s3Objects.values().stream().mapToInt(Set::size).sum(), missing.isEmpty() ? "all there" : missing.size() + " gaps");
            out.flush();
            if (missing.isEmpty()) {
                out.println();
                return;
            }
            Thread.sleep(STORE_POLL_MS);
        }
        out.println();
        out.println("Timed out waiting; reporting what is there.");
    }

    private int kafkaTotal() {
        return kafkaIds.values().stream().mapToInt(m -> m.values().stream().mapToInt(Integer::intValue).sum()).sum();
    }

    private synchronized void refreshStores() {
        for (String table : tables()) {
            scanDynamo(table);
        }
        for (LocalPipeline.Deployment d : deployments) {
            if (d.isS3Sink()) {
                scanS3(d);
            }
        }
    }

    private static String tableOf(LocalPipeline.Deployment d) {
        return d.config().getOrDefault("dynamodb.table", LocalPipeline.TABLE);
    }

    private Set<String> tables() {
        Set<String> out = new LinkedHashSet<>();
        deployments.stream().filter(LocalPipeline.Deployment::isDynamoSink).forEach(d -> out.add(tableOf(d)));
        return out;
    }

    /** Several sinks may write one table (the seed kept every event in one): expect the union of their topics. */
    private Map<String, Set<String>> expectedPerTable(Map<String, Set<String>> exp) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (LocalPipeline.Deployment d : deployments) {
            if (d.isDynamoSink()) {
                out.computeIfAbsent(tableOf(d), k -> new HashSet<>()).addAll(expectedForSink(d, exp));
            }
        }
        return out;
    }

    private void scanDynamo(String table) {
        Set<String> ids = new HashSet<>();
        int items = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse resp = dynamo.scan(b -> b.tableName(table).projectionExpression("id").exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : resp.items()) {
                items++;
                AttributeValue id = item.get("id");
                if (id != null && id.s() != null) {
                    ids.add(id.s());
                    dynamoSeenById.putIfAbsent(id.s(), System.currentTimeMillis());
                }
            }
            start = resp.hasLastEvaluatedKey() && !resp.lastEvaluatedKey().isEmpty() ? resp.lastEvaluatedKey() : null;
        } while (start != null);
        dynamoIds.put(table, ids);
        dynamoItems.put(table, items);
    }

    private static String literalPrefix(String template) {
        int i = template.indexOf('{');
        return i < 0 ? template : template.substring(0, i);
    }

    private void scanS3(LocalPipeline.Deployment d) {
        String bucket = d.config().getOrDefault("s3.bucket", LocalPipeline.BUCKET);
        String prefix = literalPrefix(d.config().getOrDefault("s3.key.template", ""));
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            s3Objects.computeIfAbsent(d.name(), k -> ConcurrentHashMap.newKeySet()).add(o.key());
            if (!parsedKeys.add(bucket + "/" + o.key())) {
                continue;
            }
            sinkOfKey.put(o.key(), d.name());
            ResponseBytes<GetObjectResponse> bytes;
            try {
                bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key()));
            } catch (NoSuchKeyException e) {
                // Listed, then gone for a moment: a restarted S3 task re-cutting a batch overwrites its objects, and
                // the store may drop the old version before the new one is in. The next scan reads it again.
                parsedKeys.remove(bucket + "/" + o.key());
                s3Objects.get(d.name()).remove(o.key());
                continue;
            }
            Map<String, Integer> ids = s3Ids.computeIfAbsent(d.name(), k -> new ConcurrentHashMap<>());
            try (InputStream raw = bytes.asInputStream();
                 InputStream in = o.key().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
                // JSONL, or (raw archive, s3.format=bytes) the producers' payloads one per line, gzip ones whole.
                for (byte[] rec : RawPayloads.split(in.readAllBytes(), (byte) '\n')) {
                    byte[] text = RawPayloads.text(rec);
                    if (!new String(text, StandardCharsets.UTF_8).isBlank()) {
                        String id = JSON.readTree(text).path("id").asText(null);
                        if (id != null) {
                            ids.merge(id, 1, Integer::sum);
                            if (o.lastModified() != null) {
                                s3SeenById.merge(id, o.lastModified().toEpochMilli(), Math::min);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                parsedKeys.remove(bucket + "/" + o.key());
            }
        }
    }

    /** What does not balance, one line each (empty when everything is where it must be, exactly once). */
    private List<String> problems(List<SampleEvents.Event> events, boolean detailed) {
        List<String> out = new ArrayList<>();
        Map<String, Set<String>> exp = expectedTopics(events);
        for (Map.Entry<String, Set<String>> e : exp.entrySet()) {
            compare(out, "Kafka topic " + e.getKey(), e.getValue(), kafkaIds.getOrDefault(e.getKey(), Map.of()), detailed);
        }
        for (Map.Entry<String, Set<String>> t : expectedPerTable(exp).entrySet()) {
            Map<String, Integer> got = new HashMap<>();
            dynamoIds.getOrDefault(t.getKey(), Set.of()).forEach(id -> got.put(id, 1));
            compare(out, "DynamoDB table " + t.getKey(), t.getValue(), got, detailed);
            int items = dynamoItems.getOrDefault(t.getKey(), 0);
            if (items != got.size()) {
                out.add("DynamoDB table " + t.getKey() + ": " + (items - got.size()) + " items without an id");
            }
        }
        for (LocalPipeline.Deployment d : deployments) {
            if (d.isS3Sink()) {
                compare(out, "S3 (" + d.name() + ")", expectedForSink(d, exp), s3Ids.getOrDefault(d.name(), Map.of()), detailed);
            }
        }
        return out;
    }

    static void compare(List<String> out, String where, Set<String> want, Map<String, Integer> got, boolean detailed) {
        List<String> missing = new ArrayList<>();
        for (String id : want) {
            if (!got.containsKey(id)) {
                missing.add(id);
            }
        }
        List<String> dup = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        got.forEach((id, n) -> {
            if (!want.contains(id)) {
                extra.add(id);
            } else if (n > 1) {
                dup.add(id);
            }
        });
        if (!missing.isEmpty()) {
            out.add(where + ": " + missing.size() + " missing" + (detailed ? " e.g. " + sample(missing) : ""));
        }
        if (!dup.isEmpty()) {
            out.add(where + ": " + dup.size() + " duplicated" + (detailed ? " e.g. " + sample(dup) : ""));
        }
        if (!extra.isEmpty()) {
            out.add(where + ": " + extra.size() + " unexpected" + (detailed ? " e.g. " + sample(extra) : ""));
        }
    }

    private static String sample(List<String> ids) {
        Collections.sort(ids);
        return ids.subList(0, Math.min(5, ids.size())).toString();
    }

    Report report(SampleProducer producer, Duration total, int crashes) {
        refreshStores();
        List<SampleEvents.Event> events = producer.events();
        Map<String, Set<String>> exp = expectedTopics(events);
        Report r = new Report();
        r.produced = events.size();
        r.gzipped = producer.gzipped();
        r.aggregated = producer.aggregated();
        r.produceSeconds = producer.seconds();
        r.totalSeconds = total.toMillis() / 1000.0;
        r.crashes = crashes;
        long valid = events.stream().filter(SampleEvents.Event::valid).count();
        r.valid = (int) valid;
        r.invalid = events.size() - r.valid;
        for (String t : topics) {
            r.topics.put(t, new int[] {kafkaIds.getOrDefault(t, Map.of()).values().stream().mapToInt(Integer::intValue).sum(), exp.get(t).size()});
        }
        // valid/invalid as the validating source decided it: its topics and their .invalid twins (raw topics aside)
        Set<String> invalidTopics = new HashSet<>();
        topics.stream().filter(t -> t.endsWith(".invalid")).forEach(invalidTopics::add);
        r.kafkaValid = topics.stream().filter(t -> invalidTopics.contains(t + ".invalid"))
                .mapToInt(t -> kafkaIds.getOrDefault(t, Map.of()).size()).sum();
        r.kafkaInvalid = invalidTopics.stream().mapToInt(t -> kafkaIds.getOrDefault(t, Map.of()).size()).sum();
        for (Map.Entry<String, Set<String>> t : expectedPerTable(exp).entrySet()) {
            String sinks = deployments.stream().filter(d -> d.isDynamoSink() && tableOf(d).equals(t.getKey()))
                    .map(LocalPipeline.Deployment::name).collect(java.util.stream.Collectors.joining(", "));
            r.stores.add(String.format("DynamoDB %-28s %7d items (expected %d) from %s", t.getKey(), dynamoItems.getOrDefault(t.getKey(), 0),
                    t.getValue().size(), sinks));
        }
        for (LocalPipeline.Deployment d : deployments) {
            if (d.isS3Sink()) {
                int records = s3Ids.getOrDefault(d.name(), Map.of()).values().stream().mapToInt(Integer::intValue).sum();
                int objects = s3Objects.getOrDefault(d.name(), Set.of()).size();
                r.stores.add(String.format("S3       %-28s %7d records (expected %d) in %d objects (the seed: %d objects)", d.name(), records,
                        expectedForSink(d, exp).size(), objects, records));
            }
        }
        Map<String, Integer> byReason = new TreeMap<>();
        fraudReasons.values().forEach(rs -> rs.forEach(reason -> byReason.merge(reason, 1, Integer::sum)));
        r.fraudFlagged = fraudReasons.size();
        r.fraudByReason = byReason;
        Map<String, int[]> planted = new TreeMap<>();
        for (SampleEvents.Event e : events) {
            if (e.fraudReason() != null) {
                int[] c = planted.computeIfAbsent(e.fraudReason(), k -> new int[2]);
                c[0]++;
                List<String> got = fraudReasons.get(e.id());
                if (got != null && got.contains(e.fraudReason())) {
                    c[1]++;
                }
            }
        }
        r.plantedFraud = planted;
        synchronized (qualityScores) {
            r.quality = new ArrayList<>(qualityScores);
        }
        r.consumerMode = deployments.stream().filter(LocalPipeline.Deployment::isKinesisSource)
                .map(d -> d.config().getOrDefault("kinesis.consumer.mode", "polling")).distinct()
                .collect(java.util.stream.Collectors.joining("/"));
        r.latencies = latencies(appendById, producer);
        r.dynamoLatencies = latencies(dynamoSeenById, producer);
        r.s3Latencies = latencies(s3SeenById, producer);
        r.problems = problems(events, true);
        return r;
    }

    /** Put → arrival, sorted, for the ids of {@code arrivals} the producer put. */
    private static List<Long> latencies(Map<String, Long> arrivals, SampleProducer producer) {
        List<Long> lat = new ArrayList<>();
        arrivals.forEach((id, ts) -> {
            Long put = producer.putMillis(id);
            if (put != null) {
                lat.add(Math.max(0, ts - put));
            }
        });
        Collections.sort(lat);
        return lat;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        if (storeThread != null) {
            storeThread.interrupt();
            storeThread.join(5000);
        }
        if (consumerThread != null) {
            consumerThread.join(5000);
        }
    }
}
