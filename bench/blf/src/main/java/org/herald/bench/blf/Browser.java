package org.herald.bench.blf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Headless Chromium driven over the DevTools protocol (no WebDriver): opens Herald's /blf/ page, installs a
 * MutationObserver that reports each tile whose {@code data-state} changed with the page's wall-clock time
 * ({@code performance.timeOrigin + performance.now()}) through a Runtime binding.
 */
final class Browser implements AutoCloseable {
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile Consumer<JsonNode> events = e -> { };
    private WebSocket ws;
    final long pid;

    private Browser(Process process) {
        this.process = process;
        this.pid = process.pid();
    }

    static Browser launch(Options o) throws Exception {
        Path profile = Files.createDirectories(o.work.resolve("chromium-profile"));
        Process p = new ProcessBuilder("taskset", "-c", Integer.toString(o.browserCpu), o.chromium, "--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "--window-size=1600,1000", "about:blank")
                .redirectErrorStream(true).redirectOutput(o.work.resolve("chromium.log").toFile()).start();
        Files.writeString(o.work.resolve("chromium.pid"), Long.toString(p.pid()));
        Browser b = new Browser(p);
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
            if (!p.isAlive() || System.nanoTime() > deadline) throw new IOException("Chromium did not start; see chromium.log");
            HeraldProcess.sleep(100);
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
        String page = null;
        while (page == null) {
            JsonNode list = WsClient.JSON.readTree(b.http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode t : list) if ("page".equals(t.path("type").asText())) page = t.path("webSocketDebuggerUrl").asText();
            if (page == null) HeraldProcess.sleep(100);
        }
        b.ws = b.http.newWebSocketBuilder().buildAsync(URI.create(page), b.new Listener()).get(10, TimeUnit.SECONDS);
        return b;
    }

    void onEvent(Consumer<JsonNode> c) {
        events = c;
    }

    JsonNode call(String method, Map<String, ?> params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = WsClient.JSON.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", WsClient.JSON.valueToTree(params));
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        calls.put(id, f);
        ws.sendText(WsClient.JSON.writeValueAsString(msg), true);
        JsonNode r = f.get(30, TimeUnit.SECONDS);
        if (r.has("error")) throw new IOException(method + ": " + r.get("error"));
        return r.path("result");
    }

    /** Evaluates an expression in the page and returns its value (JSON). */
    JsonNode eval(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) throw new IOException("page exception: " + r.get("exceptionDetails"));
        return r.path("result").path("value");
    }

    /** Renderer main-thread durations (seconds since the page opened) from Performance.getMetrics. */
    Map<String, Double> metrics() throws Exception {
        Map<String, Double> m = new java.util.TreeMap<>();
        for (JsonNode x : call("Performance.getMetrics", Map.of()).path("metrics")) {
            m.put(x.path("name").asText(), x.path("value").asDouble());
        }
        return m;
    }

    static final List<String> METRICS = List.of("TaskDuration", "ScriptDuration", "RecalcStyleDuration", "LayoutDuration");

    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long now = System.nanoTime();
                try {
                    JsonNode m = WsClient.JSON.readTree(partial.toString());
                    if (m.has("id")) {
                        CompletableFuture<JsonNode> f = calls.remove(m.get("id").asInt());
                        if (f != null) f.complete(m);
                    } else {
                        ((ObjectNode) m).put("_arrivedNanos", now);
                        events.accept(m);
                    }
                } catch (IOException e) {
                    // not JSON: ignore
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        try {
            if (ws != null) ws.abort();
        } catch (RuntimeException ignored) {
            // closing anyway
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
