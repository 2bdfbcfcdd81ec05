package org.herald.channel.webpush;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends encrypted pushes (RFC 8030) over one shared HTTP client: HTTP/2 where the service offers it, connections
 * kept and reused, redirects never followed, and a cap on requests in flight per push service.
 */
public final class PushSender {
    private static final Logger log = LoggerFactory.getLogger(PushSender.class);
    private static final int MAX_REASON = 300;

    private final HttpClient http;
    private final VapidJwt vapid;
    private final Duration timeout;
    private final int maxPerService;
    private final Clock clock;
    private final ConcurrentHashMap<String, Service> services = new ConcurrentHashMap<>();

    /**
     * Per push service: a cap on requests in flight, and a gate so that after a quiet spell one request goes alone
     * first. Concurrent first requests would each open a connection (the HTTP client learns only from the first
     * response that the service speaks HTTP/2 and can multiplex); one opener means one connection that all share.
     */
    private static final class Service {
        /** Quieter than this and the client may have closed its idle connection (JDK default keep-alive: 30 s). */
        static final long QUIET_NANOS = Duration.ofSeconds(20).toNanos();
        final Semaphore permits;
        final ReentrantLock opener = new ReentrantLock();
        volatile long lastAnswer = System.nanoTime() - 2 * QUIET_NANOS;

        Service(int maxInFlight) {
            permits = new Semaphore(maxInFlight);
        }

        boolean quiet() {
            return System.nanoTime() - lastAnswer > QUIET_NANOS;
        }
    }

    public PushSender(VapidJwt vapid, Duration timeout, int maxPerService, Clock clock) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
        this.vapid = vapid;
        this.timeout = timeout;
        this.maxPerService = maxPerService;
        this.clock = clock;
    }

    /** One push message: the endpoint, the encrypted body (aes128gcm) and the RFC 8030 headers. */
    public record Push(URI endpoint, byte[] body, Duration ttl, Urgency urgency, String topic) {}

    public PushResult send(Push push) throws InterruptedException {
        String service = VapidJwt.audience(push.endpoint());
        HttpRequest.Builder req = HttpRequest.newBuilder(push.endpoint())
                .timeout(timeout)
                .header("Authorization", vapid.authorization(push.endpoint()))
                .header("TTL", Long.toString(Math.max(0, push.ttl().toSeconds())))
                .header("Urgency", push.urgency().word())
                .header("Content-Encoding", "aes128gcm")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(push.body()));
        if (push.topic() != null) req.header("Topic", push.topic());
        Service s = services.computeIfAbsent(service, k -> new Service(maxPerService));
        if (s.quiet()) {
            s.opener.lockInterruptibly();
            try {
                if (s.quiet()) return exchange(s, service, req.build());
            } finally {
                s.opener.unlock();
            }
        }
        return exchange(s, service, req.build());
    }

    private PushResult exchange(Service s, String service, HttpRequest request) throws InterruptedException {
        s.permits.acquire();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new PushResult.RetryLater(service + ": " + describe(e), null);
        } finally {
            s.lastAnswer = System.nanoTime();
            s.permits.release();
        }
        return interpret(service, response.statusCode(), response.body(), response.headers().firstValue("Retry-After").orElse(null));
    }

    PushResult interpret(String service, int status, String body, String retryAfter) {
        String reason = service + " answered " + status + reasonText(body);
        if (status >= 200 && status < 300) return new PushResult.Accepted(status);
        if (status == 404 || status == 410) return new PushResult.Gone(status, reason);
        if (status == 429) return new PushResult.RetryLater(reason, retryAfter(retryAfter));
        if (status >= 500) return new PushResult.RetryLater(reason, retryAfter(retryAfter));
        if (status == 400 || status == 401 || status == 403) {
            log.warn("push service {} refused a push with {}: check webpush.subject and the VAPID keys{}", service, status,
                    reasonText(body));
        }
        if (status >= 300 && status < 400) return new PushResult.Rejected(status, reason + " (redirects are not followed)");
        return new PushResult.Rejected(status, reason);
    }

    /** Retry-After as delta-seconds or an HTTP-date; null when absent or unreadable. */
    Duration retryAfter(String value) {
        if (value == null || value.isBlank()) return null;
        String v = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static String reasonText(String body) {
        if (body == null || body.isBlank()) return "";
        String b = body.strip().replaceAll("\\s+", " ");
        return ": " + (b.length() > MAX_REASON ? b.substring(0, MAX_REASON) + "…" : b);
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
