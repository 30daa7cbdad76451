package io.mskbridge.harness;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for CloudWatch's {@code PutMetricData}, for tests (no CloudWatch emulator exists): a real HTTP
 * server that decodes what the AWS SDK v2 CloudWatch client sends and records every data point. The SDK version
 * of this build speaks the Smithy RPCv2 CBOR protocol to CloudWatch: {@code POST
 * /service/GraniteServiceVersion20100801/operation/PutMetricData}, header {@code smithy-protocol: rpc-v2-cbor},
 * a CBOR body {@code {Namespace, MetricData: [{MetricName, Dimensions: [{Name, Value}], Timestamp,
 * StatisticValues: {SampleCount, Sum, Minimum, Maximum} | Value, Unit}]}}. It can answer as CloudWatch does when
 * it throttles (400, error code {@code Throttling}), fails (500), or hang without answering.
 */
public final class CloudWatchServer implements AutoCloseable {

    /** How the server answers. */
    public enum Mode { OK, THROTTLE, SERVER_ERROR, HANG }

    /** One data point as received. {@code value} is set for a single value, the statistics for a set. */
    public record Datum(String namespace, String name, Map<String, String> dimensions, String unit, Instant timestamp,
                        Double value, Double sampleCount, Double sum, Double minimum, Double maximum) {
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cloudwatch-server");
        t.setDaemon(true);
        return t;
    });
    private final List<Datum> data = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger gzipped = new AtomicInteger();
    private final List<Integer> pointsPerRequest = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.OK;
    private volatile CountDownLatch hang = new CountDownLatch(1);
    private volatile Consumer<Datum> listener = d -> { };

    private CloudWatchServer(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    /** Starts on a free loopback port. */
    public static CloudWatchServer start() throws IOException {
        return new CloudWatchServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    }

    /** The endpoint override for the SDK client. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** How later requests are answered; leaving {@link Mode#HANG} releases the hanging ones. */
    public void mode(Mode m) {
        Mode old = mode;
        mode = m;
        if (old == Mode.HANG && m != Mode.HANG) {
            hang.countDown();
            hang = new CountDownLatch(1);
        }
    }

    /** Called with every accepted data point (e.g. to print it). */
    public void onDatum(Consumer<Datum> l) {
        listener = l;
    }

    /** The data points accepted so far. */
    public List<Datum> data() {
        return List.copyOf(data);
    }

    /** The data points accepted so far with this metric name. */
    public List<Datum> data(String name) {
        return data.stream().filter(d -> d.name().equals(name)).toList();
    }

    /** PutMetricData requests received (answered or not). */
    public int requests() {
        return requests.get();
    }

    /** Requests whose body came gzipped ({@code Content-Encoding: gzip}). */
    public int gzipped() {
        return gzipped.get();
    }

    /** The number of data points of each accepted request, in order. */
    public List<Integer> pointsPerRequest() {
        return List.copyOf(pointsPerRequest);
    }

    /** Requests answered with an error. */
    public int refused() {
        return refused.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            // PutMetricData has the requestCompression trait: the SDK gzips bodies past 10 KiB.
            if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                gzipped.incrementAndGet();
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = in.readAllBytes();
                }
            }
            String path = ex.getRequestURI().getPath();
            if (!"POST".equals(ex.getRequestMethod()) || !path.endsWith("/operation/PutMetricData")) {
                answerError(ex, 400, "UnknownOperationException", "Not PutMetricData: " + path);
                return;
            }
            switch (mode) {
                case THROTTLE:
                    answerError(ex, 400, "Throttling", "Rate exceeded");
                    return;
                case SERVER_ERROR:
                    answerError(ex, 500, "InternalServiceError", "Internal failure");
                    return;
                case HANG:
                    try {
                        hang.await(10, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                default:
            }
            record(body);
            answer(ex, 200, Cbor.encode(Map.of()), Map.of());
        }
    }

    @SuppressWarnings("unchecked")
    private void record(byte[] body) {
        Map<String, Object> req = (Map<String, Object>) Cbor.decode(body);
        String ns = (String) req.get("Namespace");
        pointsPerRequest.add(((List<Object>) req.getOrDefault("MetricData", List.of())).size());
        for (Object o : (List<Object>) req.getOrDefault("MetricData", List.of())) {
            Map<String, Object> m = (Map<String, Object>) o;
            Map<String, String> dims = new LinkedHashMap<>();
            for (Object d : (List<Object>) m.getOrDefault("Dimensions", List.of())) {
                Map<String, Object> dm = (Map<String, Object>) d;
                dims.put((String) dm.get("Name"), (String) dm.get("Value"));
            }
            Map<String, Object> stats = (Map<String, Object>) m.get("StatisticValues");
            Object ts = m.get("Timestamp");
            Instant when = ts == null ? null : Instant.ofEpochMilli(Math.round(number(ts) * 1000));
            Datum datum = new Datum(ns, (String) m.get("MetricName"), dims, (String) m.get("Unit"), when,
                    m.get("Value") == null ? null : number(m.get("Value")),
                    stats == null ? null : number(stats.get("SampleCount")),
                    stats == null ? null : number(stats.get("Sum")),
                    stats == null ? null : number(stats.get("Minimum")),
                    stats == null ? null : number(stats.get("Maximum")));
            data.add(datum);
            listener.accept(datum);
        }
    }

    private static Double number(Object o) {
        return o == null ? null : ((Number) o).doubleValue();
    }

    private void answerError(HttpExchange ex, int status, String code, String message) throws IOException {
        refused.incrementAndGet();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("__type", "com.amazonaws.cloudwatch#" + code);
        body.put("message", message);
        // CloudWatch is awsQueryCompatible: the SDK takes the error code from this header when present.
        answer(ex, status, Cbor.encode(body), Map.of("x-amzn-query-error", code + ";" + (status < 500 ? "Sender"
                : "Receiver")));
    }

    private static void answer(HttpExchange ex, int status, byte[] body, Map<String, String> headers)
            throws IOException {
        ex.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
        ex.getResponseHeaders().add("Content-Type", "application/cbor");
        headers.forEach(ex.getResponseHeaders()::add);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        hang.countDown();
        server.stop(0);
        pool.shutdownNow();
    }

    /** For reports: one line per data point. */
    public static String describe(Datum d) {
        List<String> parts = new ArrayList<>();
        d.dimensions().forEach((k, v) -> parts.add(k + "=" + v));
        String v = d.value() != null ? String.valueOf(d.value())
                : String.format("n=%s sum=%s min=%s max=%s", d.sampleCount(), d.sum(), d.minimum(), d.maximum());
        return d.namespace() + " " + d.name() + " " + parts + " " + v + " " + d.unit();
    }
}
