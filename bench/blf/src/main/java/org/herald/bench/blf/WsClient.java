package org.herald.bench.blf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One browser-like WebSocket client of Herald's {@code /ws} (JDK java.net.http): connects with {@code ?token=},
 * waits for {@code connected} and {@code replayed}, subscribes to {@code blf}. The arrival time of every frame is
 * taken (System.nanoTime) when its last fragment arrives; parsing and the handlers run on one separate thread for
 * all clients, so that a client reads its socket as fast as the JDK delivers (demand is unbounded) and does not
 * hold back Herald's writes while earlier frames are parsed.
 */
final class WsClient implements WebSocket.Listener {
    static final ObjectMapper JSON = new ObjectMapper();

    interface Handler {
        void event(WsClient client, JsonNode data, long arrivedNanos);
    }

    /** A frame and when it arrived. */
    record Frame(String text, long arrivedNanos) {}

    private record Arrival(WsClient client, String text, long nanos) {}

    private static final java.util.concurrent.LinkedBlockingQueue<Arrival> ARRIVALS = new java.util.concurrent.LinkedBlockingQueue<>();

    static {
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Arrival a = ARRIVALS.take();
                    try {
                        a.client.dispatch(a.text, a.nanos);
                    } catch (Exception e) {
                        a.client.lastError = e.toString();
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "ws-frames");
        t.setDaemon(true);
        t.start();
    }

    final int id;
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Void> replayed = new CompletableFuture<>();
    private volatile CompletableFuture<Frame> subscribed = new CompletableFuture<>();
    /** While recording, frames are kept here (not parsed) until {@link #stopRecording()}. */
    private volatile java.util.List<Arrival> recording;
    private final java.util.concurrent.atomic.AtomicInteger recorded = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Handler handler = (c, d, t) -> { };
    private WebSocket ws;
    volatile int closeCode = -1;
    volatile String closeReason = "";
    volatile String lastError = "";

    private WsClient(int id) {
        this.id = id;
    }

    static WsClient connect(HttpClient http, String base, String token, int id) throws Exception {
        WsClient c = new WsClient(id);
        URI uri = URI.create(base.replaceFirst("^http", "ws") + "/ws?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        c.ws = http.newWebSocketBuilder().buildAsync(uri, c).get(10, TimeUnit.SECONDS);
        c.replayed.get(10, TimeUnit.SECONDS);
        return c;
    }

    void handler(Handler h) {
        this.handler = h;
    }

    /** Sends subscribe; returns the {@code subscribed} frame (with its arrival time). */
    Frame subscribe(String topic) throws Exception {
        subscribed = new CompletableFuture<>();
        ws.sendText("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}", true).get(10, TimeUnit.SECONDS);
        return subscribed.get(30, TimeUnit.SECONDS);
    }

    /**
     * From now on, keep frames with their arrival times without parsing them (nothing else runs on the load tool's
     * core while Herald writes): for the latency runs.
     */
    void startRecording() {
        recorded.set(0);
        recording = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    }

    int recorded() {
        return recorded.get();
    }

    /** Stops recording and hands every recorded frame to the handler, in order. */
    void stopRecording() throws Exception {
        java.util.List<Arrival> r = recording;
        recording = null;
        if (r == null) return;
        synchronized (r) {
            for (Arrival a : r) dispatch(a.text, a.nanos);
        }
    }

    boolean closed() {
        return closeCode >= 0;
    }

    void close() {
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            ws.abort();
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            long now = System.nanoTime();
            String text = partial.toString();
            partial.setLength(0);
            Arrival a = new Arrival(this, text, now);
            java.util.List<Arrival> r = recording;
            if (r != null) {
                r.add(a);
                recorded.incrementAndGet();
            } else {
                ARRIVALS.add(a);
            }
        }
        return null;
    }

    private void dispatch(String text, long now) throws Exception {
        JsonNode frame = JSON.readTree(text);
        switch (frame.path("type").asText()) {
            case "event" -> handler.event(this, frame.path("data"), now);
            case "replayed" -> replayed.complete(null);
            case "subscribed" -> subscribed.complete(new Frame(text, now));
            case "error" -> lastError = text;
            default -> { }
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode = statusCode;
        closeReason = reason;
        replayed.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
        subscribed.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        lastError = error.toString();
        replayed.completeExceptionally(error);
        subscribed.completeExceptionally(error);
    }
}
