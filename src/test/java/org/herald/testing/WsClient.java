package org.herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.herald.core.Json;

/**
 * A real WebSocket client (the JDK's) for protocol tests: frames arrive in a queue; reading can be paused to play a
 * slow consumer (the client then stops taking bytes off the socket).
 */
public final class WsClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket ws;
    private volatile boolean paused;
    private volatile boolean owed;

    private WsClient(String url) {
        this.ws = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(url), new Listener()).join();
    }

    public static WsClient open(String baseHttpUrl, String query) {
        return new WsClient(baseHttpUrl.replaceFirst("^http", "ws") + "/ws" + (query == null ? "" : "?" + query));
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(Json.MAPPER.readTree(partial.toString()));
                } catch (Exception e) {
                    frames.add(Json.MAPPER.createObjectNode().put("type", "unparseable").put("text", partial.toString()));
                }
                partial.setLength(0);
            }
            next(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(-1);
        }
    }

    private void next(WebSocket webSocket) {
        if (paused) owed = true;
        else webSocket.request(1);
    }

    public void send(String json) {
        ws.sendText(json, true).join();
    }

    public void sendBinary(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** Stops reading from the socket (frames pile up in the server's buffers). */
    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
        if (owed) {
            owed = false;
            ws.request(1);
        }
    }

    /** The next frame, waiting up to 10 s; fails the test when none comes. */
    public JsonNode next() {
        return next(Duration.ofSeconds(10));
    }

    public JsonNode next(Duration wait) {
        try {
            JsonNode f = frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (f == null) throw new AssertionError("no frame within " + wait);
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Skips frames until one matches (e.g. of a type); fails after 10 s. */
    public JsonNode nextMatching(Predicate<JsonNode> p) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode f = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (p.test(f)) return f;
        }
        throw new AssertionError("no matching frame within 10 s");
    }

    public JsonNode nextOfType(String type) {
        return nextMatching(f -> type.equals(f.path("type").asText()));
    }

    /**
     * Takes the connected frame and everything up to the {@code replayed} marker (the replay, if any, is skipped);
     * returns the connected frame.
     */
    public JsonNode awaitConnected() {
        JsonNode connected = nextOfType("connected");
        nextOfType("replayed");
        return connected;
    }

    /** Frames received so far and not yet taken. */
    public List<JsonNode> drain() {
        List<JsonNode> out = new ArrayList<>();
        frames.drainTo(out);
        return out;
    }

    /** The close code the server sent (or -1 on an abrupt end), waiting up to {@code wait}. */
    public int closeCode(Duration wait) {
        try {
            return closeCode.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the connection was not closed within " + wait);
        }
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        ws.abort();
    }
}
