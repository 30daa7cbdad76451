package io.mskbridge.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A small client of the Kafka Connect REST API, as users and MSK Connect tooling use it. */
public final class ConnectRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<String> baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param baseUrl supplies the URL of a live worker, e.g. {@code http://127.0.0.1:8083} */
    public ConnectRest(Supplier<String> baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** The answer of a REST call: status code and parsed JSON body (null when empty). */
    public record Response(int status, JsonNode body, String raw) {
        public Response requireSuccess(String what) {
            if (status / 100 != 2) {
                throw new IllegalStateException(what + " failed with HTTP " + status + ": " + raw);
            }
            return this;
        }
    }

    public Response call(String method, String path, Object body) {
        try {
            HttpRequest.BodyPublisher pub = body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body));
            HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl.get() + path))
                    .timeout(Duration.ofSeconds(90))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .method(method, pub)
                    .build();
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            String raw = resp.body();
            JsonNode node = raw == null || raw.isBlank() ? null : JSON.readTree(raw);
            return new Response(resp.statusCode(), node, raw);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JsonNode get(String path) {
        return call("GET", path, null).requireSuccess("GET " + path).body();
    }

    /** {@code GET /connector-plugins?connectorsOnly=false}: every connector, transform, predicate and converter. */
    public List<Map<String, String>> plugins() {
        List<Map<String, String>> out = new ArrayList<>();
        for (JsonNode n : get("/connector-plugins?connectorsOnly=false")) {
            Map<String, String> m = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
            out.add(m);
        }
        return out;
    }

    /**
     * Creates or updates a connector ({@code PUT /connectors/{name}/config}). Connect rejects a config whose
     * {@code name} differs from the URL's, so the URL's name wins (configs are often reused across tests).
     */
    public JsonNode putConnector(String name, Map<String, String> config) {
        Map<String, String> body = new LinkedHashMap<>(config);
        body.put("name", name);
        return call("PUT", "/connectors/" + name + "/config", body).requireSuccess("PUT connector " + name).body();
    }

    public void deleteConnector(String name) {
        Response r = call("DELETE", "/connectors/" + name, null);
        if (r.status() != 404) {
            r.requireSuccess("DELETE connector " + name);
        }
    }

    /** {@code PUT /connector-plugins/{class}/config/validate}: the raw ConfigInfos answer. */
    public JsonNode validate(String connectorClass, Map<String, String> config) {
        Map<String, String> body = new LinkedHashMap<>(config);
        body.putIfAbsent("connector.class", connectorClass);
        String simple = connectorClass.substring(connectorClass.lastIndexOf('.') + 1);
        // The validate endpoint requires a name, as a create would.
        body.putIfAbsent("name", "validate-" + simple);
        return call("PUT", "/connector-plugins/" + simple + "/config/validate", body).requireSuccess("validate " + simple).body();
    }

    /** The validation errors of a ConfigInfos answer, by config key (empty when the config is valid). */
    public static Map<String, List<String>> errors(JsonNode configInfos) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (JsonNode c : configInfos.path("configs")) {
            JsonNode value = c.path("value");
            List<String> errs = new ArrayList<>();
            value.path("errors").forEach(e -> errs.add(e.asText()));
            if (!errs.isEmpty()) {
                out.put(value.path("name").asText(), errs);
            }
        }
        return out;
    }

    public JsonNode status(String name) {
        return get("/connectors/" + name + "/status");
    }

    /** {@code GET /connectors/{name}/offsets} (Connect 3.6+). */
    public JsonNode offsets(String name) {
        return get("/connectors/" + name + "/offsets");
    }

    /** Waits until the connector and at least {@code minTasks} tasks are RUNNING; fails fast on a FAILED task. */
    public void awaitRunning(String name, int minTasks, Duration timeout) {
        final JsonNode[] last = new JsonNode[1];
        Waits.until("connector " + name + " RUNNING with >= " + minTasks + " tasks", timeout, () -> {
            Response r = call("GET", "/connectors/" + name + "/status", null);
            if (r.status() != 200) {
                return false;
            }
            last[0] = r.body();
            for (JsonNode t : r.body().path("tasks")) {
                if ("FAILED".equals(t.path("state").asText())) {
                    throw new AssertionError("Task of " + name + " FAILED: " + t.path("trace").asText());
                }
            }
            if ("FAILED".equals(r.body().path("connector").path("state").asText())) {
                throw new AssertionError("Connector " + name + " FAILED: " + r.body().path("connector").path("trace").asText());
            }
            long running = 0;
            for (JsonNode t : r.body().path("tasks")) {
                if ("RUNNING".equals(t.path("state").asText())) {
                    running++;
                }
            }
            return "RUNNING".equals(r.body().path("connector").path("state").asText()) && running >= minTasks;
        }, () -> String.valueOf(last[0]));
    }

    /** Waits until some task of the connector is FAILED and returns its trace. */
    public String awaitTaskFailure(String name, Duration timeout) {
        final String[] trace = new String[1];
        Waits.until("a FAILED task of " + name, timeout, () -> {
            for (JsonNode t : status(name).path("tasks")) {
                if ("FAILED".equals(t.path("state").asText())) {
                    trace[0] = t.path("trace").asText();
                    return true;
                }
            }
            return false;
        });
        return trace[0];
    }
}
