package org.herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.herald.core.Json;

/**
 * A minimal Chrome DevTools Protocol client (browser endpoint, flat sessions) for what WebDriver cannot do: grant
 * permissions, deliver a push message to a service worker, evaluate code inside the service worker.
 */
public final class Cdp implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();

    private Cdp(WebSocket socket) {
        this.socket = socket;
    }

    /** Connects to the browser endpoint of a Chromium whose remote debugging listens at {@code host:port}. */
    public static Cdp connect(String debuggerAddress) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String version = http.send(HttpRequest.newBuilder(URI.create("http://" + debuggerAddress + "/json/version")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String ws = Json.MAPPER.readTree(version).get("webSocketDebuggerUrl").asText();
        Listener listener = new Listener();
        Cdp cdp = new Cdp(http.newWebSocketBuilder().buildAsync(URI.create(ws), listener).get(10, TimeUnit.SECONDS));
        listener.cdp = cdp;
        return cdp;
    }

    /** Sends a command (to the browser, or to {@code sessionId}'s target) and returns its result. */
    public JsonNode send(String sessionId, String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = Json.MAPPER.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", Json.MAPPER.valueToTree(params));
        if (sessionId != null) msg.put("sessionId", sessionId);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        synchronized (socket) {
            socket.sendText(msg.toString(), true).get(10, TimeUnit.SECONDS);
        }
        JsonNode r = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (r.has("error")) throw new IllegalStateException(method + " failed: " + r.get("error"));
        return r.get("result");
    }

    /** Attaches to the first target of {@code type} (page, service_worker) whose URL contains {@code urlPart}. */
    public String attach(String type, String urlPart) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            for (JsonNode t : send(null, "Target.getTargets", Map.of()).get("targetInfos")) {
                if (t.get("type").asText().equals(type) && t.get("url").asText().contains(urlPart)) {
                    return send(null, "Target.attachToTarget", Map.of("targetId", t.get("targetId").asText(), "flatten", true))
                            .get("sessionId").asText();
                }
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("no " + type + " target with " + urlPart);
            Thread.sleep(100);
        }
    }

    /** Evaluates an expression in a session's target, awaiting a promise; returns its value. */
    public JsonNode evaluate(String sessionId, String expression) throws Exception {
        JsonNode r = send(sessionId, "Runtime.evaluate", Map.of("expression", expression, "awaitPromise", true, "returnByValue", true));
        if (r.has("exceptionDetails")) throw new IllegalStateException("evaluation failed: " + r.get("exceptionDetails"));
        return r.get("result").get("value");
    }

    /** Events received so far with this method name. */
    public List<JsonNode> events(String method) {
        return events.stream().filter(e -> method.equals(e.path("method").asText())).toList();
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }

    private static final class Listener implements WebSocket.Listener {
        volatile Cdp cdp;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode msg = Json.MAPPER.readTree(text);
                    if (msg.has("id")) {
                        CompletableFuture<JsonNode> f = cdp.pending.remove(msg.get("id").asInt());
                        if (f != null) f.complete(msg);
                    } else {
                        cdp.events.add(msg);
                    }
                } catch (Exception e) {
                    System.out.println("CDP: unreadable message " + e);
                }
            }
            ws.request(1);
            return null;
        }
    }
}
