package org.herald.hub;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.herald.auth.ClientTokens;
import org.herald.store.BrowserStore;
import org.herald.store.DeliveryStore;

/** {@code GET /ws}: upgrades to a WebSocket and hands it to a {@link ClientConnection}. */
public final class WebSocketEndpoint implements AutoCloseable {
    record Deps(Hub hub, ClientTokens tokens, BrowserStore browserStore, DeliveryStore deliveries, TopicSnapshots snapshots,
                HubSettings settings, ExecutorService blocking, Clock clock, Set<ClientConnection> connections) {}

    private final Vertx vertx;
    private final Deps deps;
    private final long pinger;

    public WebSocketEndpoint(Vertx vertx, Hub hub, ClientTokens tokens, BrowserStore browserStore, DeliveryStore deliveries,
                             TopicSnapshots snapshots, HubSettings settings, ExecutorService blocking, Clock clock) {
        this.vertx = vertx;
        this.deps = new Deps(hub, tokens, browserStore, deliveries, snapshots, settings, blocking, clock, ConcurrentHashMap.newKeySet());
        long interval = settings.pingInterval().toNanos();
        this.pinger = vertx.setPeriodic(Math.max(100, settings.pingInterval().toMillis() / 2), t -> {
            long now = System.nanoTime();
            for (ClientConnection c : deps.connections()) c.checkLiveness(now, interval);
        });
    }

    /** The path this endpoint serves. */
    public static final String PATH = "/ws";

    /** Accepts the upgrade on {@link #PATH}; refuses other paths with 404 (nothing else speaks WebSocket yet). */
    public Handler<ServerWebSocketHandshake> handshake() {
        return hs -> {
            if (PATH.equals(hs.path())) hs.accept();
            else hs.reject(404);
        };
    }

    /** Takes an accepted WebSocket. */
    public Handler<ServerWebSocket> sockets() {
        return ws -> {
            QueryStringDecoder query = new QueryStringDecoder(ws.uri());
            String token = first(query, "token");
            Long since = parseSince(first(query, "since"));
            String address = ws.remoteAddress() == null ? "unknown" : ws.remoteAddress().hostAddress();
            ClientConnection c = new ClientConnection(ws, address, vertx, deps);
            deps.connections().add(c);
            c.start(token, since);
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
