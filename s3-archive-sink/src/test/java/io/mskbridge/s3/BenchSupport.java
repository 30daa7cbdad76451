package io.mskbridge.s3;

import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What the benchmarks in {@code io.mskbridge.s3.bench} need from this package: the unit tests' records and the
 * package-private {@link TaskDriver}. Public for those benchmarks only; the classes it reaches stay package-private.
 */
public final class BenchSupport {

    private BenchSupport() {
    }

    /** The unit tests' schemaless event record ({@link S3ArchiveSinkTaskTest#event}) at that offset. */
    public static SinkRecord eventRecord(String topic, int partition, long offset, long timestamp) {
        return S3ArchiveSinkTaskTest.rec(topic, partition, offset, timestamp,
                S3ArchiveSinkTaskTest.event(partition, offset), null);
    }

    /** {@link TaskDriver#props}: a sink writing to {@code bucket} at {@code endpoint} with the test keys. */
    public static Map<String, String> taskProps(URI endpoint, String bucket) {
        return TaskDriver.props(endpoint, bucket);
    }

    /**
     * One task that owns {@code partitions}, driven as WorkerSinkTask does ({@link TaskDriver}): every batch put in
     * order, then one commit of all partitions, then stop.
     */
    public static void putAllAndCommit(Map<String, String> props, Collection<TopicPartition> partitions,
                                       List<List<SinkRecord>> batches) {
        try (TaskDriver d = new TaskDriver(props, partitions)) {
            for (List<SinkRecord> b : batches) {
                d.put(b);
            }
            d.commit(partitions);
        }
    }

    public static List<S3Object> list(S3Client s3, String bucket) {
        return TaskDriver.list(s3, bucket);
    }

    public static ResponseBytes<GetObjectResponse> get(S3Client s3, String bucket, String key) {
        return TaskDriver.get(s3, bucket, key);
    }
}
