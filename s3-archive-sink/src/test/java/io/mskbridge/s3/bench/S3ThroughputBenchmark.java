package io.mskbridge.s3.bench;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.mskbridge.harness.S3ProxyServer;
import io.mskbridge.harness.TestAws;
import io.mskbridge.s3.BenchSupport;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Throughput report (not in the default run), against S3Proxy in process, in rounds (the first is cold):
 * <ul>
 *   <li>the sink task's MB/s of JSONL+gzip output;</li>
 *   <li>a bare SDK loop uploading the very bytes the sink wrote, as objects of the same sizes (the issue's
 *   baseline). S3Proxy keeps objects in memory, so this costs next to nothing and the ratio mostly measures
 *   JSON encoding and gzip, which that loop does not do;</li>
 *   <li>a bare loop doing the work any JSONL+gzip archiver must do: encode the same records (Jackson, sorted
 *   keys), gzip, PutObject per object of flush.size records. The ratio to it is what the connector adds
 *   (batching, memory budget, metadata, offsets).</li>
 * </ul>
 * Plus objects per 100,000 records vs the seed Lambda's one object per record. Run by the module's benchmarks
 * profile: {@code mvn -B -o -pl s3-archive-sink -am -Pbenchmarks verify -DskipTests -DskipITs} (records:
 * {@code -Dbench.records=N}, rounds: {@code -Dbench.rounds=N}).
 */
public final class S3ThroughputBenchmark {

    private static final int PARTITIONS = 4;
    private static final int FLUSH_SIZE = 25_000;

    private S3ThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (S3ProxyServer s3proxy = new S3ProxyServer()) {
            s3proxy.start();
            report(s3proxy.endpoint());
        }
    }

    private static void report(URI endpoint) throws Exception {
        int records = Integer.getInteger("bench.records", 2_000_000);
        int rounds = Integer.getInteger("bench.rounds", 3);
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < PARTITIONS; i++) {
            tps.add(new TopicPartition("bench", i));
        }
        // Connect hands a task interleaved partitions in batches of max.poll.records (500).
        List<List<SinkRecord>> batches = new ArrayList<>();
        List<List<SinkRecord>> perPartition = new ArrayList<>();
        for (int i = 0; i < PARTITIONS; i++) {
            perPartition.add(new ArrayList<>());
        }
        List<SinkRecord> cur = new ArrayList<>();
        for (long o = 0; o < records / PARTITIONS; o++) {
            for (int i = 0; i < PARTITIONS; i++) {
                SinkRecord r = BenchSupport.eventRecord("bench", i, o, 1_767_225_600_000L + o);
                cur.add(r);
                perPartition.get(i).add(r);
                if (cur.size() == 500) {
                    batches.add(cur);
                    cur = new ArrayList<>();
                }
            }
        }
        batches.add(cur);
        ObjectMapper json = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

        System.out.printf("%nS3 archive sink benchmark (S3Proxy in process, %d records of ~%d B JSON, %d partitions, "
                        + "JSONL+gzip, flush.size %d, one task)%n", records,
                json.writeValueAsBytes(batches.get(0).get(0).value()).length + 1, PARTITIONS, FLUSH_SIZE);
        try (S3Client s3 = S3Client.builder().endpointOverride(endpoint).region(TestAws.REGION)
                .credentialsProvider(TestAws.credentials()).forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder())
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .build()) {
            for (int round = 0; round < rounds; round++) {
                String sinkBucket = "bench-sink-" + round;
                String bareBucket = "bench-bare-" + round;
                String encodeBucket = "bench-encode-" + round;
                for (String b : List.of(sinkBucket, bareBucket, encodeBucket)) {
                    s3.createBucket(r -> r.bucket(b));
                }

                Map<String, String> p = BenchSupport.taskProps(endpoint, sinkBucket);
                p.put("flush.size", String.valueOf(FLUSH_SIZE));
                long t0 = System.nanoTime();
                BenchSupport.putAllAndCommit(p, tps, batches);
                double sinkSecs = (System.nanoTime() - t0) / 1e9;
                List<S3Object> objects = BenchSupport.list(s3, sinkBucket);
                long bytes = objects.stream().mapToLong(S3Object::size).sum();
                List<byte[]> bodies = new ArrayList<>();
                for (S3Object o : objects) {
                    bodies.add(BenchSupport.get(s3, sinkBucket, o.key()).asByteArray());
                }

                long t1 = System.nanoTime();
                int n = 0;
                for (byte[] body : bodies) {
                    String key = "bare/" + (n++);
                    s3.putObject(r -> r.bucket(bareBucket).key(key), RequestBody.fromBytes(body));
                }
                double bareSecs = (System.nanoTime() - t1) / 1e9;

                long t2 = System.nanoTime();
                long encodedBytes = 0;
                List<byte[]> encoded = new ArrayList<>();
                n = 0;
                for (List<SinkRecord> partition : perPartition) {
                    for (int from = 0; from < partition.size(); from += FLUSH_SIZE) {
                        ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 20);
                        try (GZIPOutputStream gz = new GZIPOutputStream(buf, 64 * 1024)) {
                            for (SinkRecord r : partition.subList(from, Math.min(partition.size(), from + FLUSH_SIZE))) {
                                gz.write(json.writeValueAsBytes(r.value()));
                                gz.write('\n');
                            }
                        }
                        byte[] body = buf.toByteArray();
                        encoded.add(body);
                        encodedBytes += body.length;
                        String key = "encode/" + (n++);
                        s3.putObject(r -> r.bucket(encodeBucket).key(key), RequestBody.fromBytes(body));
                    }
                }
                double encodeSecs = (System.nanoTime() - t2) / 1e9;

                // Sink keys sort by partition, then zero-padded start offset: the loop's order.
                boolean identical = encoded.size() == bodies.size();
                for (int i = 0; identical && i < bodies.size(); i++) {
                    identical = java.util.Arrays.equals(encoded.get(i), bodies.get(i));
                }
                double mb = bytes / 1e6;
                System.out.printf("  round %d%s:%n", round, round == 0 ? " (cold)" : "");
                System.out.printf("    sink task:                          %6.2f s  %5.1f MB/s gzip output  %,9.0f records/s  (%d objects, %.1f MB)%n",
                        sinkSecs, mb / sinkSecs, records / sinkSecs, objects.size(), mb);
                System.out.printf("    bare PutObject of the sink's bytes: %6.2f s  %5.1f MB/s              ratio sink/bare   %.2f%n",
                        bareSecs, mb / bareSecs, bareSecs / sinkSecs);
                System.out.printf("    bare encode+gzip+PutObject loop:    %6.2f s  %5.1f MB/s  %,9.0f records/s  ratio sink/loop   %.2f%n",
                        encodeSecs, encodedBytes / 1e6 / encodeSecs, records / encodeSecs, encodeSecs / sinkSecs);
                System.out.printf("    the loop's objects are byte-identical to the sink's: %s%n", identical ? "yes" : "NO");
                if (round == rounds - 1) {
                    System.out.printf("  objects per 100,000 records: sink %.1f, seed Lambda 100000%n",
                            objects.size() * 100_000.0 / records);
                }
            }
        }
    }
}
