package org.herald.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Set;
import org.herald.auth.ClientTokens;
import org.herald.core.Ids;
import org.herald.core.Json;
import org.herald.store.BrowserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol of one WebSocket (api.md): wait for the connect frame (or use {@code ?token=}), authenticate,
 * register, replay, then serve ack / ping / subscribe / unsubscribe. Runs on the socket's event loop (its
 * {@link InboundFrames} calls it there); database work goes to virtual threads.
 */
final class ClientConnection {
    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

    private final WebSocketEndpoint.Deps deps;
    private final WebSocketTransport transport;
    private final RateLimiter limiter;
    /** Acks have their own, larger allowance: a client acks every notification of a replay at once. */
    private final RateLimiter ackLimiter;
    /** The token and since of the upgrade's query string, until {@link #start}. */
    private String queryToken;
    private Long querySince;
    private Session session;
    private boolean connecting;
    private ScheduledFuture<?> connectTimer;
    private ScheduledFuture<?> expiryTimer;
    volatile long lastHeard = System.nanoTime();

    ClientConnection(WebSocketTransport transport, String queryToken, Long querySince, WebSocketEndpoint.Deps deps) {
        this.deps = deps;
        this.transport = transport;
        this.queryToken = queryToken;
        this.querySince = querySince;
        this.limiter = new RateLimiter(deps.settings().maxFramesPerSecond(), deps.settings().maxFramesPerSecond() * 2.0, System.nanoTime());
        int ackRate = Math.max(200, deps.settings().maxFramesPerSecond() * 10);
        this.ackLimiter = new RateLimiter(ackRate, Math.max(ackRate * 2.0, deps.settings().replayLimit() + 100.0), System.nanoTime());
    }

    /** The pipeline is in place: authenticate with the query's token, or wait for the connect frame. */
    void start() {
        deps.connections().add(this);
        String token = queryToken;
        queryToken = null;
        if (token != null) {
            authenticate(token, querySince);
        } else {
            connectTimer = transport.schedule(() -> {
                if (session == null) transport.close(CloseReason.CONNECT_TIMEOUT, "send {\"type\":\"connect\",\"token\":…} first");
            }, deps.settings().connectTimeout().toMillis());
        }
        querySince = null;
    }

    /** Any frame, ping or pong from the client: it is alive. */
    void heard() {
        lastHeard = System.nanoTime();
    }

    void onBinary() {
        heard();
        error("bad_request", "binary frames are not part of the protocol; send JSON text frames");
    }

    void onText(String text) {
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
        if (connectTimer != null) connectTimer.cancel(false);
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
        expiryTimer = transport.schedule(() -> close(CloseReason.TOKEN_EXPIRED, "the client token expired"), Math.max(1, untilExpiry));
        deps.blocking().execute(() -> replay(s, since));
    }

    private void replay(Session s, Long since) {
        try {
            BrowserStore.Backlog backlog = deps.browserStore().backlog(s.recipient(), since, deps.settings().replayLimit());
            BacklogFrames frames = BacklogFrames.of(backlog.entries(), since == null ? 0 : since);
            String connected = Frames.connected(s.recipient().toString(), backlog.lastSeq(), backlog.recovered());
            String replayed = Frames.replayed(backlog.entries().size(), frames.through());
            transport.executor().execute(() -> s.finishReplay(connected, frames, replayed));
        } catch (RuntimeException e) {
            log.error("replay for {} failed; closing so the client retries", s.recipient(), e);
            transport.executor().execute(() -> close(CloseReason.SHUTDOWN, "temporary server problem; reconnect"));
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
            transport.executor().execute(() -> s.finishCatchUp(missed));
        } catch (RuntimeException e) {
            log.warn("catch-up for {} failed; closing so the client reconnects and replays: {}", s.recipient(), e.toString());
            transport.executor().execute(() -> close(CloseReason.SHUTDOWN, "temporary server problem; reconnect"));
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
                    transport.executor().execute(() -> s.write(Frames.error("not_found", "no delivery " + deliveryId + " for " + s.recipient(),
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
        else if (transport.isOpen()) transport.writeFrame(EncodedFrame.text(Frames.error(code, message)));
    }

    void close(CloseReason reason, String message) {
        if (session != null) session.close(reason, message);
        else transport.close(reason, message);
    }

    /** Called by the hub's pinger: ping when idle, close when the client stayed silent for two intervals. */
    void checkLiveness(long nowNanos, long intervalNanos) {
        long silent = nowNanos - lastHeard;
        if (silent > 2 * intervalNanos) close(CloseReason.NO_PONG, "no answer to pings");
        else if (silent > intervalNanos) transport.executor().execute(transport::ping);
    }

    /** The TCP connection is gone (after a closing handshake or not). */
    void onClosed() {
        if (connectTimer != null) connectTimer.cancel(false);
        if (expiryTimer != null) expiryTimer.cancel(false);
        deps.connections().remove(this);
        if (session != null) {
            session.close(CloseReason.CLIENT_CLOSED, "closed");
            deps.hub().unregister(session);
        }
    }
}
