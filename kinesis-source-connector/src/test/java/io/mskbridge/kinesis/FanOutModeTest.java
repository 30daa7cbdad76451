package io.mskbridge.kinesis;

import static io.mskbridge.kinesis.KinesisSourceTaskTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kinesis.consumer.mode=efo} through the connector and the task: the stream consumer registered (or
 * reused) and handed to the tasks, the task reading with it, and a switch from polling to efo resuming from
 * the stored offsets with no gap and no duplicate.
 */
class FanOutModeTest {

    static final String STREAM = KinesisSourceTaskTest.STREAM;

    final FakeKinesis kinesis = new FakeKinesis(STREAM);
    final FakeFanOut fanOut = new FakeFanOut(kinesis);
    final Map<Map<String, Object>, Map<String, Object>> committed = new ConcurrentHashMap<>();
    KinesisSourceConnector connector;
    KinesisSourceTask task;

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
        if (connector != null) {
            connector.stop();
        }
        fanOut.close();
    }

    Map<String, String> props() {
        Map<String, String> p = KinesisSourceTaskTest.props(STREAM + "/shardId-0//");
        p.remove(KinesisSourceConfig.TASK_SHARDS);
        p.put(KinesisSourceConfig.CONSUMER_MODE, "efo");
        return p;
    }

    List<Map<String, String>> startConnector(Map<String, String> props) {
        connector = new KinesisSourceConnector(c -> kinesis);
        connector.initialize(KinesisSourceConnectorTest.context(committed, new AtomicInteger()));
        connector.start(props);
        return connector.taskConfigs(1);
    }

    void startTask(Map<String, String> taskConfig) {
        task = new KinesisSourceTask(c -> kinesis, c -> fanOut);
        task.initialize(new MapTaskContext(taskConfig, committed));
        task.start(taskConfig);
    }

    List<SourceRecord> pollUntil(int n) throws InterruptedException {
        List<SourceRecord> got = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 10_000;
        while (got.size() < n && System.currentTimeMillis() < deadline) {
            List<SourceRecord> r = task.poll();
            if (r != null) {
                got.addAll(r);
            }
        }
        return got;
    }

    @Test
    void theConnectorRegistersTheConsumerWaitsUntilActiveAndHandsItsArnToTheTasks() throws Exception {
        kinesis.shard("shardId-0", null);
        for (int i = 0; i < 12; i++) {
            kinesis.put("shardId-0", "k", json(i));
        }
        Map<String, String> p = props();
        p.put("name", "orders to kafka");
        List<Map<String, String>> configs = startConnector(p);

        // The default name: the connector's, made a valid consumer name.
        String arn = kinesis.activeConsumerArn("orders-to-kafka");
        assertThat(arn).isNotNull();
        assertThat(configs.get(0).get(KinesisSourceConfig.TASK_EFO_CONSUMERS)).isEqualTo(STREAM + "=" + arn);

        startTask(configs.get(0));
        assertThat(pollUntil(12)).extracting(KinesisSourceTaskTest::id)
                .containsExactlyElementsOf(KinesisSourceTaskTest.ids(0, 12));
        // The task used the connector's consumer: no second registration.
        assertThat(kinesis.registerCalls.get()).isEqualTo(1);
        assertThat(task.metrics().getAttribute("Subscriptions")).isEqualTo(1L);

        // A restarted connector reuses the consumer.
        task.stop();
        task = null;
        connector.stop();
        assertThat(startConnector(p).get(0).get(KinesisSourceConfig.TASK_EFO_CONSUMERS)).endsWith(arn);
        assertThat(kinesis.registerCalls.get()).isEqualTo(1);
    }

    @Test
    void switchingFromPollingToEfoResumesFromTheStoredOffsetsWithNoGapAndNoDuplicate() throws Exception {
        kinesis.shard("shardId-0", null);
        for (int i = 0; i < 40; i++) {
            kinesis.put("shardId-0", "k", json(i));
        }
        Map<String, String> polling = KinesisSourceTaskTest.props(STREAM + "/shardId-0//");
        task = new KinesisSourceTask(c -> kinesis);
        task.initialize(new MapTaskContext(polling, committed));
        task.start(polling);
        List<SourceRecord> first = pollUntil(40);
        // Connect committed up to record 16 when the connector was switched.
        SourceRecord last = first.get(16);
        committed.put(new HashMap<>(last.sourcePartition()), new HashMap<>(last.sourceOffset()));
        task.stop();

        Map<String, String> efo = new HashMap<>(polling);
        efo.put(KinesisSourceConfig.CONSUMER_MODE, "efo");
        startTask(efo);
        List<SourceRecord> rest = pollUntil(23);
        Thread.sleep(300);
        List<SourceRecord> more = task.poll();
        assertThat(more).isNull();
        assertThat(rest).extracting(KinesisSourceTaskTest::id).containsExactlyElementsOf(KinesisSourceTaskTest.ids(17, 40));
        assertThat(rest.get(0).sourceOffset()).containsOnlyKeys(first.get(17).sourceOffset().keySet())
                .isEqualTo(first.get(17).sourceOffset());
    }

    @Test
    void switchingFromEfoBackToPollingResumesFromTheStoredOffsetsWithNoGapAndNoDuplicate() throws Exception {
        kinesis.shard("shardId-0", null);
        for (int i = 0; i < 40; i++) {
            kinesis.put("shardId-0", "k", json(i));
        }
        Map<String, String> polling = KinesisSourceTaskTest.props(STREAM + "/shardId-0//");
        Map<String, String> efo = new HashMap<>(polling);
        efo.put(KinesisSourceConfig.CONSUMER_MODE, "efo");
        startTask(efo);
        List<SourceRecord> first = pollUntil(40);
        // Connect committed up to record 25 when the connector was switched back.
        SourceRecord last = first.get(25);
        committed.put(new HashMap<>(last.sourcePartition()), new HashMap<>(last.sourceOffset()));
        task.stop();

        task = new KinesisSourceTask(c -> kinesis);
        task.initialize(new MapTaskContext(polling, committed));
        task.start(polling);
        List<SourceRecord> rest = pollUntil(14);
        Thread.sleep(300);
        assertThat(task.poll()).isNull();
        assertThat(rest).extracting(KinesisSourceTaskTest::id).containsExactlyElementsOf(KinesisSourceTaskTest.ids(26, 40));
        assertThat(rest.get(0).sourceOffset()).isEqualTo(first.get(26).sourceOffset());
    }

    @Test
    void aConsumerThatNeverBecomesActiveFailsWithTheNameAndTheKey() {
        kinesis.shard("shardId-0", null);
        kinesis.describesUntilActive = 1_000;
        StreamConsumers consumers = new StreamConsumers(kinesis, "slow", Duration.ofMillis(300), 20);
        assertThatThrownBy(() -> consumers.arn(STREAM)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("'slow'").hasMessageContaining(STREAM).hasMessageContaining("CREATING")
                .hasMessageContaining(KinesisSourceConfig.EFO_CONSUMER_NAME);
    }

    /** How many async clients validate() asked for: each costs Netty's 2 s quiet period when closed. */
    final AtomicInteger asyncClientsBuilt = new AtomicInteger();

    Map<String, List<String>> validate(Map<String, String> p) {
        return KinesisSourceConnectorTest.errors(new KinesisSourceConnector(c -> kinesis, c -> {
            asyncClientsBuilt.incrementAndGet();
            return fanOut;
        }).validate(p));
    }

    void registerActive(String name) {
        kinesis.registerStreamConsumer(b -> b.streamARN(kinesis.streamArn()).consumerName(name));
        kinesis.describesUntilActive = 0;
        kinesis.describeStreamConsumer(b -> b.streamARN(kinesis.streamArn()).consumerName(name));
    }

    @Test
    void validateReportsAMissingFanOutPermissionOnTheCredentialsField() {
        kinesis.shard("shardId-0", null);
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.EFO_VALIDATE_REGISTER, "false");
        // Allowed, consumer not registered, registering in validate() turned off: nothing called, nothing to report.
        assertThat(validate(p)).isEmpty();
        assertThat(kinesis.registerCalls.get()).as("validate() registers nothing").isZero();
        assertThat(asyncClientsBuilt.get()).as("no subscription to try, so no async client to build and close").isZero();

        kinesis.consumerFailure = FakeKinesis.accessDenied();
        Map<String, List<String>> e = validate(p);
        assertThat(e).containsOnlyKeys("aws.credentials.provider");
        assertThat(e.get("aws.credentials.provider").get(0)).contains("may not call DescribeStreamConsumer")
                .contains("kinesis:SubscribeToShard").contains("/consumer/");
        kinesis.consumerFailure = null;

        // Registered and ACTIVE: RegisterStreamConsumer under the taken name (refused, nothing registered) and
        // SubscribeToShard are tried, and their denials reported.
        registerActive("unit");
        String arn = kinesis.consumers.get("unit").consumerARN();
        int calls = kinesis.registerCalls.get();
        assertThat(validate(p)).isEmpty();
        assertThat(kinesis.registerCalls.get()).as("the registration is tried").isEqualTo(calls + 1);
        assertThat(kinesis.consumers.get("unit").consumerARN()).as("and registers nothing").isEqualTo(arn);
        assertThat(fanOut.positions).hasSize(1);
        assertThat(asyncClientsBuilt.get()).isEqualTo(1);
        kinesis.registerFailure = FakeKinesis.accessDenied();
        e = validate(p);
        assertThat(e).containsOnlyKeys("aws.credentials.provider");
        assertThat(e.get("aws.credentials.provider").get(0)).contains("may not call RegisterStreamConsumer")
                .contains("not authorized").contains("kinesis:RegisterStreamConsumer");
        assertThat(fanOut.positions).as("steps stop at the first denial").hasSize(1);
        kinesis.registerFailure = null;
        fanOut.subscribeFaults.add(FakeKinesis::accessDenied);
        e = validate(p);
        assertThat(e).containsOnlyKeys("aws.credentials.provider");
        assertThat(e.get("aws.credentials.provider").get(0)).contains("may not call SubscribeToShard")
                .contains("not authorized");

        // Polling mode asks nothing of fan-out.
        p.put(KinesisSourceConfig.CONSUMER_MODE, "polling");
        fanOut.subscribeFaults.add(FakeKinesis::accessDenied);
        kinesis.consumerFailure = FakeKinesis.accessDenied();
        assertThat(validate(p)).isEmpty();
    }

    @Test
    void validateRegistersAMissingConsumerSoADeniedRegistrationIsReportedThere() {
        kinesis.shard("shardId-0", null);
        Map<String, String> p = props();
        kinesis.registerFailure = FakeKinesis.accessDenied();
        Map<String, List<String>> e = validate(p);
        assertThat(e).containsOnlyKeys("aws.credentials.provider");
        assertThat(e.get("aws.credentials.provider").get(0)).contains("may not call RegisterStreamConsumer")
                .contains("consumer unit of stream " + STREAM).contains("kinesis:RegisterStreamConsumer");
        assertThat(kinesis.consumers).isEmpty();

        // No connector name and no consumer name (the plugin validate endpoint): the fallback name is nobody's
        // consumer, so nothing is registered.
        kinesis.registerFailure = null;
        Map<String, String> unnamed = new HashMap<>(p);
        unnamed.remove("name");
        int before = kinesis.registerCalls.get();
        validate(unnamed);
        assertThat(kinesis.registerCalls.get()).isEqualTo(before);
        assertThat(kinesis.consumers).isEmpty();

        // Allowed: registered once, waited for until ACTIVE, then SubscribeToShard tried with it.
        assertThat(validate(p)).isEmpty();
        assertThat(kinesis.registerCalls.get()).isEqualTo(before + 1);
        assertThat(kinesis.activeConsumerArn("unit")).isNotNull();
        assertThat(fanOut.positions).hasSize(1);
        // A consumer being deregistered is not asked about: its name may be free by the time the call arrives.
        var active = kinesis.consumers.get("unit");
        kinesis.consumers.put("unit", active.toBuilder()
                .consumerStatus(software.amazon.awssdk.services.kinesis.model.ConsumerStatus.DELETING).build());
        int calls0 = kinesis.registerCalls.get();
        validate(p);
        assertThat(kinesis.registerCalls.get()).isEqualTo(calls0);
        kinesis.consumers.put("unit", active);

        // The connector's start reuses it.
        int calls = kinesis.registerCalls.get();
        startConnector(props());
        assertThat(kinesis.registerCalls.get()).isEqualTo(calls);
        assertThat(connector.taskConfigs(1).get(0).get(KinesisSourceConfig.TASK_EFO_CONSUMERS))
                .contains(kinesis.activeConsumerArn("unit"));
    }

    @Test
    void aDeniedRegistrationFailsTheConnectorsStartNamingThePermission() {
        kinesis.shard("shardId-0", null);
        kinesis.consumerFailure = FakeKinesis.accessDenied();
        assertThatThrownBy(() -> startConnector(props())).hasMessageContaining("kinesis:RegisterStreamConsumer");
    }

    @Test
    void consumerArnsTravelInTheTaskConfig() {
        String arn = "arn:aws:kinesis:us-east-1:1:stream/a/consumer/c:17";
        assertThat(StreamConsumers.decode("a=" + arn + ",b.x=" + arn + "2")).containsExactly(
                Map.entry("a", arn), Map.entry("b.x", arn + "2"));
        assertThat(StreamConsumers.decode(null)).isEmpty();
    }

    @Test
    void theModeAndTheConsumerNameAreValidated() {
        Map<String, String> p = props();
        p.put(KinesisSourceConfig.CONSUMER_MODE, "push");
        assertThatThrownBy(() -> new KinesisSourceConfig(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(KinesisSourceConfig.CONSUMER_MODE);
        p.put(KinesisSourceConfig.CONSUMER_MODE, "EFO");
        p.put(KinesisSourceConfig.EFO_CONSUMER_NAME, "bad name!");
        assertThatThrownBy(() -> new KinesisSourceConfig(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(KinesisSourceConfig.EFO_CONSUMER_NAME);
        p.remove(KinesisSourceConfig.EFO_CONSUMER_NAME);
        assertThat(new KinesisSourceConfig(p).consumerMode()).isEqualTo(KinesisSourceConfig.ConsumerMode.EFO);
        assertThat(new KinesisSourceConfig(p).efoConsumerName()).isEqualTo("unit");
        p.remove(KinesisSourceConfig.CONSUMER_MODE);
        assertThat(new KinesisSourceConfig(p).consumerMode()).isEqualTo(KinesisSourceConfig.ConsumerMode.POLLING);
    }
}
