package org.herald.webhook;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.herald.store.WebhookEventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts webhook events from the outbox to their URLs, signed with {@code X-Herald-Signature: sha256=<hex HMAC>},
 * retrying with exponential back-off (at most 10 minutes apart) until the configured number of attempts.
 */
public final class WebhookSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
    private static final int BATCH = 32;

    private final WebhookEventStore store;
    private final Map<String, String> secretsByUrl;
    private final int maxAttempts;
    private final Duration timeout;
    private final Duration backoffBase;
    private final String node;
    private final Clock clock;
    private final HttpClient http;
    private final ExecutorService posts = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread loop;
    private volatile boolean running = true;

    public WebhookSender(WebhookEventStore store, Map<String, String> secretsByUrl, int maxAttempts, Duration timeout,
                         Duration backoffBase, String node, Clock clock) {
        this.store = store;
        this.secretsByUrl = Map.copyOf(secretsByUrl);
        this.maxAttempts = maxAttempts;
        this.timeout = timeout;
        this.backoffBase = backoffBase;
        this.node = node;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.loop = Thread.ofVirtual().name("herald-webhooks").unstarted(this::run);
    }

    public void start() {
        loop.start();
    }

    private void run() {
        while (running) {
            List<WebhookEventStore.Event> events;
            try {
                events = store.claim(node, BATCH, timeout.multipliedBy(3));
            } catch (RuntimeException e) {
                log.error("could not read webhook events: {}", e.toString());
                events = List.of();
            }
            if (events.isEmpty()) {
                sleep(500);
                continue;
            }
            var futures = events.stream().map(e -> posts.submit(() -> post(e))).toList();
            for (var f : futures) {
                try {
                    f.get();
                } catch (Exception ignored) {
                    // post() handles its own failures
                }
            }
        }
    }

    private void post(WebhookEventStore.Event e) {
        String secret = secretsByUrl.get(e.url());
        if (secret == null) {
            store.giveUp(e.id(), "webhook URL no longer configured");
            return;
        }
        String error;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(e.url())).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Herald-Webhook/1")
                    .header("X-Herald-Event", e.event())
                    .header("X-Herald-Signature", "sha256=" + sign(secret, e.body()))
                    .POST(HttpRequest.BodyPublishers.ofString(e.body(), StandardCharsets.UTF_8))
                    .build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                store.sent(e.id());
                return;
            }
            error = "HTTP " + response.statusCode();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception ex) {
            error = ex.getClass().getSimpleName() + ": " + ex.getMessage();
        }
        if (e.attempts() >= maxAttempts) {
            log.warn("webhook {} event {} given up after {} attempts: {}", e.url(), e.id(), e.attempts(), error);
            store.giveUp(e.id(), error);
        } else {
            long ceiling = Math.min(MAX_BACKOFF.toMillis(), backoffBase.toMillis() << Math.min(e.attempts() - 1, 20));
            long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
            log.info("webhook {} event {} attempt {} failed ({}), next in {} ms", e.url(), e.id(), e.attempts(), error, delay);
            store.retryAt(e.id(), clock.instant().plusMillis(delay), error);
        }
    }

    /** Hex HMAC-SHA256 of the body with the webhook's secret. */
    public static String sign(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops after the batch in progress; posts are not interrupted (their results are recorded). */
    @Override
    public void close() {
        running = false;
        try {
            loop.join(timeout.toMillis() + 2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        posts.shutdown();
    }
}
