package org.herald.hub;

import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.herald.auth.ClientTokens;
import org.herald.core.Json;
import org.herald.store.BrowserStore;
import org.herald.store.DeliveryStore;

/** {@code GET /ws}: upgrades to a WebSocket ({@link WebSocketUpgrade}) and hands it to a {@link ClientConnection}. */
public final class WebSocketEndpoint implements AutoCloseable {
    record Deps(Hub hub, ClientTokens tokens, BrowserStore browserStore, DeliveryStore deliveries, TopicSnapshots snapshots,
                HubSettings settings, ExecutorService blocking, Clock clock, Set<ClientConnection> connections) {}

    private final Vertx vertx;
    private final Deps deps;
    private final WebSocketUpgrade upgrade;
    /** One for every connection: the outbound bound (a channel is unwritable past its high mark). */
    private final WriteBufferWaterMark outboundBound;
    private final long pinger;

    /**
     * @param compression whether per-message deflate is accepted when a client offers it
     */
    public WebSocketEndpoint(Vertx vertx, Hub hub, ClientTokens tokens, BrowserStore browserStore, DeliveryStore deliveries,
                             TopicSnapshots snapshots, HubSettings settings, boolean compression, ExecutorService blocking, Clock clock) {
        this.vertx = vertx;
        this.deps = new Deps(hub, tokens, browserStore, deliveries, snapshots, settings, blocking, clock, ConcurrentHashMap.newKeySet());
        // frames of four times max_frame_bytes are still read (and answered with frame_too_large); longer ones are cut
        this.upgrade = new WebSocketUpgrade(Math.max(65536, settings.maxFrameBytes() * 4), compression);
        this.outboundBound = new WriteBufferWaterMark(settings.outboundBufferBytes() / 2, settings.outboundBufferBytes());
        long interval = settings.pingInterval().toNanos();
        this.pinger = vertx.setPeriodic(Math.max(100, settings.pingInterval().toMillis() / 2), t -> {
            long now = System.nanoTime();
            for (ClientConnection c : deps.connections()) c.checkLiveness(now, interval);
        });
    }

    /** The path this endpoint serves. */
    public static final String PATH = "/ws";

    /**
     * Takes an HTTP request to {@link #PATH} that asks for a WebSocket ({@code Upgrade: websocket}); runs on the
     * connection's event loop. A malformed upgrade gets a JSON error.
     */
    public Handler<HttpServerRequest> upgrades() {
        return request -> {
            WebSocketUpgrade.Refusal refusal = WebSocketUpgrade.check(request);
            if (refusal != null) {
                var response = request.response().setStatusCode(refusal.status()).putHeader("Content-Type", "application/json");
                if (refusal.status() == 426) response.putHeader("Sec-WebSocket-Version", "13");
                response.end(Json.write(Map.of("error", "bad_request", "message", refusal.message())));
                return;
            }
            QueryStringDecoder query = new QueryStringDecoder(request.uri());
            String token = first(query, "token");
            Long since = parseSince(first(query, "since"));
            String address = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
            upgrade.accept(request, (channel, raw, deflate) -> {
                channel.config().setWriteBufferWaterMark(outboundBound);
                WebSocketTransport transport = new WebSocketTransport(channel, raw, deflate, address, deps.settings().outboundBufferBytes());
                return new InboundFrames(new ClientConnection(transport, token, since, deps), transport);
            });
        };
    }

    /** Plain HTTP (no upgrade) to {@link #PATH}: a JSON error. */
    public Handler<RoutingContext> plainHttp() {
        return ctx -> ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                .end("{\"error\":\"bad_request\",\"message\":\"/ws expects a WebSocket upgrade\"}");
    }

    private static String first(QueryStringDecoder q, String name) {
        var values = q.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static Long parseSince(String s) {
        if (s == null) return null;
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public int connections() {
        return deps.connections().size();
    }

    /** Closes every connection with {@code shutdown} (clients reconnect). */
    @Override
    public void close() {
        vertx.cancelTimer(pinger);
        for (ClientConnection c : deps.connections()) c.close(CloseReason.SHUTDOWN, "the server is stopping");
    }
}
