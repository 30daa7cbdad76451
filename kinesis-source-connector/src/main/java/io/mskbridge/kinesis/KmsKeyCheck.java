package io.mskbridge.kinesis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.aws.AwsErrors;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.KmsAccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.KmsDisabledException;
import software.amazon.awssdk.services.kinesis.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kinesis.model.KmsNotFoundException;
import software.amazon.awssdk.services.kinesis.model.KmsOptInRequiredException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The part of {@code validate()} for a stream encrypted with a KMS key: whether the connector's identity can
 * read it. Kinesis decrypts for the reader with the reader's permissions, so a missing {@code kms:Decrypt} grant
 * (or a disabled, deleted or pending-deletion key) shows only when records are read, as a KMS error of GetRecords
 * (from AWS docs: the GetRecords API reference lists KMSAccessDeniedException, KMSDisabledException,
 * KMSInvalidStateException, KMSNotFoundException, KMSOptInRequired and KMSThrottlingException). Describing the
 * stream is not enough, so this reads at the tip of one shard (LATEST, one record), and turns a KMS error into a
 * message that names the key and the grant, instead of letting the tasks fail later.
 */
final class KmsKeyCheck {

    private static final Logger log = LoggerFactory.getLogger(KmsKeyCheck.class);

    private KmsKeyCheck() {
    }

    /**
     * @param keyId  the stream's KMS key (DescribeStreamSummary's KeyId: an ARN, alias or key id)
     * @param region the region the connector calls, for the kms:ViaService condition; null when unknown
     * @return what is wrong, for {@code kinesis.stream.names}, or null when one record could be read (or the read
     * was throttled: other consumers share the shard's 5 reads/s, so that says nothing about the key)
     */
    static String problem(KinesisClient kinesis, String stream, String keyId, String region) {
        Shard shard = null;
        for (Shard s : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            if (shard == null || (s.sequenceNumberRange() != null && s.sequenceNumberRange().endingSequenceNumber() == null)) {
                shard = s;
            }
        }
        if (shard == null) {
            return null;
        }
        String shardId = shard.shardId();
        try {
            String it = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shardId)
                    .shardIteratorType(ShardIteratorType.LATEST)).shardIterator();
            kinesis.getRecords(b -> b.shardIterator(it).limit(1));
            return null;
        } catch (KmsAccessDeniedException e) {
            return message(stream, keyId, e, "the connector's identity may not use the key", region);
        } catch (KmsDisabledException e) {
            return message(stream, keyId, e, "the key is disabled: enable it, or encrypt the stream with a usable key",
                    region);
        } catch (KmsNotFoundException e) {
            return message(stream, keyId, e, "the key was not found (deleted, or not visible from this account and "
                    + "region)", region);
        } catch (KmsInvalidStateException e) {
            return message(stream, keyId, e, "the key is not in a usable state (e.g. pending deletion or pending "
                    + "import)", region);
        } catch (KmsOptInRequiredException e) {
            return message(stream, keyId, e, "the account is not subscribed to AWS KMS", region);
        } catch (KinesisException e) {
            if (!AwsErrors.isThrottling(e)) {
                throw e;
            }
            log.info("Could not check the KMS key of stream {}: reading it was throttled ({})", stream,
                    AwsErrors.describe(e));
            return null;
        }
    }

    private static String message(String stream, String keyId, KinesisException e, String what, String region) {
        return "Stream '" + stream + "' is encrypted with KMS key " + keyId + " and cannot be read: " + what + " ("
                + AwsErrors.describe(e) + "). The connector's identity needs kms:Decrypt on that key, e.g. in its "
                + "IAM policy with the condition kms:ViaService = kinesis." + (region == null ? "<region>" : region)
                + ".amazonaws.com (see deploy/iam/kinesis-source.json), and the key policy must allow it.";
    }
}
