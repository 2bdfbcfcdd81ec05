package org.herald.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.Set;
import org.herald.auth.ClientTokens;
import org.herald.core.Ids;
import org.herald.core.Json;
import org.herald.store.BrowserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol of one WebSocket (api.md): wait for the connect frame (or use {@code ?token=}), authenticate,
 * register, replay, then serve ack / ping / subscribe / unsubscribe. Runs on the socket's event loop; database work
 * goes to virtual threads.
 */
final class ClientConnection {
    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

    private final ServerWebSocket ws;
    private final Context context;
    private final Vertx vertx;
    private final WebSocketEndpoint.Deps deps;
    private final WebSocketTransport transport;
    private final RateLimiter limiter;
    /** Acks have their own, larger allowance: a client acks every notification of a replay at once. */
    private final RateLimiter ackLimiter;
    private Session session;
    private boolean connecting;
    private long connectTimer = -1;
    private long expiryTimer = -1;
    volatile long lastHeard = System.nanoTime();

    ClientConnection(ServerWebSocket ws, String address, Vertx vertx, WebSocketEndpoint.Deps deps) {
        this.ws = ws;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.deps = deps;
        this.transport = new WebSocketTransport(ws, address, deps.settings().outboundBufferBytes());
        this.limiter = new RateLimiter(deps.settings().maxFramesPerSecond(), deps.settings().maxFramesPerSecond() * 2.0, System.nanoTime());
        int ackRate = Math.max(200, deps.settings().maxFramesPerSecond() * 10);
        this.ackLimiter = new RateLimiter(ackRate, Math.max(ackRate * 2.0, deps.settings().replayLimit() + 100.0), System.nanoTime());
    }

    void start(String queryToken, Long querySince) {
        ws.textMessageHandler(this::onText);
        ws.binaryMessageHandler(b -> {
            lastHeard = System.nanoTime();
            error("bad_request", "binary frames are not part of the protocol; send JSON text frames");
        });
        ws.pongHandler(b -> lastHeard = System.nanoTime());
        ws.closeHandler(v -> onClosed());
        ws.exceptionHandler(e -> log.debug("websocket {}: {}", transport.remoteAddress(), e.toString()));
        if (queryToken != null) {
            authenticate(queryToken, querySince);
        } else {
            connectTimer = vertx.setTimer(deps.settings().connectTimeout().toMillis(),
                    t -> { if (session == null) transport.close(CloseReason.CONNECT_TIMEOUT, "send {\"type\":\"connect\",\"token\":…} first"); });
        }
    }

    private void onText(String text) {
        lastHeard = System.nanoTime();
        boolean isAck = text.startsWith("{\"type\":\"ack\"");
        if (!(isAck ? ackLimiter : limiter).tryAcquire(lastHeard)) {
            close(CloseReason.RATE_LIMITED, "more than " + deps.settings().maxFramesPerSecond() + " frames per second");
            return;
        }
        if (text.length() > deps.settings().maxFrameBytes()) {
            error("frame_too_large", "frames may be at most " + deps.settings().maxFrameBytes() + " bytes");
            return;
        }
        JsonNode frame;
        try {
            frame = Json.MAPPER.readTree(text);
        } catch (Exception e) {
            error("bad_request", "frames must be JSON objects");
            return;
        }
        String type = frame.path("type").asText("");
        if (session == null) {
            if (!type.equals("connect")) {
                error("bad_request", "the first frame must be {\"type\":\"connect\",\"token\":…}");
                return;
            }
            if (connecting) return;
            JsonNode since = frame.get("since");
            authenticate(frame.path("token").asText(null), since != null && since.canConvertToLong() ? since.asLong() : null);
            return;
        }
        switch (type) {
            case "ping" -> session.write(Frames.PONG);
            case "ack" -> {
                if (frame.path("deliveries").isArray()) {
                    if (frame.get("deliveries").size() > deps.settings().replayLimit()) {
                        error("bad_request", "at most " + deps.settings().replayLimit() + " deliveries per ack");
                    } else {
                        frame.get("deliveries").forEach(d -> ack(d.asText(null)));
                    }
                } else {
                    ack(frame.path("delivery").asText(null));
                }
            }
            case "subscribe" -> subscribe(frame.path("topic").asText(null));
            case "unsubscribe" -> unsubscribe(frame.path("topic").asText(null));
            case "connect" -> error("bad_request", "already connected");
            default -> error("bad_request", "unknown frame type '" + type + "'");
        }
    }

    private void authenticate(String token, Long since) {
        if (connectTimer >= 0) vertx.cancelTimer(connectTimer);
        ClientTokens.ClientPrincipal principal;
        try {
            principal = deps.tokens().verify(token);
        } catch (ClientTokens.InvalidTokenException e) {
            close(e.expired() ? CloseReason.EXPIRED_TOKEN : CloseReason.UNAUTHORIZED, e.getMessage());
            return;
        }
        connecting = true;
        Session s = new Session(Ids.newId(deps.clock()), principal.recipient(), Set.copyOf(principal.topics()), transport);
        s.onClose(() -> deps.hub().unregister(s));
        if (!deps.hub().register(s)) {
            close(CloseReason.TOO_MANY_CONNECTIONS, CloseReason.TOO_MANY_CONNECTIONS.description());
            return;
        }
        session = s;
        s.onCatchUp(() -> {
            if (s.holdForCatchUp()) deps.blocking().execute(() -> catchUp(s));
        });
        long untilExpiry = principal.expiresAt().toEpochMilli() - deps.clock().millis();
        expiryTimer = vertx.setTimer(Math.max(1, untilExpiry), t -> close(CloseReason.TOKEN_EXPIRED, "the client token expired"));
        deps.blocking().execute(() -> replay(s, since));
    }

    private void replay(Session s, Long since) {
        try {
            BrowserStore.Backlog backlog = deps.browserStore().backlog(s.recipient(), since, deps.settings().replayLimit());
            BacklogFrames frames = BacklogFrames.of(backlog.entries(), since == null ? 0 : since);
            String connected = Frames.connected(s.recipient().toString(), backlog.lastSeq(), backlog.recovered());
            String replayed = Frames.replayed(backlog.entries().size(), frames.through());
            context.runOnContext(v -> s.finishReplay(connected, frames, replayed));
        } catch (RuntimeException e) {
            log.error("replay for {} failed; closing so the client retries", s.recipient(), e);
            context.runOnContext(v -> close(CloseReason.SHUTDOWN, "temporary server problem; reconnect"));
        }
    }

    /**
     * Like a reconnect's replay, from the sequence number the session had when the bus was lost, without connected or
     * replayed frames: the client drops what it already has by delivery id, and its resume position only moves over
     * sequence numbers it really received.
     */
    private void catchUp(Session s) {
        try {
            long since = s.takeCatchUpSince();
            BacklogFrames missed = BacklogFrames.of(
                    deps.browserStore().backlog(s.recipient(), since, deps.settings().replayLimit()).entries(), since);
            context.runOnContext(v -> s.finishCatchUp(missed));
        } catch (RuntimeException e) {
            log.warn("catch-up for {} failed; closing so the client reconnects and replays: {}", s.recipient(), e.toString());
            context.runOnContext(v -> close(CloseReason.SHUTDOWN, "temporary server problem; reconnect"));
        }
    }

    private void ack(String deliveryId) {
        if (deliveryId == null) {
            error("bad_request", "ack needs a delivery id");
            return;
        }
        Session s = session;
        deps.blocking().execute(() -> {
            try {
                if (deps.browserStore().acknowledge(s.recipient(), deliveryId, deps.deliveries()).isEmpty()) {
                    context.runOnContext(v -> s.write(Frames.error("not_found", "no delivery " + deliveryId + " for " + s.recipient(),
                            "delivery", deliveryId)));
                }
            } catch (RuntimeException e) {
                log.warn("ack of {} by {} not recorded: {}", deliveryId, s.recipient(), e.toString());
            }
        });
    }

    private void subscribe(String topic) {
        if (topic == null || topic.isBlank()) {
            error("bad_request", "subscribe needs a topic");
            return;
        }
        if (!session.mayJoin(topic)) {
            session.write(Frames.error("forbidden", "the client token does not allow topic '" + topic + "'", "topic", topic));
            return;
        }
        deps.hub().join(session, topic);
        session.write(Frames.subscribed(topic, deps.snapshots().snapshot(topic)));
    }

    private void unsubscribe(String topic) {
        if (topic == null) {
            error("bad_request", "unsubscribe needs a topic");
            return;
        }
        deps.hub().leave(session, topic);
        session.write(Frames.unsubscribed(topic));
    }

    private void error(String code, String message) {
        if (session != null) session.write(Frames.error(code, message));
        else if (!ws.isClosed()) ws.writeTextMessage(Frames.error(code, message));
    }

    void close(CloseReason reason, String message) {
        if (session != null) session.close(reason, message);
        else transport.close(reason, message);
    }

    /** Called by the hub's pinger: ping when idle, close when the client stayed silent for two intervals. */
    void checkLiveness(long nowNanos, long intervalNanos) {
        long silent = nowNanos - lastHeard;
        if (silent > 2 * intervalNanos) close(CloseReason.NO_PONG, "no answer to pings");
        else if (silent > intervalNanos && !ws.isClosed()) ws.writePing(Buffer.buffer());
    }

    private void onClosed() {
        if (connectTimer >= 0) vertx.cancelTimer(connectTimer);
        if (expiryTimer >= 0) vertx.cancelTimer(expiryTimer);
        deps.connections().remove(this);
        if (session != null) {
            session.close(CloseReason.CLIENT_CLOSED, "closed");
            deps.hub().unregister(session);
        }
    }
}
