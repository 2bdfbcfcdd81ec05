package org.herald.compat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.herald.core.Ids;
import org.herald.core.Json;
import org.herald.core.RecipientId;
import org.herald.hub.BacklogFrames;
import org.herald.hub.CloseReason;
import org.herald.hub.EncodedFrame;
import org.herald.hub.Hub;
import org.herald.hub.Session;
import org.herald.hub.Transport;
import org.herald.store.BrowserStore;
import org.herald.store.DeliveryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A browser WebSocket of ABillS: the admins' ({@code websocket_backend.pl} on 19443, paths {@code /wss/admin/} and
 * {@code /admin/wss/}, header {@code ADMINSID}) or, in ABillS 1.50, the clients' (19445, header {@code USERSID}).
 * The session cookie {@code sid} (or the header) is resolved with ABillS's own query, the socket joins Herald's hub
 * as that admin or client (presence, live notifications, replay of what waited), and speaks ABillS's frames:
 * PING/PONG with RESPONCE, {@code RESPONCE RECEIVED} acks, CLOSE_REQUEST, close notices. Herald pings an idle page
 * with WebSocket pings (browsers answer them by themselves) and drops one that stayed silent for two intervals, so
 * a page whose network went away does not stay "connected" in {@code REQUEST_LIST} and {@code has_connected_admin}.
 */
public final class AbillsBrowserEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AbillsBrowserEndpoint.class);
    /** The admins' listener: where Apache's {@code ProxyPass "/admin/wss/" "ws://127.0.0.1:19443/wss/admin/"} leads. */
    public static final Audience ADMINS = new Audience("ADMINSID", Set.of("/wss/admin/", "/wss/admin", "/admin/wss/", "/admin/wss"));

    /** Who a listener serves: the header that may carry the session id, and the paths it answers on (empty: any). */
    public record Audience(String sidHeader, Set<String> paths) {}
    private static final Pattern SID = Pattern.compile("(?:^|[;,]\\s*)sid=([^;,\\s]+)");
    static final int REPLAY_LIMIT = 1000;
    static final int MAX_EARLY_FRAMES = 16;

    private final Vertx vertx;
    private final Hub hub;
    private final SessionResolver sessions;
    private final BrowserStore browserStore;
    private final DeliveryStore deliveries;
    private final ExecutorService blocking;
    private final String kind;
    private final Audience audience;
    private final java.time.Duration pingInterval;
    private final Clock clock;
    private HttpServer server;

    public AbillsBrowserEndpoint(Vertx vertx, Hub hub, SessionResolver sessions, BrowserStore browserStore,
                                 DeliveryStore deliveries, ExecutorService blocking, String kind, Audience audience,
                                 java.time.Duration pingInterval, Clock clock) {
        this.vertx = vertx;
        this.hub = hub;
        this.sessions = sessions;
        this.browserStore = browserStore;
        this.deliveries = deliveries;
        this.blocking = blocking;
        this.kind = kind;
        this.audience = audience;
        this.pingInterval = pingInterval;
        this.clock = clock;
    }

    public int start(String host, int port) {
        server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
                        .setPerMessageWebSocketCompressionSupported(false))
                .webSocketHandshakeHandler(this::handshake)
                .webSocketHandler(this::connected)
                .requestHandler(req -> req.response().setStatusCode(404).end());
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " for ABillS browsers: " + e.getMessage(), e);
        }
        log.info("ABillS browser WebSocket ({}) on {}:{}", kind, host, server.actualPort());
        return server.actualPort();
    }

    public int port() {
        return server.actualPort();
    }

    private void handshake(ServerWebSocketHandshake h) {
        if (audience.paths().isEmpty() || audience.paths().contains(h.path())) h.accept();
        else h.reject(404);
    }

    /** Every sid the handshake offers: the ADMINSID/USERSID header first, then each {@code sid=} of the cookies. */
    static List<String> sids(String sidHeader, String cookie) {
        Set<String> out = new LinkedHashSet<>();
        if (sidHeader != null && !sidHeader.isBlank()) out.add(sidHeader.trim());
        if (cookie != null) {
            Matcher m = SID.matcher(cookie);
            while (m.find()) out.add(m.group(1));
        }
        return List.copyOf(out);
    }

    private void connected(ServerWebSocket ws) {
        List<String> offered = sids(ws.headers().get(audience.sidHeader()), ws.headers().get("Cookie"));
        Context context = vertx.getOrCreateContext();
        // the page sends PING as soon as the socket opens, before its session is resolved: keep what comes early
        List<String> early = new ArrayList<>();
        ws.textMessageHandler(text -> {
            if (early.size() < MAX_EARLY_FRAMES) early.add(text); // a page sends one PING; more is not a page
        });
        blocking.execute(() -> {
            Optional<String> aid = Optional.empty();
            try {
                for (String sid : offered) {
                    aid = sessions.adminOf(sid);
                    if (aid.isPresent()) break;
                }
            } catch (Exception e) {
                log.warn("ABillS browser: cannot resolve the session in ABillS's database: {}", e.toString());
            }
            Optional<String> found = aid;
            context.runOnContext(v -> {
                if (ws.isClosed()) return; // the page left while its session was looked up: nothing to register
                RecipientId admin = found.flatMap(this::recipient).orElse(null);
                if (admin == null) {
                    ws.writeTextMessage(AbillsFrames.close("Unauthorized")).onComplete(x -> ws.close());
                    return;
                }
                new Connection(ws, admin, context).open(early);
            });
        });
    }

    private Optional<RecipientId> recipient(String aid) {
        try {
            return Optional.of(new RecipientId(kind, aid.trim()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** One admin's socket in the hub, as a transport that writes ABillS frames. */
    private final class Connection implements Transport {
        private final ServerWebSocket ws;
        private final RecipientId admin;
        private final Context context;
        private Session session;
        private volatile String lastDelivery;
        private long lastHeard = System.nanoTime();
        private long pinger = -1;
        /** One instance: the hub keeps sessions per executor. */
        private final Executor onContext;

        Connection(ServerWebSocket ws, RecipientId admin, Context context) {
            this.ws = ws;
            this.admin = admin;
            this.context = context;
            this.onContext = command -> context.runOnContext(v -> command.run());
        }

        void open(List<String> early) {
            session = new Session(Ids.newId(clock), admin, Set.of(), this);
            session.onClose(() -> hub.unregister(session));
            session.onCatchUp(() -> {
                if (session.holdForCatchUp()) blocking.execute(this::catchUp);
            });
            if (!hub.register(session)) {
                ws.writeTextMessage(AbillsFrames.close("Too many connections")).onComplete(x -> ws.close());
                return;
            }
            ws.closeHandler(v -> {
                if (pinger >= 0) vertx.cancelTimer(pinger);
                session.close(CloseReason.SHUTDOWN, "closed by the browser");
            });
            ws.pongHandler(b -> lastHeard = System.nanoTime());
            ws.textMessageHandler(text -> {
                lastHeard = System.nanoTime();
                onText(text);
            });
            long interval = Math.max(1, pingInterval.toMillis());
            pinger = vertx.setPeriodic(interval, t -> checkLiveness(System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(interval)));
            early.forEach(this::onText);
            blocking.execute(this::replay);
        }

        /** Ping when idle; drop the page (and its presence) when it stayed silent for two intervals. */
        private void checkLiveness(long nowNanos, long intervalNanos) {
            if (ws.isClosed()) return;
            long silent = nowNanos - lastHeard;
            if (silent > 2 * intervalNanos) {
                log.info("ABillS browser: {} answered no pings; dropping the connection", admin);
                session.close(CloseReason.NO_PONG, "no answer to pings");
            } else if (silent > intervalNanos) {
                ws.writePing(io.vertx.core.buffer.Buffer.buffer());
            }
        }

        /** What waited for this admin while no page was open. */
        private void replay() {
            try {
                BacklogFrames w = waiting();
                context.runOnContext(v -> session.finishReplay("{}", w, null));
            } catch (RuntimeException e) {
                log.error("ABillS browser: replay for {} failed; closing so the page reconnects", admin, e);
                context.runOnContext(v -> close(CloseReason.SHUTDOWN, "temporary server problem"));
            }
        }

        /**
         * After the cluster bus was away: what waited for this admin meanwhile. ABillS pages keep no sequence number,
         * so this is what is still waiting (a notification sent meanwhile on another node's page is not repeated).
         */
        private void catchUp() {
            try {
                session.takeCatchUpSince();
                BacklogFrames w = waiting();
                context.runOnContext(v -> session.finishCatchUp(w));
            } catch (RuntimeException e) {
                log.warn("ABillS browser: catch-up for {} failed; closing so the page reconnects: {}", admin, e.toString());
                context.runOnContext(v -> close(CloseReason.SHUTDOWN, "temporary server problem"));
            }
        }

        private BacklogFrames waiting() {
            return BacklogFrames.of(browserStore.backlog(admin, null, REPLAY_LIMIT).entries(), 0);
        }

        private void onText(String text) {
            JsonNode f;
            try {
                f = Json.MAPPER.readTree(text);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return; // the page sends only the frames below; anything else is ignored, as the source did
            }
            switch (f.path("TYPE").asText()) {
                case "PING" -> ws.writeTextMessage(AbillsFrames.PONG);
                case "RESPONCE" -> {
                    if ("RECEIVED".equals(f.path("RESPONCE").asText())) ackLast();
                }
                case "CLOSE_REQUEST" -> session.close(CloseReason.SHUTDOWN, "Close requested");
                default -> { } // PONG and others need no answer
            }
        }

        private void ackLast() {
            String id = lastDelivery;
            if (id == null) return;
            blocking.execute(() -> {
                try {
                    browserStore.acknowledge(admin, id, deliveries);
                } catch (RuntimeException e) {
                    log.warn("ABillS browser: ack of {} by {} not recorded: {}", id, admin, e.toString());
                }
            });
        }

        // ---- Transport ----

        @Override
        public Executor executor() {
            return onContext;
        }

        @Override
        public boolean inExecutor() {
            return Vertx.currentContext() == context;
        }

        @Override
        public boolean writeFrame(ByteBuf frame) {
            try {
                if (ws.writeQueueFull()) return false;
                send(EncodedFrame.payload(frame)); // the hub hands over whole WebSocket frames; ABillS gets its own
                return true;
            } finally {
                frame.release();
            }
        }

        @Override
        public void writePaced(List<String> frames, Runnable then) {
            for (String f : frames) send(f);
            then.run();
        }

        private void send(String heraldFrame) {
            AbillsFrames.Message m = AbillsFrames.fromHerald(heraldFrame);
            if (m == null) return;
            if (m.deliveryId() != null) lastDelivery = m.deliveryId();
            ws.writeTextMessage(m.json());
        }

        @Override
        public void close(CloseReason reason, String message) {
            if (ws.isClosed()) return;
            ws.writeTextMessage(AbillsFrames.close(message)).onComplete(x -> ws.close());
        }

        @Override
        public String remoteAddress() {
            return ws.remoteAddress() == null ? "unknown" : ws.remoteAddress().hostAddress();
        }
    }

    @Override
    public void close() {
        if (server != null) server.close();
        sessions.close();
    }
}
