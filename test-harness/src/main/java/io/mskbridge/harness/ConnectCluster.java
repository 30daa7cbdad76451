package io.mskbridge.harness;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A Kafka Connect distributed cluster of the version MSK Connect runs: a KRaft broker (see {@link KafkaBroker})
 * and N workers, each a separate JVM running {@code ConnectDistributed} with only Apache Kafka on its classpath.
 * MSK Bridge reaches the workers only through {@code plugin.path}, so every test exercises the plugin's isolated
 * class loader exactly as MSK Connect does, and a worker can be crashed for real with SIGKILL.
 */
public class ConnectCluster extends ManagedServer {

    private static final AtomicInteger CLUSTERS = new AtomicInteger();

    private final KafkaBroker kafka;
    private final boolean ownsKafka;
    private final int initialWorkers;
    private final List<Path> pluginPath = new ArrayList<>();
    private final Map<String, String> workerProps = new HashMap<>();
    private final Map<String, String> workerEnv = new HashMap<>();
    private final List<String> workerJvmArgs = new ArrayList<>();
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    private final ConnectRest rest = new ConnectRest(this::liveWorkerUrl);
    private Path workDir;
    private String groupId;
    private int workerSeq;
    private boolean remoteJmx;

    /** One worker process of the cluster; {@code jmxPort} is 0 unless {@link #withRemoteJmx()} was asked for. */
    public record Worker(int id, int port, int jmxPort, ChildProcess process) {
        public String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    /** A cluster with its own broker. */
    public ConnectCluster(int workers) {
        this(new KafkaBroker(), true, workers);
    }

    /** A cluster on a broker the test manages itself. */
    public ConnectCluster(KafkaBroker kafka, int workers) {
        this(kafka, false, workers);
    }

    private ConnectCluster(KafkaBroker kafka, boolean ownsKafka, int workers) {
        this.kafka = kafka;
        this.ownsKafka = ownsKafka;
        this.initialWorkers = workers;
        workerProps.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        workerProps.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        workerProps.put("value.converter.schemas.enable", "false");
        workerProps.put("offset.flush.interval.ms", "1000");
        workerProps.put("task.shutdown.graceful.timeout.ms", "5000");
        // Tasks of a worker that left move after this delay (default 5 min would stall scale-out tests).
        workerProps.put("scheduled.rebalance.max.delay.ms", "5000");
        // A SIGKILLed worker's sink consumers stay group members until their session expires, and a rebalance
        // waits for them up to max.poll.interval.ms (5 min by default): crash tests would stall that long.
        workerProps.put("consumer.session.timeout.ms", "10000");
        workerProps.put("consumer.heartbeat.interval.ms", "2000");
        workerProps.put("consumer.max.poll.interval.ms", "60000");
        workerProps.put("config.storage.replication.factor", "1");
        workerProps.put("offset.storage.replication.factor", "1");
        workerProps.put("status.storage.replication.factor", "1");
        workerProps.put("offset.storage.partitions", "5");
        workerProps.put("status.storage.partitions", "1");
        // Load plugins from their META-INF/services manifests instead of scanning every class of the worker's
        // classpath and plugin path: a worker answers in about half the time (3.2 s instead of 5.7 s here), and a
        // plugin that forgot a manifest fails every IT instead of only workers configured like this one.
        // PluginZipIT runs the default mode (hybrid_warn, as a worker without this setting does).
        workerProps.put("plugin.discovery", "service_load");
    }

    /** Adds a folder to the workers' {@code plugin.path} (an unpacked plugin ZIP or a plugin folder). */
    public ConnectCluster withPluginPath(Path dir) {
        pluginPath.add(dir.toAbsolutePath());
        return this;
    }

    /** Sets a worker property, e.g. {@code exactly.once.source.support=enabled}. */
    public ConnectCluster withWorkerProperty(String key, String value) {
        workerProps.put(key, value);
        return this;
    }

    /** Turns on exactly-once source support on every worker (KIP-618). */
    public ConnectCluster withExactlyOnceSource() {
        return withWorkerProperty("exactly.once.source.support", "enabled");
    }

    /**
     * Opens each worker JVM's platform MBean server to remote JMX on a port of its own ({@link Worker#jmxPort()}),
     * without authentication, on 127.0.0.1 only, so a test can read the task metrics a worker holds.
     */
    public ConnectCluster withRemoteJmx() {
        remoteJmx = true;
        return this;
    }

    /**
     * Makes exactly {@code n} workers live: starts new ones, or stops the newest gracefully. For servers shared by
     * several test classes (see {@link SharedServers}), each class starts from the worker count it was written for.
     */
    public void scaleTo(int n) {
        requireStarted();
        workers.removeIf(w -> !w.process().isAlive());
        while (workers.size() > n) {
            stopWorker(workers.get(workers.size() - 1));
        }
        List<Worker> started = new ArrayList<>();
        while (workers.size() < n) { // launchWorker adds to workers
            started.add(launchWorker());
        }
        started.forEach(this::awaitWorkerUp);
    }

    /** An environment variable for the worker JVMs (e.g. AWS_REGION). */
    public ConnectCluster withWorkerEnv(String key, String value) {
        workerEnv.put(key, value);
        return this;
    }

    public ConnectCluster withWorkerJvmArg(String arg) {
        workerJvmArgs.add(arg);
        return this;
    }

    @Override
    protected void doStart() {
        if (ownsKafka) {
            kafka.start();
        }
        workDir = HarnessEnv.newWorkDir("connect");
        groupId = "mskbridge-connect-" + ProcessHandle.current().pid() + "-" + CLUSTERS.incrementAndGet();
        List<Worker> started = new ArrayList<>();
        for (int i = 0; i < initialWorkers; i++) {
            started.add(launchWorker());
        }
        for (Worker w : started) {
            awaitWorkerUp(w);
        }
    }

    @Override
    protected void doStop() {
        for (Worker w : workers) {
            w.process().stop(15);
        }
        workers.clear();
        if (ownsKafka) {
            kafka.close();
        }
    }

    /** Starts one more worker and waits until its REST API answers. */
    public Worker addWorker() {
        requireStarted();
        Worker w = launchWorker();
        awaitWorkerUp(w);
        return w;
    }

    /** Crashes a worker with SIGKILL: no offset flush, no task stop, no graceful leave. */
    public void killWorker(Worker w) {
        w.process().kill();
        workers.remove(w);
    }

    /** Stops a worker gracefully (SIGTERM), as a rolling restart would. */
    public void stopWorker(Worker w) {
        w.process().stop(30);
        workers.remove(w);
    }

    public List<Worker> workers() {
        return List.copyOf(workers);
    }

    public ConnectRest rest() {
        return rest;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The worker logs' tails, for failure messages. */
    public String logTails(int lines) {
        return workers.stream().map(w -> "--- worker " + w.id() + " (" + w.process().log() + ")\n" + w.process().tail(lines))
                .collect(Collectors.joining("\n"));
    }

    /**
     * For failure messages of sink tests: the connector's status, its consumer group ({@code connect-<name>})
     * against {@code topic}'s end offsets, and the worker log tails.
     */
    public String sinkDiagnostics(String connector, String topic, int logLines) {
        String status;
        try {
            status = rest.status(connector).toString();
        } catch (RuntimeException e) {
            status = "(no status: " + e.getMessage() + ")";
        }
        return "status: " + status + "\n" + kafka.consumerGroupReport("connect-" + connector, topic) + "\n"
                + logTails(logLines);
    }

    private synchronized Worker launchWorker() {
        int id = ++workerSeq;
        int port = Ports.free();
        Path dir = workDir.resolve("worker-" + id);
        try {
            Files.createDirectories(dir);
            Properties p = new Properties();
            p.putAll(workerProps);
            p.setProperty("bootstrap.servers", kafka.bootstrapServers());
            p.setProperty("group.id", groupId);
            p.setProperty("config.storage.topic", groupId + "-configs");
            p.setProperty("offset.storage.topic", groupId + "-offsets");
            p.setProperty("status.storage.topic", groupId + "-status");
            p.setProperty("listeners", "http://127.0.0.1:" + port);
            p.setProperty("rest.advertised.host.name", "127.0.0.1");
            p.setProperty("rest.advertised.port", String.valueOf(port));
            if (!pluginPath.isEmpty()) {
                p.setProperty("plugin.path", pluginPath.stream().map(Path::toString).collect(Collectors.joining(",")));
            }
            Path config = dir.resolve("worker.properties");
            try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                p.store(w, "MSK Bridge test harness Connect worker " + id);
            }
            Path log4j = KafkaBroker.writeLog4j(dir, "WARN");
            List<String> jvm = KafkaBroker.jvmArgs(log4j, "-Xmx1g");
            jvm.addAll(workerJvmArgs);
            int jmxPort = remoteJmx ? Ports.free() : 0;
            if (remoteJmx) {
                jvm.addAll(List.of("-Dcom.sun.management.jmxremote.port=" + jmxPort,
                        "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort,
                        "-Dcom.sun.management.jmxremote.host=127.0.0.1", "-Djava.rmi.server.hostname=127.0.0.1",
                        "-Dcom.sun.management.jmxremote.authenticate=false", "-Dcom.sun.management.jmxremote.ssl=false"));
            }
            ChildProcess proc = ChildProcess.start("connect-worker-" + id,
                    ChildProcess.javaCommand(HarnessEnv.kafkaRuntimeClasspath(), jvm,
                            "org.apache.kafka.connect.cli.ConnectDistributed", config.toString()),
                    dir, workerEnv);
            Worker w = new Worker(id, port, jmxPort, proc);
            workers.add(w);
            return w;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write worker config", e);
        }
    }

    private void awaitWorkerUp(Worker w) {
        ConnectRest direct = new ConnectRest(w::url);
        Waits.until("Connect worker " + w.id() + " REST at " + w.url(), Duration.ofSeconds(120), () -> {
            w.process().requireAlive();
            // /connectors answers only once the worker has joined the group and read the config topic.
            return direct.call("GET", "/connectors", null).status() == 200;
        });
    }

    private String liveWorkerUrl() {
        for (Worker w : workers) {
            if (w.process().isAlive()) {
                return w.url();
            }
        }
        throw new IllegalStateException("No live Connect worker");
    }
}
