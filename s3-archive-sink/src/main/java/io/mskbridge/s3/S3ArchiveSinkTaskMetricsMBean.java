package io.mskbridge.s3;

/** JMX view of one S3 archive sink task ({@code kafka.connect.mskbridge:type=s3-sink-task-metrics,...}). */
public interface S3ArchiveSinkTaskMetricsMBean {
    long getObjectsWritten();

    long getBytesWritten();

    long getRecordsWritten();

    long getUploadRetries();

    long getUploadFailures();

    /** Objects a conditional write found already written with the same batch (by another owner or a lost answer). */
    long getObjectsFound();

    /** Batches whose claim another owner of the partition held with another cut, adopted by re-reading them. */
    long getBatchesAdopted();

    long getBufferedBytes();

    long getBufferLimitBytes();

    long getSpilledBytes();

    int getOpenObjects();
}
