package org.herald.hub;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
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

    public Handler<RoutingContext> handler() {
        return ctx -> {
            var request = ctx.request();
            String token = request.getParam("token");
            Long since = parseSince(request.getParam("since"));
            String address = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
            request.toWebSocket().onSuccess(ws -> {
                ClientConnection c = new ClientConnection(ws, address, vertx, deps);
                deps.connections().add(c);
                c.start(token, since);
            }).onFailure(e -> {
                if (!ctx.response().ended()) {
                    ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                            .end("{\"error\":\"bad_request\",\"message\":\"/ws expects a WebSocket upgrade\"}");
                }
            });
        };
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
