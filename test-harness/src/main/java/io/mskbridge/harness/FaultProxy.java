package io.mskbridge.harness;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 proxy placed between an SDK client (endpoint override = {@link #endpoint()}) and a local server,
 * answering a configurable share of requests with faults a real AWS service produces: throttling in the
 * service's own wire format (Kinesis and DynamoDB {@code ProvisionedThroughputExceededException}, S3
 * {@code 503 SlowDown}), 5xx errors, added latency, and connection resets (TCP RST) either before the request
 * reaches the server or after the server processed it (so the client cannot know whether it took effect).
 * No emulator throttles by itself; this is how the connectors' retry paths meet real SDK behaviour.
 */
public class FaultProxy extends ManagedServer {

    /** Which service's error format to speak. */
    public enum Service { KINESIS, DYNAMODB, S3 }

    /** One kind of injected fault. */
    public enum Fault { THROTTLE, SERVER_ERROR, RESET, RESET_AFTER_UPSTREAM, LATENCY, EXPIRED_ITERATOR,
        CONDITIONAL_CONFLICT, CONDITIONAL_NOT_IMPLEMENTED }

    /** What the proxy saw of a request, for {@link #onlyFor(Predicate)} filters. */
    public record Request(String method, String path, List<String[]> headers) {
        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        /** The {@code X-Amz-Target} operation (Kinesis/DynamoDB), e.g. {@code Kinesis_20131202.GetRecords}. */
        public String target() {
            String t = header("X-Amz-Target");
            return t == null ? "" : t;
        }
    }


    private final URI target;
    private final Service service;
    private final Random random;
    private volatile double throttleRate;
    private volatile double serverErrorRate;
    private volatile double resetRate;
    private volatile double resetAfterUpstreamRate;
    private volatile double latencyRate;
    private volatile double expiredIteratorRate;
    private volatile double conditionalConflictRate;
    private volatile boolean conditionalNotImplemented;
    private volatile Duration latency = Duration.ofMillis(200);
    private volatile Predicate<Request> filter = r -> true;
    private volatile Predicate<Request> denied = r -> false;

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong delayed = new AtomicLong();
    private final AtomicLong expiredIterators = new AtomicLong();
    private final AtomicLong conditionalConflicts = new AtomicLong();
    private final AtomicLong denials = new AtomicLong();

    private ServerSocket server;
    private ExecutorService pool;

    public FaultProxy(URI target, Service service) {
        this(target, service, 42L);
    }

    public FaultProxy(URI target, Service service, long seed) {
        this.target = target;
        this.service = service;
        this.random = new Random(seed);
    }

    /** Shares of requests (0..1 each, summing to at most 1) that get each fault. Safe to change while running. */
    public FaultProxy throttleRate(double r) {
        throttleRate = r;
        return this;
    }

    public FaultProxy serverErrorRate(double r) {
        serverErrorRate = r;
        return this;
    }

    public FaultProxy resetRate(double r) {
        resetRate = r;
        return this;
    }

    public FaultProxy resetAfterUpstreamRate(double r) {
        resetAfterUpstreamRate = r;
        return this;
    }

    public FaultProxy latency(double rate, Duration delay) {
        latencyRate = rate;
        latency = delay;
        return this;
    }

    /**
     * Kinesis only: answers this share of GetRecords calls with {@code ExpiredIteratorException} (HTTP 400), as
     * Kinesis does for an iterator older than 5 minutes. Other requests are never picked for it.
     */
    public FaultProxy expiredIteratorRate(double r) {
        expiredIteratorRate = r;
        return this;
    }

    /**
     * S3 only: the share of conditional writes (requests with {@code If-None-Match}) answered 409
     * ConditionalRequestConflict, as S3 answers a write that races another operation on the key.
     */
    public FaultProxy conditionalConflictRate(double r) {
        conditionalConflictRate = r;
        return this;
    }

    /** S3 only: answers every conditional write 501 NotImplemented, as a store without conditional writes may. */
    public FaultProxy conditionalNotImplemented(boolean on) {
        conditionalNotImplemented = on;
        return this;
    }

    public long conditionalConflicts() {
        return conditionalConflicts.get();
    }

    /** Spreads {@code total} evenly over throttling, 5xx and resets (the "30% fault rate" of the issues). */
    public FaultProxy mixedFaults(double total) {
        double each = total / 3;
        return throttleRate(each).serverErrorRate(each).resetRate(each);
    }

    /** Injects faults only into matching requests (e.g. only GetRecords); others always pass. */
    public FaultProxy onlyFor(Predicate<Request> predicate) {
        filter = predicate;
        return this;
    }

    /**
     * Answers every matching request with an access denial in the service's wire format, as AWS answers a call the
     * identity's policies do not allow (Kinesis/DynamoDB {@code AccessDeniedException}, HTTP 400, naming the action
     * of the {@code X-Amz-Target}; S3 {@code 403 AccessDenied}). Independent of the fault rates and of
     * {@link #onlyFor}; {@link #heal()} lifts it. Safe to change while running.
     */
    public FaultProxy deny(Predicate<Request> predicate) {
        denied = predicate;
        return this;
    }

    /** How many requests {@link #deny} answered. */
    public long denials() {
        return denials.get();
    }

    /** Stops injecting faults (the proxy keeps forwarding). */
    public FaultProxy heal() {
        throttleRate = serverErrorRate = resetRate = resetAfterUpstreamRate = latencyRate = expiredIteratorRate = 0;
        conditionalConflictRate = 0;
        conditionalNotImplemented = false;
        denied = r -> false;
        return this;
    }

    public long requests() {
        return requests.get();
    }

    public long throttled() {
        return throttled.get();
    }

    public long serverErrors() {
        return serverErrors.get();
    }

    public long resets() {
        return resets.get();
    }

    public long expiredIterators() {
        return expiredIterators.get();
    }

    public long delayed() {
        return delayed.get();
    }

    /** Total faults injected (throttles, 5xx, resets; not latency). */
    public long faults() {
        return throttled() + serverErrors() + resets() + expiredIterators();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    @Override
    protected void doStart() throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-proxy-" + service);
            t.setDaemon(true);
            return t;
        });
        pool.execute(this::acceptLoop);
    }

    @Override
    protected void doStop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                pool.execute(() -> serve(s));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.err.println("fault proxy accept failed: " + e);
                }
            }
        }
    }

    private Fault decide(Request req) {
        if (!filter.test(req)) {
            return null;
        }
        if (conditionalNotImplemented && service == Service.S3 && req.header("If-None-Match") != null) {
            return Fault.CONDITIONAL_NOT_IMPLEMENTED;
        }
        double r;
        synchronized (random) {
            r = random.nextDouble();
        }
        double acc = throttleRate;
        if (r < acc) {
            return Fault.THROTTLE;
        }
        acc += serverErrorRate;
        if (r < acc) {
            return Fault.SERVER_ERROR;
        }
        acc += resetRate;
        if (r < acc) {
            return Fault.RESET;
        }
        acc += resetAfterUpstreamRate;
        if (r < acc) {
            return Fault.RESET_AFTER_UPSTREAM;
        }
        acc += latencyRate;
        if (r < acc) {
            return Fault.LATENCY;
        }
        acc += expiredIteratorRate;
        if (r < acc && service == Service.KINESIS && req.target() != null && req.target().endsWith("GetRecords")) {
            return Fault.EXPIRED_ITERATOR;
        }
        acc += conditionalConflictRate;
        if (r < acc && service == Service.S3 && req.header("If-None-Match") != null) {
            return Fault.CONDITIONAL_CONFLICT;
        }
        return null;
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = new BufferedOutputStream(client.getOutputStream());
            while (true) {
                String requestLine = readLine(in);
                if (requestLine == null) {
                    return;
                }
                if (requestLine.isEmpty()) {
                    continue;
                }
                String[] parts = requestLine.split(" ", 3);
                List<String[]> headers = readHeaders(in);
                Request req = new Request(parts[0], parts[1], headers);
                if ("100-continue".equalsIgnoreCase(req.header("Expect"))) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
                byte[] body = readBody(in, headers, false, false);
                requests.incrementAndGet();
                if (denied.test(req)) {
                    denials.incrementAndGet();
                    writeResponse(out, accessDenied(req), "HEAD".equals(req.method()));
                    continue;
                }
                Fault fault = decide(req);
                if (fault == Fault.RESET) {
                    resets.incrementAndGet();
                    reset(client);
                    return;
                }
                Response resp;
                if (fault == Fault.THROTTLE) {
                    throttled.incrementAndGet();
                    resp = throttle(req);
                } else if (fault == Fault.SERVER_ERROR) {
                    serverErrors.incrementAndGet();
                    resp = serverError(req);
                } else if (fault == Fault.CONDITIONAL_CONFLICT) {
                    conditionalConflicts.incrementAndGet();
                    resp = s3Error(409, "Conflict", "ConditionalRequestConflict", "A conflicting conditional "
                            + "operation is currently in progress against this resource. Try again. (injected)");
                } else if (fault == Fault.CONDITIONAL_NOT_IMPLEMENTED) {
                    resp = s3Error(501, "Not Implemented", "NotImplemented", "A header you provided implies "
                            + "functionality that is not implemented. (injected)");
                } else if (fault == Fault.EXPIRED_ITERATOR) {
                    expiredIterators.incrementAndGet();
                    resp = awsJson(req, 400, "ExpiredIteratorException",
                            "Iterator expired. The iterator was created at time ... (injected)", "application/x-amz-json-1.1");
                } else {
                    if (fault == Fault.LATENCY) {
                        delayed.incrementAndGet();
                        Thread.sleep(latency.toMillis());
                    }
                    resp = forward(req, body);
                    if (fault == Fault.RESET_AFTER_UPSTREAM) {
                        resets.incrementAndGet();
                        reset(client);
                        return;
                    }
                }
                writeResponse(out, resp, "HEAD".equals(req.method()));
                if ("close".equalsIgnoreCase(req.header("Connection"))) {
                    return;
                }
            }
        } catch (SocketException | EOFException e) {
            // The client went away (or we reset it): nothing to report.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.err.println("fault proxy (" + service + ") connection failed: " + e);
        }
    }

    private static void reset(Socket s) throws IOException {
        // SO_LINGER 0 makes close() send RST instead of FIN: "connection reset by peer" on the client.
        s.setSoLinger(true, 0);
        s.close();
    }

    /** An answer of the proxy's own (or the server's, forwarded); also {@link H2FaultProxy}'s error answers. */
    record Response(int status, String reason, List<String[]> headers, byte[] body) {
    }

    private Response forward(Request req, byte[] body) throws IOException {
        try (Socket up = new Socket(target.getHost(), target.getPort())) {
            up.setSoTimeout(120_000);
            OutputStream out = new BufferedOutputStream(up.getOutputStream());
            StringBuilder sb = new StringBuilder();
            sb.append(req.method()).append(' ').append(req.path()).append(" HTTP/1.1\r\n");
            for (String[] h : req.headers()) {
                String n = h[0].toLowerCase(Locale.ROOT);
                if (n.equals("connection") || n.equals("keep-alive") || n.equals("transfer-encoding")
                        || n.equals("expect") || n.equals("content-length") || n.startsWith("proxy-")) {
                    continue;
                }
                sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
            if (body.length > 0 || req.header("Content-Length") != null || req.header("Transfer-Encoding") != null) {
                sb.append("Content-Length: ").append(body.length).append("\r\n");
            }
            sb.append("Connection: close\r\n\r\n");
            out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = new BufferedInputStream(up.getInputStream());
            while (true) {
                String statusLine = readLine(in);
                if (statusLine == null) {
                    throw new EOFException("upstream closed without a response");
                }
                String[] p = statusLine.split(" ", 3);
                int status = Integer.parseInt(p[1]);
                List<String[]> headers = readHeaders(in);
                if (status / 100 == 1) {
                    continue;
                }
                boolean noBody = "HEAD".equals(req.method()) || status == 204 || status == 304;
                byte[] respBody = noBody ? new byte[0] : readBody(in, headers, true, true);
                return new Response(status, p.length > 2 ? p[2] : "", headers, respBody);
            }
        }
    }

    private static void writeResponse(OutputStream out, Response r, boolean head) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("HTTP/1.1 ").append(r.status()).append(' ').append(r.reason()).append("\r\n");
        for (String[] h : r.headers()) {
            String n = h[0].toLowerCase(Locale.ROOT);
            if (n.equals("connection") || n.equals("keep-alive") || n.equals("transfer-encoding")
                    || (!head && n.equals("content-length"))) {
                continue;
            }
            sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        if (!head) {
            sb.append("Content-Length: ").append(r.body().length).append("\r\n");
        }
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.write(r.body());
        }
        out.flush();
    }

    private Response throttle(Request req) {
        return switch (service) {
            case KINESIS -> awsJson(req, 400, "ProvisionedThroughputExceededException",
                    "Rate exceeded for shard in stream (injected by the MSK Bridge fault proxy)", "application/x-amz-json-1.1");
            case DYNAMODB -> awsJson(req, 400, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                    "The level of configured provisioned throughput for the table was exceeded (injected)", "application/x-amz-json-1.0");
            case S3 -> s3Error(503, "Slow Down", "SlowDown", "Please reduce your request rate. (injected)");
        };
    }

    private Response accessDenied(Request req) {
        String target = req.target();
        String action = target.substring(target.indexOf('.') + 1);
        String message = "User: arn:aws:sts::000000000000:assumed-role/mskbridge-test/session is not authorized to "
                + "perform: " + service.name().toLowerCase(Locale.ROOT) + ":" + action + " because no identity-based "
                + "policy allows the " + service.name().toLowerCase(Locale.ROOT) + ":" + action + " action (injected)";
        return switch (service) {
            case KINESIS -> awsJson(req, 400, "AccessDeniedException", message, "application/x-amz-json-1.1");
            case DYNAMODB -> awsJson(req, 400, "com.amazon.coral.service#AccessDeniedException", message,
                    "application/x-amz-json-1.0");
            case S3 -> s3Error(403, "Forbidden", "AccessDenied", "Access Denied (injected)");
        };
    }

    private Response serverError(Request req) {
        return switch (service) {
            case KINESIS -> awsJson(req, 500, "InternalFailure", "Internal service failure (injected)", "application/x-amz-json-1.1");
            case DYNAMODB -> awsJson(req, 500, "com.amazonaws.dynamodb.v20120810#InternalServerError",
                    "Internal server error (injected)", "application/x-amz-json-1.0");
            case S3 -> s3Error(500, "Internal Server Error", "InternalError",
                    "We encountered an internal error. Please try again. (injected)");
        };
    }

    private static Response awsJson(Request req, int status, String type, String message, String jsonContentType) {
        return awsJson(req.header("Content-Type"), status, type, message, jsonContentType);
    }

    /**
     * An AWS JSON-protocol error as the SDK parses it: the {@code x-amzn-ErrorType} header and a {@code __type}
     * body, in CBOR when the request was ({@code requestContentType}), else in {@code jsonContentType}.
     */
    static Response awsJson(String requestContentType, int status, String type, String message, String jsonContentType) {
        List<String[]> h = new ArrayList<>();
        h.add(new String[] {"x-amzn-RequestId", UUID.randomUUID().toString()});
        h.add(new String[] {"x-amzn-ErrorType", type.substring(type.indexOf('#') + 1) + ":"});
        byte[] body;
        if (requestContentType != null && requestContentType.contains("cbor")) {
            // The Kinesis SDK speaks CBOR by default and parses error bodies in CBOR too.
            h.add(new String[] {"Content-Type", "application/x-amz-cbor-1.1"});
            body = cborMap(new String[] {"__type", type, "message", message});
        } else {
            h.add(new String[] {"Content-Type", jsonContentType});
            body = ("{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        return new Response(status, status == 400 ? "Bad Request" : "Internal Server Error", h, body);
    }

    private static Response s3Error(int status, String reason, String code, String message) {
        String rid = UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>" + rid + "</RequestId><HostId>fault-proxy</HostId></Error>";
        List<String[]> h = new ArrayList<>();
        h.add(new String[] {"Content-Type", "application/xml"});
        h.add(new String[] {"x-amz-request-id", rid});
        return new Response(status, reason, h, xml.getBytes(StandardCharsets.UTF_8));
    }

    /** A CBOR map of text keys to text values (RFC 8949 major types 5 and 3). */
    static byte[] cborMap(String[] keysAndValues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        cborHead(out, 5, keysAndValues.length / 2);
        for (String s : keysAndValues) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            cborHead(out, 3, b.length);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private static void cborHead(ByteArrayOutputStream out, int major, int len) {
        int m = major << 5;
        if (len < 24) {
            out.write(m | len);
        } else if (len < 256) {
            out.write(m | 24);
            out.write(len);
        } else {
            out.write(m | 25);
            out.write(len >> 8);
            out.write(len & 0xff);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            b.write(c);
        }
        if (c == -1 && b.size() == 0) {
            return null;
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static List<String[]> readHeaders(InputStream in) throws IOException {
        List<String[]> headers = new ArrayList<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int i = line.indexOf(':');
            if (i > 0) {
                headers.add(new String[] {line.substring(0, i).trim(), line.substring(i + 1).trim()});
            }
        }
        return headers;
    }

    private static String header(List<String[]> headers, String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    private static byte[] readBody(InputStream in, List<String[]> headers, boolean response, boolean untilEofIfUnframed)
            throws IOException {
        String te = header(headers, "Transfer-Encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    throw new EOFException("chunked body cut short");
                }
                int semi = sizeLine.indexOf(';');
                int size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                if (size == 0) {
                    readHeaders(in); // trailers up to the blank line
                    return body.toByteArray();
                }
                body.writeBytes(in.readNBytes(size));
                readLine(in);
            }
        }
        String cl = header(headers, "Content-Length");
        if (cl != null) {
            int n = Integer.parseInt(cl.trim());
            byte[] b = in.readNBytes(n);
            if (b.length != n) {
                throw new EOFException("body cut short: " + b.length + " of " + n + " bytes");
            }
            return b;
        }
        return response && untilEofIfUnframed ? in.readAllBytes() : new byte[0];
    }

    @Override
    public String toString() {
        return "FaultProxy[" + service + " -> " + target + ", requests=" + requests + ", throttled=" + throttled
                + ", 5xx=" + serverErrors + ", resets=" + resets + ", delayed=" + delayed + "]";
    }

}
