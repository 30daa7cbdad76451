package io.mskbridge.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mskbridge.harness.CloudWatchServer;
import io.mskbridge.harness.ConnectCluster;
import io.mskbridge.harness.DynamoDbLocal;
import io.mskbridge.harness.KafkaBroker;
import io.mskbridge.harness.KinesisEmulator;
import io.mskbridge.harness.S3ProxyServer;
import io.mskbridge.harness.TestAws;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The seeds' platform on MSK Bridge, on one machine: starts every server, deploys docker/connectors/*.json through
 * the Connect REST API with local endpoints, produces sample events into the four Kinesis streams, waits until every
 * event is accounted for in Kafka, DynamoDB and S3, and prints a reconciliation report. Exit code 0 only when the
 * books balance.
 */
public final class LocalPipeline {

    static final String TABLE = "mskbridge-events-dev";
    static final String BUCKET = "mskbridge-archive-dev";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrintStream OUT = System.out;

    /** Command-line options. */
    record Options(int events, boolean keepRunning, boolean crashTest, Duration timeout, Path pluginDir, Path connectorsDir,
                   String consumerMode) {
        Options {
            if (crashTest && consumerMode == null) {
                // kinesis-local can hold the fan-out subscription of a SIGKILLed worker for the subscription's full
                // 5 minutes and refuse the new worker's until then (Kinesis hands it over after 5 s), which stalls
                // a crash test for minutes at random; efo across a SIGKILL is KinesisFanOutIT's. --consumer-mode efo
                // still runs it in efo mode.
                consumerMode = "polling";
                OUT.println("[crash-test] sources in polling mode (--consumer-mode efo to override): the emulator can "
                        + "hold a killed worker's fan-out subscription for 5 minutes");
            }
        }

        static Options parse(String[] args) {
            int events = 10_000;
            boolean keep = false;
            boolean crash = false;
            Duration timeout = Duration.ofMinutes(10);
            Path plugin = null;
            Path root = Path.of(System.getProperty("mskbridge.root", "."));
            Path connectors = root.resolve("docker/connectors");
            String mode = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--events" -> events = Integer.parseInt(args[++i]);
                    case "--keep-running" -> keep = true;
                    case "--crash-test" -> crash = true;
                    case "--timeout-seconds" -> timeout = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--plugin-dir" -> plugin = Path.of(args[++i]);
                    case "--connectors-dir" -> connectors = Path.of(args[++i]);
                    case "--consumer-mode" -> {
                        mode = args[++i];
                        if (!mode.equals("polling") && !mode.equals("efo")) {
                            throw new IllegalArgumentException("--consumer-mode must be polling or efo, got " + mode);
                        }
                    }
                    case "--help", "-h" -> {
                        OUT.println("usage: bin/mskbridge-local [--events N] [--keep-running] [--crash-test] [--timeout-seconds N] "
                                + "[--consumer-mode polling|efo]");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
                }
            }
            if (events <= 0) {
                throw new IllegalArgumentException("--events must be positive");
            }
            if (plugin == null || !Files.isDirectory(plugin)) {
                throw new IllegalArgumentException("--plugin-dir must name the unpacked plugin (distribution/target/mskbridge-<version>-plugin): " + plugin);
            }
            return new Options(events, keep, crash, timeout, plugin, connectors, mode);
        }
    }

    private final Options options;
    private final KinesisEmulator kinesis = new KinesisEmulator();
    private final DynamoDbLocal dynamo = new DynamoDbLocal();
    private final S3ProxyServer s3 = new S3ProxyServer();
    /** Topics are created by the source connectors (topic.creation.*), as on MSK, where brokers do not auto-create. */
    private final KafkaBroker kafka = new KafkaBroker().withProperty("auto.create.topics.enable", "false");
    private ConnectCluster connect;
    /** With --keep-running: the CloudWatch stand-in the connectors publish to, printed once the report is out. */
    private CloudWatchServer cloudWatch;

    LocalPipeline(Options options) {
        this.options = options;
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("mskbridge-local: " + e.getMessage());
            System.exit(2);
            return;
        }
        LocalPipeline p = new LocalPipeline(options);
        AtomicBoolean stopped = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stopped.compareAndSet(false, true)) {
                p.stopAll();
            }
        }, "mskbridge-local-stop"));
        int code;
        try {
            Report report = p.run();
            OUT.println(report.render());
            code = report.balanced() ? 0 : 1;
            if (options.keepRunning()) {
                p.printEndpoints();
                p.printCloudWatch();
                OUT.println("Stack is up. Ctrl-C stops everything.");
                Thread.currentThread().join();
            }
        } catch (InterruptedException e) {
            code = 130;
        } catch (Exception e) {
            System.err.println("mskbridge-local: FAILED: " + e.getMessage());
            e.printStackTrace();
            code = 1;
        }
        if (stopped.compareAndSet(false, true)) {
            p.stopAll();
        }
        System.exit(code);
    }

    Report run() throws Exception {
        long t0 = System.nanoTime();
        step("Starting Kinesis emulator, DynamoDB Local, S3Proxy", () -> {
            kinesis.start();
            dynamo.start();
            s3.start();
        });
        step("Starting Kafka (KRaft) and a Connect worker (plugin.path=" + options.pluginDir() + ")", () -> {
            kafka.start();
            connect = new ConnectCluster(kafka, 1).withPluginPath(options.pluginDir()).withExactlyOnceSource();
            connect.start();
        });
        List<Deployment> deployments = loadDeployments();
        step("Creating the seeds' streams, table " + TABLE + " and bucket " + BUCKET, () -> createResources());
        step("Deploying " + deployments.size() + " connectors from " + options.connectorsDir(), () -> {
            if (options.keepRunning()) {
                cloudWatch = CloudWatchServer.start();
            }
            for (Deployment d : deployments) {
                connect.rest().putConnector(d.name(), withCloudWatch(d.name(), d.config()));
            }
            for (Deployment d : deployments) {
                connect.rest().awaitRunning(d.name(), 1, Duration.ofSeconds(120));
            }
        });
        OUT.printf("Stack up in %.1f s%n", (System.nanoTime() - t0) / 1e9);

        Reconciler reconciler = new Reconciler(kafka, dynamo.client(), s3.client(), deployments);
        SampleProducer producer = new SampleProducer(kinesis.client(), options.events());
        if (options.crashTest()) {
            producer.produce(OUT, crashTestBatch(options.events()), crashes(options.events()));
        } else {
            producer.produce(OUT);
        }
        // The reconciler reads every topic from the start under a consumer group that commits nothing: a topic
        // appearing while it runs rebalances the group and makes it read the others again. So it starts once the
        // sources have created every topic the produced events go to (it loses nothing: it reads from the start).
        step("Waiting for the source connectors to create their topics", () -> awaitTopics(deployments, producer.events()));
        reconciler.start();
        OUT.println("Waiting until every event is accounted for (timeout " + options.timeout().toSeconds() + " s)...");
        reconciler.awaitComplete(producer.events(), options.timeout(), OUT);
        reconciler.close();
        return reconciler.report(producer, Duration.ofNanos(System.nanoTime() - t0), options.crashTest() ? 2 : 0);
    }

    /**
     * Records per PutRecords call in the crash test: about 20 rounds over the streams, so that every stream, and every
     * shard, still gets events after each kill. (kinesis-local keeps a SIGKILLed worker's fan-out subscription until it
     * next writes to it or the subscription's 5 minutes end, and refuses the new worker's SubscribeToShard until then;
     * Kinesis hands a subscription over to a new SubscribeToShard after 5 s, from the AWS API reference.)
     */
    static int crashTestBatch(int events) {
        return Math.max(1, Math.min(500, events / 80));
    }

    /** Kills the only Connect worker with SIGKILL once 30% and once 60% of the events are sent, starting a new one each time. */
    private SampleProducer.BetweenRounds crashes(int events) {
        double[] at = {0.3, 0.6};
        int[] next = {0};
        return sent -> {
            if (next[0] < at.length && sent >= at[next[0]] * events) {
                next[0]++;
                ConnectCluster.Worker w = connect.workers().get(0);
                OUT.printf("%n[crash-test] SIGKILL Connect worker pid %d at %d events%n", w.process().pid(), sent);
                connect.killWorker(w);
                connect.addWorker();
                OUT.println("[crash-test] new worker up");
            }
        };
    }

    /** A connector config from docker/connectors with its AWS endpoint and credentials pointed at the local servers. */
    record Deployment(String name, Map<String, String> config) {
        String connectorClass() {
            return config.get("connector.class");
        }

        boolean isKinesisSource() {
            return connectorClass().endsWith("KinesisSourceConnector");
        }

        boolean isDynamoSink() {
            return connectorClass().endsWith("DynamoDbSinkConnector");
        }

        boolean isS3Sink() {
            return connectorClass().endsWith("S3ArchiveSinkConnector");
        }

        List<String> list(String key) {
            String v = config.get(key);
            return v == null || v.isBlank() ? List.of() : Stream.of(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toList());
        }
    }

    private List<Deployment> loadDeployments() throws IOException {
        List<Deployment> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(options.connectorsDir())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList())) {
                JsonNode node = JSON.readTree(f.toFile());
                Map<String, String> cfg = new LinkedHashMap<>();
                node.path("config").fields().forEachRemaining(e -> cfg.put(e.getKey(), e.getValue().asText()));
                Deployment d = new Deployment(node.path("name").asText(), cfg);
                String endpoint = d.isKinesisSource() ? kinesis.endpoint().toString()
                        : d.isDynamoSink() ? dynamo.endpoint().toString()
                        : d.isS3Sink() ? s3.endpoint().toString() : null;
                if (endpoint != null) {
                    cfg.put("aws.endpoint.url", endpoint);
                    cfg.put("aws.region", TestAws.REGION.id());
                    cfg.put("aws.credentials.provider", "static");
                    cfg.put("aws.access.key.id", TestAws.ACCESS_KEY);
                    cfg.put("aws.secret.access.key", TestAws.SECRET_KEY);
                }
                if (d.isKinesisSource()) {
                    // Local only: the latency figures need a record's timestamp to be when Kafka appended it; the
                    // shipped configs keep the producer's (the Kinesis arrival time), which downstream users expect.
                    cfg.put("topic.creation.default.message.timestamp.type", "LogAppendTime");
                    if (options.consumerMode() != null) {
                        cfg.put("kinesis.consumer.mode", options.consumerMode());
                    }
                }
                if (d.isS3Sink()) {
                    // Objects close on record-determined boundaries (exactly-once); a demo's last records would
                    // otherwise wait for the hour to end. Small files plus a wall-clock flush show them in seconds.
                    cfg.put("flush.size", "1000");
                    cfg.put("rotate.schedule.interval.ms", "5000");
                }
                out.add(d);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("No connector configs in " + options.connectorsDir());
        }
        return out;
    }

    private void createResources() throws Exception {
        for (String stream : SampleEvents.STREAMS) {
            kinesis.createStream(stream, SampleEvents.SHARDS.get(stream));
        }
        dynamo.client().createTable(b -> b.tableName(TABLE)
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        // As the seed's table (and docker/init): items expire on "ttl"; the sink's validate() checks it.
        dynamo.client().updateTimeToLive(b -> b.tableName(TABLE)
                .timeToLiveSpecification(t -> t.attributeName("ttl").enabled(true)));
        s3.client().createBucket(b -> b.bucket(BUCKET));
        // No Kafka topics here: the source connectors create theirs (and the .invalid twins) and the sinks' DLQ
        // reporters create the DLQ topics, on a broker with auto-creation off, as the shipped configs must on MSK.
    }

    /** Waits (within the run's timeout) until every topic that {@code events} go to exists. */
    private void awaitTopics(List<Deployment> deployments, List<SampleEvents.Event> events) throws Exception {
        Set<String> expected = new TreeSet<>();
        for (Deployment d : deployments) {
            for (SampleEvents.Event e : events) {
                if (d.isKinesisSource() && d.list("kinesis.stream.names").contains(e.stream())) {
                    String t = Reconciler.topicFor(d, e.stream());
                    expected.add(Reconciler.routesInvalid(d) && !e.valid() ? t + ".invalid" : t);
                }
            }
        }
        long deadline = System.nanoTime() + options.timeout().toNanos();
        try (Admin admin = kafka.admin()) {
            Set<String> missing = new TreeSet<>(expected);
            while (System.nanoTime() < deadline) {
                missing.removeAll(admin.listTopics().names().get());
                if (missing.isEmpty()) {
                    return;
                }
                Thread.sleep(500);
            }
            OUT.print("still missing " + missing + " ... ");
        }
    }

    private void printEndpoints() {
        OUT.println();
        OUT.println("Endpoints:");
        OUT.println("  Connect REST     " + connect.workers().get(0).url() + "   (try /connectors?expand=status)");
        OUT.println("  Kafka bootstrap  " + kafka.bootstrapServers());
        OUT.println("  Kinesis          " + kinesis.endpoint());
        OUT.println("  DynamoDB         " + dynamo.endpoint() + "   table " + TABLE);
        OUT.println("  S3               " + s3.endpoint() + "   bucket " + BUCKET + " (path-style)");
        OUT.println("  AWS credentials  " + TestAws.ACCESS_KEY + " / " + TestAws.SECRET_KEY + ", region " + TestAws.REGION.id());
    }

    /**
     * With --keep-running, the connectors that publish on MSK Connect (their {@code deploy/msk-connect} config has
     * {@code metrics.cloudwatch.enabled=true}; the Compose configs leave it off, LocalStack there has no CloudWatch)
     * publish their metrics every 10 s to the CloudWatch stand-in, with the rest of their shipped settings
     * ({@code count.by.field}, {@code average.fields}): the printout is what that deployment would send.
     */
    private Map<String, String> withCloudWatch(String name, Map<String, String> config) throws IOException {
        if (cloudWatch == null || !publishesOnMsk(name)) {
            return config;
        }
        Map<String, String> c = new HashMap<>(config);
        c.put("metrics.cloudwatch.enabled", "true");
        c.put("metrics.cloudwatch.endpoint.url", cloudWatch.endpoint().toString());
        c.put("metrics.cloudwatch.interval.ms", "10000");
        return c;
    }

    /** Whether the shipped MSK Connect config of this connector publishes to CloudWatch. */
    private static boolean publishesOnMsk(String name) throws IOException {
        Path msk = Path.of(System.getProperty("mskbridge.root", ".")).resolve("deploy/msk-connect/connector-" + name
                + ".json");
        return Files.exists(msk) && "true".equalsIgnoreCase(JSON.readTree(msk.toFile())
                .path("connectorConfiguration").path("metrics.cloudwatch.enabled").asText().trim());
    }

    /** What the connectors would have sent to CloudWatch so far, then each new point as it arrives. */
    private void printCloudWatch() {
        if (cloudWatch == null) {
            return;
        }
        // The listener first, so no point is lost between the table and the live lines (one may show in both).
        List<CloudWatchServer.Datum> live = new java.util.concurrent.CopyOnWriteArrayList<>();
        cloudWatch.onDatum(live::add);
        List<CloudWatchServer.Datum> sofar = cloudWatch.data();
        OUT.println("CloudWatch: what the connectors would have sent (PutMetricData as received by the stand-in at "
                + cloudWatch.endpoint() + ", " + cloudWatch.requests() + " request(s), " + sofar.size()
                + " data point(s); per series the statistic sets of its points combined):");
        CloudWatchPrintout.table(sofar).forEach(OUT::println);
        OUT.println("New data points as they arrive (every 10 s per task): time, connector, metric, dimensions, "
                + "statistics, unit:");
        cloudWatch.onDatum(d -> OUT.println(CloudWatchPrintout.line(d)));
        live.stream().filter(d -> !sofar.contains(d)).forEach(d -> OUT.println(CloudWatchPrintout.line(d)));
    }

    void stopAll() {
        for (AutoCloseable c : new AutoCloseable[] {connect, cloudWatch, kafka, s3, dynamo, kinesis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("stop failed: " + e);
            }
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static void step(String what, Step s) throws Exception {
        long t = System.nanoTime();
        OUT.print("• " + what + " ... ");
        OUT.flush();
        s.run();
        OUT.printf("done (%.1f s)%n", (System.nanoTime() - t) / 1e9);
    }
}
