package io.mskbridge.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

import io.mskbridge.harness.TestAws;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Drives a task the way WorkerSinkTask does: open, put (redelivering the same batch on RetriableException), preCommit. */
public final class TaskDriver implements AutoCloseable {

    final S3ArchiveSinkTask task = new S3ArchiveSinkTask();
    final Map<TopicPartition, Long> committed = new HashMap<>();
    int retriableFailures;

    public static Map<String, String> props(URI endpoint, String bucket) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "test");
        p.put(S3ArchiveSinkConfig.BUCKET, bucket);
        p.put("aws.endpoint.url", endpoint.toString());
        p.put("aws.region", "us-east-1");
        p.put("aws.credentials.provider", "static");
        p.put("aws.access.key.id", TestAws.ACCESS_KEY);
        p.put("aws.secret.access.key", TestAws.SECRET_KEY);
        return p;
    }

    /** Batches cut by a 200 ms wall clock only (flush.size out of reach). */
    static Map<String, String> wallClockProps(URI endpoint, String bucket) {
        Map<String, String> p = props(endpoint, bucket);
        p.put("flush.size", "1000");
        p.put("rotate.schedule.interval.ms", "200");
        return p;
    }

    TaskDriver(Map<String, String> props, Collection<TopicPartition> partitions) {
        this(props, partitions, null);
    }

    /** A task whose worker offers {@code reporter} as its errant record reporter (null: none). */
    TaskDriver(Map<String, String> props, Collection<TopicPartition> partitions,
               org.apache.kafka.connect.sink.ErrantRecordReporter reporter) {
        task.initialize(context(props, partitions, new HashMap<>(), reporter));
        task.start(props);
        task.open(partitions);
    }

    /** The worker's side of a task that owns {@code partitions}: offset resets, pauses and timeouts do nothing. */
    static SinkTaskContext context(Map<String, String> props, Collection<TopicPartition> partitions) {
        return context(props, partitions, new HashMap<>(), null);
    }

    /** The same, recording the offsets the task asks the worker to seek to into {@code seeks}. */
    public static SinkTaskContext context(Map<String, String> props, Collection<TopicPartition> partitions,
                                          Map<TopicPartition, Long> seeks) {
        return context(props, partitions, seeks, null);
    }

    /** The same, also offering {@code reporter} as the errant record reporter (null: none). */
    public static SinkTaskContext context(Map<String, String> props, Collection<TopicPartition> partitions,
                                          Map<TopicPartition, Long> seeks,
                                          org.apache.kafka.connect.sink.ErrantRecordReporter reporter) {
        return new SinkTaskContext() {
            @Override
            public org.apache.kafka.connect.sink.ErrantRecordReporter errantRecordReporter() {
                return reporter;
            }

            @Override
            public Map<String, String> configs() {
                return props;
            }

            @Override
            public void offset(Map<TopicPartition, Long> offsets) {
                seeks.putAll(offsets);
            }

            @Override
            public void offset(TopicPartition tp, long offset) {
                seeks.put(tp, offset);
            }

            @Override
            public void timeout(long timeoutMs) {
            }

            @Override
            public Set<TopicPartition> assignment() {
                return new HashSet<>(partitions);
            }

            @Override
            public void pause(TopicPartition... partitions) {
            }

            @Override
            public void resume(TopicPartition... partitions) {
            }

            @Override
            public void requestCommit() {
            }
        };
    }

    void put(List<SinkRecord> batch) {
        for (int attempt = 0; ; attempt++) {
            try {
                task.put(batch);
                return;
            } catch (RetriableException e) {
                retriableFailures++;
                if (attempt > 200) {
                    throw e;
                }
            }
        }
    }

    Map<TopicPartition, Long> commit(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> cur = new HashMap<>();
        partitions.forEach(tp -> cur.put(tp, new OffsetAndMetadata(Long.MAX_VALUE)));
        task.preCommit(cur).forEach((tp, o) -> committed.put(tp, o.offset()));
        return committed;
    }

    @Override
    public void close() {
        task.stop();
    }

    /** Where the task records its key layouts (s3.layout.history.prefix's default): not an archived object. */
    public static final String LAYOUT_HISTORY = "_mskbridge/layouts/";

    /** The archived objects of the bucket (the layout history left out). */
    static List<S3Object> list(S3Client s3, String bucket) {
        List<S3Object> out = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            if (!o.key().startsWith(LAYOUT_HISTORY)) {
                out.add(o);
            }
        }
        return out;
    }

    static ResponseBytes<GetObjectResponse> get(S3Client s3, String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
    }

    static byte[] gunzip(byte[] b) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            return in.readAllBytes();
        }
    }
}
