package org.herald.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.herald.core.Durations;

/** Checks the values of a bound configuration; all problems are reported at once, each naming its key. */
final class ConfigValidator {
    static final Set<String> CHANNELS = Set.of("browser", "webpush", "email", "sms", "inbox", "external");

    private final List<String> problems = new ArrayList<>();

    private ConfigValidator() {}

    static void validate(HeraldConfig c) {
        ConfigValidator v = new ConfigValidator();
        v.range("http.port", c.http().port(), 0, 65535);
        v.range("http.max_body_bytes", c.http().maxBodyBytes(), 1024, 64 * 1024 * 1024);
        if (c.db().url() != null && !c.db().url().matches("jdbc:(h2|postgresql|mariadb|mysql):.*")) {
            v.problem("db.url", "must be a jdbc:h2:, jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql: URL");
        }
        v.range("db.pool_size", c.db().poolSize(), 2, 500);
        if (c.auth().clientSecret() != null && c.auth().clientSecret().getBytes(StandardCharsets.UTF_8).length < 32) {
            v.problem("auth.client_secret", "must be at least 32 bytes long (HS256 wants 256 bits of key)");
        }
        for (String key : c.auth().apiKeys()) {
            if (key.length() < 16) v.problem("auth.api_keys", "every key must be at least 16 characters long");
        }
        v.duration("auth.max_token_ttl", c.auth().maxTokenTtl());
        QueueConfig q = c.queue();
        v.range("queue.batch_size", q.batchSize(), 1, 1000);
        v.range("queue.concurrency", q.concurrency(), 1, 100_000);
        v.range("queue.max_attempts", q.maxAttempts(), 1, 1000);
        v.duration("queue.poll_interval", q.pollInterval());
        Duration lease = v.duration("queue.lease", q.lease());
        Duration timeout = v.duration("queue.attempt_timeout", q.attemptTimeout());
        if (lease != null && timeout != null && lease.compareTo(timeout) <= 0) {
            v.problem("queue.lease", "must be longer than queue.attempt_timeout (" + q.attemptTimeout() + ")");
        }
        v.duration("queue.backoff_base", q.backoffBase());
        v.duration("queue.backoff_max", q.backoffMax());
        v.duration("queue.sweep_interval", q.sweepInterval());
        v.duration("queue.shutdown_grace", q.shutdownGrace());
        NotificationsConfig n = c.notifications();
        for (String ch : n.defaultChannels()) {
            if (!CHANNELS.contains(ch)) v.problem("notifications.default_channels", "unknown channel '" + ch + "'; known: " + CHANNELS);
        }
        v.duration("notifications.default_ttl", n.defaultTtl());
        v.range("notifications.max_recipients", n.maxRecipients(), 1, 1_000_000);
        v.range("notifications.max_content_bytes", n.maxContentBytes(), 256, 16 * 1024 * 1024);
        HubConfig hub = c.hub();
        v.duration("hub.connect_timeout", hub.connectTimeout());
        v.duration("hub.ping_interval", hub.pingInterval());
        v.range("hub.outbound_buffer_bytes", hub.outboundBufferBytes(), 4096, 64 * 1024 * 1024);
        v.range("hub.max_frame_bytes", hub.maxFrameBytes(), 256, 16 * 1024 * 1024);
        v.range("hub.max_frames_per_second", hub.maxFramesPerSecond(), 1, 100_000);
        v.range("hub.max_connections_per_recipient", hub.maxConnectionsPerRecipient(), 1, 100_000);
        v.range("hub.max_connections_per_ip", hub.maxConnectionsPerIp(), 1, 10_000_000);
        v.range("hub.replay_limit", hub.replayLimit(), 1, 1_000_000);
        for (int i = 0; i < c.webhooks().size(); i++) {
            WebhookConfig w = c.webhooks().get(i);
            String key = "webhooks[" + i + "]";
            if (w.url() == null || !isHttpUrl(w.url())) v.problem(key + ".url", "must be an http:// or https:// URL");
            if (w.secret() == null || w.secret().length() < 16) v.problem(key + ".secret", "must be at least 16 characters long");
            for (String e : w.events()) {
                if (!Set.of("delivery.status", "incoming.message").contains(e)) v.problem(key + ".events", "unknown event '" + e + "'");
            }
        }
        v.range("webhook_delivery.max_attempts", c.webhookDelivery().maxAttempts(), 1, 1000);
        v.duration("webhook_delivery.timeout", c.webhookDelivery().timeout());
        v.duration("webhook_delivery.backoff_base", c.webhookDelivery().backoffBase());
        if (!Set.of("error", "warn", "info", "debug", "trace").contains(c.log().level())) v.problem("log.level", "must be error, warn, info, debug or trace");
        if (!Set.of("text", "json").contains(c.log().format())) v.problem("log.format", "must be text or json");
        if (!v.problems.isEmpty()) throw new ConfigException("invalid configuration:\n  " + String.join("\n  ", v.problems));
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = URI.create(url);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void problem(String key, String message) {
        problems.add(key + ": " + message);
    }

    private void range(String key, int value, int min, int max) {
        if (value < min || value > max) problem(key, value + " is out of range " + min + ".." + max);
    }

    private Duration duration(String key, String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return null;
        }
    }
}
