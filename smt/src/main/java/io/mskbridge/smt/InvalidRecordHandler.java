package io.mskbridge.smt;

import io.mskbridge.common.config.ConfigEnums;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code on.invalid} / {@code invalid.topic} behaviour shared by every MSK Bridge SMT that can
 * reject a record: fail (a {@link DataException}, so a sink's {@code errors.tolerance} and DLQ apply),
 * drop (return {@code null}), or route the unchanged record to another topic with a header saying
 * why. Routing is the only one of the three that gives a source connector a dead-letter topic,
 * because Connect has no DLQ for sources.
 */
public final class InvalidRecordHandler {

    private static final Logger log = LoggerFactory.getLogger(InvalidRecordHandler.class);

    public static final String ON_INVALID_CONFIG = "on.invalid";
    public static final String INVALID_TOPIC_CONFIG = "invalid.topic";
    public static final String TOPIC_PLACEHOLDER = "${topic}";
    public static final String DEFAULT_INVALID_TOPIC = TOPIC_PLACEHOLDER + ".invalid";

    /** Header carrying the human-readable reason on a routed record. */
    public static final String ERROR_HEADER = "mskbridge.validation.error";
    /** Header naming the transform that routed the record. */
    public static final String TRANSFORM_HEADER = "mskbridge.validation.transform";

    /** What to do with a record a transform cannot accept. */
    public enum OnInvalid {
        FAIL, DROP, ROUTE
    }

    private final String transform;
    private final OnInvalid mode;
    private final String topicPrefix;
    private final String topicSuffix;
    private final boolean templated;

    InvalidRecordHandler(String transform, OnInvalid mode, String topicTemplate) {
        this.transform = transform;
        this.mode = mode;
        int i = topicTemplate.indexOf(TOPIC_PLACEHOLDER);
        this.templated = i >= 0;
        // Only the first ${topic} is substituted; the validator rejects templates with more than one.
        this.topicPrefix = templated ? topicTemplate.substring(0, i) : topicTemplate;
        this.topicSuffix = templated ? topicTemplate.substring(i + TOPIC_PLACEHOLDER.length()) : "";
    }

    /** Builds the handler from a config defined with {@link #define(ConfigDefBuilder)}. */
    static InvalidRecordHandler from(String transform, AbstractConfig config) {
        return new InvalidRecordHandler(transform, mode(config),
                config.getString(INVALID_TOPIC_CONFIG).trim());
    }

    /** Adds the group of {@code on.invalid} and {@code invalid.topic} to a transform's ConfigDef. */
    static ConfigDefBuilder define(ConfigDefBuilder keys) {
        return keys.group("Invalid records")
                .choice(ON_INVALID_CONFIG, OnInvalid.class, "fail", ConfigDef.Importance.HIGH,
                        "What to do with a record this transform cannot accept. 'fail' throws a DataException "
                                + "naming the record and the problem, so the connector's errors.tolerance and "
                                + "(for sinks) errors.deadletterqueue.topic.name apply. 'drop' removes the record. "
                                + "'route' sends the unchanged record to '" + INVALID_TOPIC_CONFIG + "' with a '"
                                + ERROR_HEADER + "' header holding the reason; this also works in source "
                                + "connectors, which have no DLQ.",
                        "On invalid record")
                .define(INVALID_TOPIC_CONFIG, ConfigDef.Type.STRING, DEFAULT_INVALID_TOPIC,
                        Validators.topicTemplate(), ConfigDef.Importance.MEDIUM,
                        "Topic for rejected records when " + ON_INVALID_CONFIG + "=route. '" + TOPIC_PLACEHOLDER
                                + "' is replaced by the record's topic. For source records the partition is left "
                                + "to the producer's partitioner (the invalid topic may have fewer partitions); "
                                + "sink records keep their partition and offset.",
                        ConfigDef.Width.MEDIUM, "Invalid record topic");
    }

    private static OnInvalid mode(AbstractConfig config) {
        return ConfigEnums.parse(OnInvalid.class, ON_INVALID_CONFIG, config.getString(ON_INVALID_CONFIG));
    }

    OnInvalid mode() {
        return mode;
    }

    String topicFor(String topic) {
        return templated ? topicPrefix + topic + topicSuffix : topicPrefix;
    }

    /**
     * Applies the configured behaviour to a record that failed with {@code reason}.
     *
     * @return the routed record, or {@code null} when dropping
     * @throws DataException when the mode is fail
     */
    <R extends ConnectRecord<R>> R reject(R record, String reason) {
        switch (mode) {
            case DROP:
                if (log.isDebugEnabled()) {
                    log.debug("{} dropped {}: {}", transform, describe(record), reason);
                }
                return null;
            case ROUTE: {
                String target = topicFor(record.topic());
                if (log.isDebugEnabled()) {
                    log.debug("{} routed {} to {}: {}", transform, describe(record), target, reason);
                }
                Headers headers = record.headers().duplicate();
                headers.addString(ERROR_HEADER, reason);
                headers.addString(TRANSFORM_HEADER, transform);
                // A source record's partition number belongs to the original topic; let the producer choose.
                Integer partition = record instanceof SourceRecord ? null : record.kafkaPartition();
                return record.newRecord(target, partition, record.keySchema(), record.key(),
                        record.valueSchema(), record.value(), record.timestamp(), headers);
            }
            case FAIL:
            default:
                throw new DataException(transform + " rejected " + describe(record) + ": " + reason);
        }
    }

    /** Names a record the way an operator finds it again: topic/partition/offset or source coordinates. */
    static String describe(ConnectRecord<?> record) {
        StringBuilder sb = new StringBuilder("record (topic=").append(record.topic());
        if (record instanceof SinkRecord) {
            SinkRecord s = (SinkRecord) record;
            sb.append(", partition=").append(s.kafkaPartition()).append(", offset=").append(s.kafkaOffset());
        } else if (record instanceof SourceRecord) {
            SourceRecord s = (SourceRecord) record;
            sb.append(", sourcePartition=").append(s.sourcePartition())
                    .append(", sourceOffset=").append(s.sourceOffset());
        } else if (record.kafkaPartition() != null) {
            sb.append(", partition=").append(record.kafkaPartition());
        }
        return sb.append(')').toString();
    }

    static void requireRouteTopic(AbstractConfig config) {
        // The validator already checked the template; this only guards the obvious self-loop.
        if (mode(config) == OnInvalid.ROUTE
                && TOPIC_PLACEHOLDER.equals(config.getString(INVALID_TOPIC_CONFIG).trim())) {
            throw new ConfigException(INVALID_TOPIC_CONFIG, config.getString(INVALID_TOPIC_CONFIG),
                    "routing invalid records to their own topic would hide them; add a suffix such as '.invalid'");
        }
    }
}
