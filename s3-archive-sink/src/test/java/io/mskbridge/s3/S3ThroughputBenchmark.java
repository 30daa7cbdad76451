package io.mskbridge.s3;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mskbridge.harness.S3ProxyServer;
import io.mskbridge.harness.TestAws;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Throughput report (not in the default run): the sink's MB/s of JSONL+gzip output against S3Proxy next to a
 * bare SDK loop uploading the same bytes as objects of the same sizes, and objects per 100,000 records vs
 * the seed Lambda's one object per record. Run:
 * {@code mvn -B -o -pl s3-archive-sink -am verify -Pbenchmarks -Dtest=none -Dit.test=S3ThroughputBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}
 */
@EnabledIfSystemProperty(named = "mskbridge.benchmarks", matches = "true")
class S3ThroughputBenchmark {

    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();

    @Test
    void report() throws Exception {
        int records = Integer.getInteger("bench.records", 200_000);
        int partitions = 4;
        S3.client().createBucket(b -> b.bucket("bench"));
        S3.client().createBucket(b -> b.bucket("bench-bare"));
        Map<String, String> p = TaskDriver.props(S3.endpoint(), "bench");
        p.put("flush.size", "25000");
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            tps.add(new TopicPartition("bench", i));
        }
        List<List<SinkRecord>> batches = new ArrayList<>();
        List<SinkRecord> cur = new ArrayList<>();
        for (long o = 0; o < records / partitions; o++) {
            for (int i = 0; i < partitions; i++) {
                cur.add(S3ArchiveSinkTaskTest.rec("bench", i, o, 1_767_225_600_000L + o, S3ArchiveSinkTaskTest.event(i, o), null));
                if (cur.size() == 500) {
                    batches.add(cur);
                    cur = new ArrayList<>();
                }
            }
        }
        batches.add(cur);
        long t0 = System.nanoTime();
        try (TaskDriver d = new TaskDriver(p, tps)) {
            for (List<SinkRecord> b : batches) {
                d.put(b);
            }
            d.commit(tps);
        }
        double sinkSecs = (System.nanoTime() - t0) / 1e9;
        List<S3Object> objects = TaskDriver.list(S3.client(), "bench");
        long bytes = objects.stream().mapToLong(S3Object::size).sum();
        List<byte[]> bodies = new ArrayList<>();
        for (S3Object o : objects) {
            bodies.add(TaskDriver.get(S3.client(), "bench", o.key()).asByteArray());
        }
        double bareSecs;
        try (S3Client s3 = S3Client.builder().endpointOverride(S3.endpoint()).region(TestAws.REGION)
                .credentialsProvider(TestAws.credentials()).forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder())
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .build()) {
            long t1 = System.nanoTime();
            int i = 0;
            for (byte[] body : bodies) {
                String key = "bare/" + (i++);
                s3.putObject(r -> r.bucket("bench-bare").key(key), RequestBody.fromBytes(body));
            }
            bareSecs = (System.nanoTime() - t1) / 1e9;
        }
        double mb = bytes / 1e6;
        Map<String, Object> r = new HashMap<>();
        System.out.printf("%nS3 archive sink benchmark (S3Proxy in process, %d records, %d partitions, JSONL+gzip, flush.size 25000)%n", records, partitions);
        System.out.printf("  sink: %.1f MB gzip output in %.2f s = %.1f MB/s (%.0f records/s)%n", mb, sinkSecs, mb / sinkSecs, records / sinkSecs);
        System.out.printf("  bare SDK PutObject loop, same %d objects: %.2f s = %.1f MB/s%n", bodies.size(), bareSecs, mb / bareSecs);
        System.out.printf("  ratio sink/bare: %.2f%n", bareSecs / sinkSecs);
        System.out.printf("  objects per 100,000 records: sink %.1f, seed Lambda 100000%n", objects.size() * 100_000.0 / records);
        r.clear();
    }
}
