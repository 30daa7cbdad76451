package io.mskbridge.kinesis.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.TestAws;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/** Test data and assertions shared by the Kinesis source ITs. */
final class KinesisFixtures {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int KEYS = 20;

    private KinesisFixtures() {
    }

    static Map<String, String> connector(String stream, URI endpoint, int tasks) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", "io.mskbridge.kinesis.KinesisSourceConnector");
        c.put("tasks.max", String.valueOf(tasks));
        c.put("kinesis.stream.names", stream);
        c.put("kinesis.payload.format", "string");
        c.put("kinesis.poll.interval.ms", "200");
        c.put("kinesis.shard.discovery.interval.ms", "3000");
        useEmulator(c, endpoint);
        c.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        return c;
    }

    /**
     * A shipped connector config ({@code docker/connectors/<file>}) as it is, pointed at the emulator: its stream
     * names, endpoint and credentials replaced, nothing else.
     */
    static Map<String, String> shippedConfig(String file, String stream, URI endpoint) {
        String root = System.getProperty("mskbridge.root", "..");
        Map<String, String> c = new HashMap<>();
        try {
            JSON.readTree(java.nio.file.Files.readString(java.nio.file.Path.of(root, "docker", "connectors", file)))
                    .path("config").fields().forEachRemaining(e -> c.put(e.getKey(), e.getValue().asText()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        c.remove("name");
        c.put("kinesis.stream.names", stream);
        useEmulator(c, endpoint);
        return c;
    }

    private static void useEmulator(Map<String, String> c, URI endpoint) {
        c.put("aws.region", "us-east-1");
        c.put("aws.endpoint.url", endpoint.toString());
        c.put("aws.credentials.provider", "static");
        c.put("aws.access.key.id", TestAws.ACCESS_KEY);
        c.put("aws.secret.access.key", TestAws.SECRET_KEY);
    }

    /** Puts records {@code from..to-1}, key {@code k<id % KEYS>}, in batches, retrying failed entries in order. */
    static void put(KinesisClient k, String stream, int from, int to) {
        put(k, stream, from, to, null);
    }

    /** The same, every record routed by {@code explicitHashKey} (null: by its partition key). */
    static void put(KinesisClient k, String stream, int from, int to, String explicitHashKey) {
        for (int start = from; start < to; start += 100) {
            List<PutRecordsRequestEntry> batch = new ArrayList<>();
            for (int i = start; i < Math.min(to, start + 100); i++) {
                batch.add(PutRecordsRequestEntry.builder().partitionKey("k" + (i % KEYS)).explicitHashKey(explicitHashKey)
                        .data(SdkBytes.fromUtf8String("{\"id\":" + i + ",\"key\":\"k" + (i % KEYS) + "\"}")).build());
            }
            PutRecordsResponse r = k.putRecords(b -> b.streamName(stream).records(batch));
            assertThat(r.failedRecordCount()).as("PutRecords failures").isZero();
        }
    }

    static int id(ConsumerRecord<byte[], byte[]> r) {
        try {
            JsonNode n = JSON.readTree(new String(r.value(), StandardCharsets.UTF_8));
            return n.path("id").asInt();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Every id exactly once, and per partition key in increasing id order. */
    static void assertExactlyOnceInKeyOrder(List<ConsumerRecord<byte[], byte[]>> got, int count) {
        assertExactlyOnceInKeyOrder(got, 0, count);
    }

    /** Ids {@code from..to-1} exactly once (no other), and per partition key in increasing id order. */
    static void assertExactlyOnceInKeyOrder(List<ConsumerRecord<byte[], byte[]>> got, int from, int to) {
        List<Integer> ids = new ArrayList<>();
        Map<String, List<Integer>> perKey = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : got) {
            int id = id(r);
            ids.add(id);
            String key = new String(r.key(), StandardCharsets.UTF_8);
            assertThat(key).isEqualTo("k" + (id % KEYS));
            perKey.computeIfAbsent(key, x -> new ArrayList<>()).add(id);
        }
        assertThat(ids).as("every record exactly once").hasSize(to - from).doesNotHaveDuplicates();
        assertThat(ids).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(from, to).boxed().toList());
        perKey.forEach((k, l) -> assertThat(l).as("order of key %s", k).isSorted());
    }

    static Map<String, Integer> countsByHeader(List<ConsumerRecord<byte[], byte[]>> got, String header) {
        Map<String, Integer> m = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : got) {
            var h = r.headers().lastHeader(header);
            m.merge(h == null ? "null" : new String(h.value(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        return m;
    }

    /** The logs of the cluster's live workers, concatenated (what the tasks said about shards they read). */
    static String workerLogs(ConnectCluster connect) {
        StringBuilder sb = new StringBuilder();
        try {
            for (ConnectCluster.Worker w : connect.workers()) {
                sb.append(Files.readString(w.process().log()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }
}
