package io.mskbridge.s3;

/** JMX view of one S3 archive sink task ({@code kafka.connect.mskbridge:type=s3-sink-task-metrics,...}). */
public interface S3ArchiveSinkTaskMetricsMBean {
    long getObjectsWritten();

    long getBytesWritten();

    long getRecordsWritten();

    long getUploadRetries();

    long getUploadFailures();

    long getBufferedBytes();

    long getBufferLimitBytes();

    long getSpilledBytes();

    int getOpenObjects();

    /** Fields of schemaless values that s3.value.schema does not name, dropped so far. */
    long getValueFieldsDropped();
}
