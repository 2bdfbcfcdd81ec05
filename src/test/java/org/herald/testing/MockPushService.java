package org.herald.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.herald.core.Json;

/**
 * A push service on 127.0.0.1 for tests, doing what FCM or Mozilla's autopush do with a push: it checks the VAPID
 * JWT (signature, {@code aud}, {@code exp}, {@code k}) and the RFC 8030 headers, decrypts the body with the
 * browser's keys (its own code, {@link PushReceiver}), records it, and answers what the test told it to
 * (201 by default; 404, 410, 413, 429, 500 …). It counts TCP connections, so reuse can be checked.
 */
public final class MockPushService implements AutoCloseable {
    /** One push as the service saw it. */
    public record Received(String subscription, Map<String, Object> message, String ttl, String urgency, String topic,
                           PushReceiver.Vapid vapid, String httpVersion, Instant at, int answeredWith) {}

    /** An answer to give: a status and an optional Retry-After value. */
    public record Answer(int status, String retryAfter) {}

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final Clock clock;
    private final Map<String, PushReceiver.BrowserKeys> browsers = new ConcurrentHashMap<>();
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile String expectedK;

    public MockPushService(Clock clock) {
        this.clock = clock;
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                        .setHttp2ClearTextEnabled(true))
                .connectionHandler(c -> connections.incrementAndGet())
                .requestHandler(this::handle);
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("mock push service did not start", e);
        }
    }

    public static MockPushService start() {
        return new MockPushService(Clock.systemUTC());
    }

    /** The origin to put into {@code webpush.allowed_endpoints}. */
    public String origin() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** The VAPID public key every push must carry as {@code k}; pushes with another key get 403. */
    public void expectVapidKey(String k) {
        this.expectedK = k;
    }

    /** A new browser subscription on this service: its keys (kept to decrypt) and its endpoint. */
    public Subscription newSubscription() {
        String id = "sub" + ids.incrementAndGet();
        PushReceiver.BrowserKeys keys = PushReceiver.BrowserKeys.generate();
        browsers.put(id, keys);
        return new Subscription(id, origin() + "/push/" + id, keys);
    }

    public record Subscription(String id, String endpoint, PushReceiver.BrowserKeys keys) {
        /** The JSON of {@code PushSubscription.toJSON()}, as a browser posts it. */
        public String json() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("endpoint", endpoint);
            m.put("expirationTime", null);
            m.put("keys", Map.of("p256dh", keys.p256dh(), "auth", keys.authB64()));
            return Json.write(m);
        }
    }

    /** Answers the next pushes to {@code subscription} with these, in order; after them, 201. */
    public void answer(String subscription, Answer... next) {
        answers.computeIfAbsent(subscription, s -> new ArrayDeque<>()).addAll(List.of(next));
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> receivedBy(String subscription) {
        return received.stream().filter(r -> r.subscription().equals(subscription)).toList();
    }

    /** Why pushes were refused before decryption (bad VAPID, missing headers, undecryptable bodies). */
    public List<String> refusals() {
        return List.copyOf(refusals);
    }

    public int connections() {
        return connections.get();
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(buffer -> {
            String path = req.path();
            if (!req.method().name().equals("POST") || !path.startsWith("/push/")) {
                req.response().setStatusCode(404).end();
                return;
            }
            String id = path.substring("/push/".length());
            PushReceiver.BrowserKeys keys = browsers.get(id);
            if (keys == null) {
                req.response().setStatusCode(404).end("no such subscription");
                return;
            }
            PushReceiver.Vapid vapid;
            Map<String, Object> message;
            try {
                vapid = PushReceiver.verifyVapid(req.getHeader("Authorization"), origin(), clock);
                if (expectedK != null && !expectedK.equals(vapid.k())) throw new GeneralSecurityException("k is not the expected key");
                if (req.getHeader("TTL") == null || !req.getHeader("TTL").matches("\\d+")) throw new GeneralSecurityException("TTL header missing");
                if (!"aes128gcm".equals(req.getHeader("Content-Encoding"))) throw new GeneralSecurityException("Content-Encoding is not aes128gcm");
                if (buffer.length() > 4096) {
                    refusals.add(id + ": body of " + buffer.length() + " bytes");
                    req.response().setStatusCode(413).end("payload too large");
                    return;
                }
                byte[] plain = PushReceiver.decrypt(buffer.getBytes(), keys.keyPair().getPrivate(),
                        (ECPublicKey) keys.keyPair().getPublic(), keys.auth());
                message = Json.readMap(new String(plain, StandardCharsets.UTF_8));
            } catch (GeneralSecurityException | RuntimeException e) {
                refusals.add(id + ": " + e.getMessage());
                req.response().setStatusCode(403).end("refused: " + e.getMessage());
                return;
            }
            Deque<Answer> queue = answers.get(id);
            Answer a = queue == null ? null : queue.poll();
            int status = a == null ? 201 : a.status();
            received.add(new Received(id, message, req.getHeader("TTL"), req.getHeader("Urgency"), req.getHeader("Topic"),
                    vapid, req.version().name(), clock.instant(), status));
            var resp = req.response().setStatusCode(status);
            if (a != null && a.retryAfter() != null) resp.putHeader("Retry-After", a.retryAfter());
            if (status == 201) resp.putHeader("Location", origin() + "/message/" + received.size());
            resp.end(status == 201 ? "" : "mock answer " + status);
        });
    }

    @Override
    public void close() {
        vertx.close();
    }
}
