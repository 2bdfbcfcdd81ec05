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
        for (String macro : c.templates().macros().keySet()) {
            if (!macro.matches("[A-Z][A-Z0-9_]*")) v.problem("templates.macros." + macro, "macro names are capitals, digits and _ (used as %NAME%)");
        }
        cluster(v, c.cluster());
        if (c.cluster().enabled() && (c.db().url() == null || c.db().url().startsWith("jdbc:h2:"))) {
            v.problem("cluster.redis", "a cluster needs a database its nodes share (db.url: PostgreSQL or MariaDB); "
                    + "the embedded H2 database belongs to one process");
        }
        webPush(v, c.webpush());
        blf(v, c.blf());
        commands(v, c.commands());
        gateways(v, c.gateways());
        for (String r : c.incoming().notifyRecipients()) {
            try {
                org.herald.core.RecipientId.parse(r);
            } catch (IllegalArgumentException e) {
                v.problem("incoming.notify_recipients", e.getMessage());
            }
        }
        for (String ch : c.incoming().notifyChannels()) {
            if (!CHANNELS.contains(ch)) v.problem("incoming.notify_channels", "unknown channel '" + ch + "'; known: " + CHANNELS);
        }
        v.range("abills.internal_port", c.abills().internalPort(), 0, 65535);
        v.range("abills.browser_port", c.abills().browserPort(), 0, 65535);
        v.duration("abills.session_cache", c.abills().sessionCache());
        if (!c.abills().adminSidQuery().contains("?")) v.problem("abills.admin_sid_query", "needs one ? for the sid");
        v.range("abills.user_browser_port", c.abills().userBrowserPort(), 0, 65535);
        if (c.abills().userSidQuery() != null && !c.abills().userSidQuery().contains("?")) v.problem("abills.user_sid_query", "needs one ? for the sid");
        if (!c.abills().adminKind().matches("[a-z][a-z0-9_-]{0,31}")) v.problem("abills.admin_kind", "must match [a-z][a-z0-9_-]{0,31}");
        if (!c.abills().userKind().matches("[a-z][a-z0-9_-]{0,31}")) v.problem("abills.user_kind", "must match [a-z][a-z0-9_-]{0,31}");
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

    private static void webPush(ConfigValidator v, WebPushConfig w) {
        if (!w.subject().startsWith("mailto:") && !w.subject().startsWith("https://")) {
            v.problem("webpush.subject", "must be a mailto: or https: URI (the operator's contact for push services)");
        }
        if ((w.vapidPublicKey() == null) != (w.vapidPrivateKey() == null)) {
            v.problem("webpush.vapid_private_key", "set both vapid_public_key and vapid_private_key, or neither");
        }
        if (!Set.of("payload", "fetch").contains(w.mode())) v.problem("webpush.mode", "must be payload or fetch");
        for (String origin : w.allowedEndpoints()) {
            if (!origin.matches("(https://(\\*\\.)?|http://)[A-Za-z0-9.-]+(:\\d{1,5})?")) {
                v.problem("webpush.allowed_endpoints", "'" + origin + "' is not an origin like https://push.example.com or https://*.example.com");
            }
        }
        v.duration("webpush.timeout", w.timeout());
        v.range("webpush.max_concurrency_per_service", w.maxConcurrencyPerService(), 1, 10_000);
        v.range("webpush.max_subscriptions_per_recipient", w.maxSubscriptionsPerRecipient(), 1, 1000);
        v.duration("webpush.message_ttl", w.messageTtl());
        v.duration("webpush.subscription_max_age", w.subscriptionMaxAge());
        v.duration("webpush.cleanup_interval", w.cleanupInterval());
    }

    /** Channel names that are Herald's own, not a gateway's. */
    static final Set<String> RESERVED_CHANNELS = Set.of("browser", "inbox", "webpush");

    /** A whole-number setting given as text (module settings are strings). */
    private void intSetting(String key, String value, int min, int max) {
        try {
            range(key, Integer.parseInt(value.strip()), min, max);
        } catch (NumberFormatException e) {
            problem(key, "must be a whole number, not " + value);
        }
    }

    private static void gateways(ConfigValidator v, List<GatewayConfig> gateways) {
        Set<String> ids = new java.util.HashSet<>();
        for (GatewayConfig g : gateways) if (g.id() != null) ids.add(g.id());
        for (int i = 0; i < gateways.size(); i++) {
            GatewayConfig g = gateways.get(i);
            String key = "gateways[" + i + "]";
            if (g.id() == null || !g.id().matches("[A-Za-z0-9_.-]{1,64}")) v.problem(key + ".id", "must be 1-64 letters, digits, _ . -");
            if (g.channel() == null || !g.channel().matches("[a-z][a-z0-9_]{0,31}") || RESERVED_CHANNELS.contains(g.channel())) {
                v.problem(key + ".channel", "must be email, sms or the name of another contact channel (lower case), not one of "
                        + RESERVED_CHANNELS);
            } else if ("email".equals(g.channel()) && !Set.of("smtp", "external").contains(g.module())) {
                v.problem(key + ".module", "an email gateway's module must be smtp or external");
            } else if ("sms".equals(g.channel()) && !Set.of("http", "smpp", "external").contains(g.module())) {
                v.problem(key + ".module", "an sms gateway's module must be http, smpp or external");
            } else if (!Set.of("email", "sms").contains(g.channel()) && !"external".equals(g.module())) {
                v.problem(key + ".module", "a gateway of channel " + g.channel() + " must be an external module");
            }
            if ("smpp".equals(g.module())) {
                if (g.settings().get("host") == null) v.problem(key + ".settings.host", "is required (the SMSC)");
                v.intSetting(key + ".settings.port", g.settings().getOrDefault("port", "2775"), 1, 65535);
                for (String d : List.of("enquire_link", "response_timeout", "bind_timeout", "rebind_delay")) {
                    if (g.settings().get(d) != null) v.duration(key + ".settings." + d, g.settings().get(d));
                }
            }
            if ("external".equals(g.module())) {
                String program = g.settings().get("program");
                if (program == null || !java.nio.file.Path.of(program).isAbsolute()) {
                    v.problem(key + ".settings.program", "is required: the module's absolute path");
                } else if (!java.nio.file.Files.isExecutable(java.nio.file.Path.of(program))) {
                    v.problem(key + ".settings.program", program + " is not an executable file");
                }
                String descriptor = g.settings().get("descriptor");
                if (descriptor != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(descriptor))) {
                    v.problem(key + ".settings.descriptor", descriptor + " cannot be read");
                }
                v.duration(key + ".settings.timeout", g.settings().getOrDefault("timeout", "30s"));
                v.duration(key + ".settings.poll", g.settings().getOrDefault("poll", "60s"));
                v.intSetting(key + ".settings.max_output", g.settings().getOrDefault("max_output", "1048576"), 1024, 64 << 20);
            }
            if ("http".equals(g.module()) && (g.settings().get("url") == null || !isHttpUrl(g.settings().get("url").replaceAll("\\{\\{[^}]*}}}?", "x")))) {
                v.problem(key + ".settings.url", "must be an http(s) URL (it may hold {{to}}, {{text}} …)");
            }
            if (g.fallback() != null && (!ids.contains(g.fallback()) || g.fallback().equals(g.id()))) {
                v.problem(key + ".fallback", "must name another gateway");
            }
            v.range(key + ".max_concurrency", g.maxConcurrency(), 1, 1000);
            if (g.rateLimit() != null) v.range(key + ".rate_limit", g.rateLimit(), 1, 100_000);
            v.range(key + ".fallback_after", g.fallbackAfter(), 0, 1000);
            if ("smtp".equals(g.module())) {
                if (g.settings().get("host") == null) v.problem(key + ".settings.host", "is required");
                if (g.settings().get("from") == null) v.problem(key + ".settings.from", "is required (the From address)");
                String sec = g.settings().getOrDefault("security", "starttls");
                if (!Set.of("none", "starttls", "tls").contains(sec)) v.problem(key + ".settings.security", "must be none, starttls or tls");
                if (g.settings().get("imap_host") != null && g.settings().get("pop3_host") != null) {
                    v.problem(key + ".settings.pop3_host", "a gateway reads one mailbox: give imap_host or pop3_host, not both");
                }
                for (String kind : List.of("imap", "pop3")) {
                    if (g.settings().get(kind + "_host") == null) continue;
                    String isec = g.settings().getOrDefault(kind + "_security", "tls");
                    if (!Set.of("none", "starttls", "tls").contains(isec)) v.problem(key + ".settings." + kind + "_security", "must be none, starttls or tls");
                    v.duration(key + ".settings.poll_interval", g.settings().getOrDefault("poll_interval", "60s"));
                }
            }
        }
    }

    private static void commands(ConfigValidator v, CommandsConfig c) {
        v.range("commands.max_concurrent", c.maxConcurrent(), 1, 1000);
        v.range("commands.max_output_bytes", c.maxOutputBytes(), 256, 16 * 1024 * 1024);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < c.programs().size(); i++) {
            CommandProgramConfig p = c.programs().get(i);
            String key = "commands.programs[" + i + "]";
            if (p.name() == null || !p.name().matches("[A-Za-z0-9_.-]{1,64}")) v.problem(key + ".name", "must be 1-64 letters, digits, _ . -");
            else if (!names.add(p.name())) v.problem(key + ".name", "'" + p.name() + "' is used twice");
            if (p.path() == null || !java.nio.file.Path.of(p.path()).isAbsolute()) v.problem(key + ".path", "must be an absolute path");
            v.duration(key + ".max_timeout", p.maxTimeout());
        }
    }

    private static void cluster(ConfigValidator v, ClusterConfig c) {
        Duration ttl = v.duration("cluster.presence_ttl", c.presenceTtl());
        if (ttl != null && ttl.toMillis() < 1000) v.problem("cluster.presence_ttl", "must be at least 1s");
        Duration lease = v.duration("cluster.leader_lease", c.leaderLease());
        if (lease != null && lease.toMillis() < 1000) v.problem("cluster.leader_lease", "must be at least 1s");
        if (!c.redisPrefix().matches("[A-Za-z0-9:_.{}-]*")) v.problem("cluster.redis_prefix", "letters, digits and :_.{}- only");
        if (c.redis() != null && !c.redis().matches("(redis|rediss|redis-sentinel|rediss-sentinel|redis-cluster|rediss-cluster)://.+")) {
            v.problem("cluster.redis", "must be a redis://, rediss://, redis-sentinel:// or redis-cluster:// URL");
        }
    }

    private static void blf(ConfigValidator v, BlfConfig b) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < b.pbxs().size(); i++) {
            PbxConfig p = b.pbxs().get(i);
            String key = "blf.pbxs[" + i + "]";
            if (!p.id().matches("[A-Za-z0-9_-]{1,32}")) v.problem(key + ".id", "must be 1-32 letters, digits, _ or -");
            if (!ids.add(p.id())) v.problem(key + ".id", "'" + p.id() + "' is used twice");
            v.range(key + ".port", p.port(), 1, 65535);
            if (p.username() == null || p.username().isBlank()) v.problem(key + ".username", "is required");
            if (p.secret() == null) v.problem(key + ".secret", "is required");
            if (!Set.of("events", "poll").contains(p.mode())) v.problem(key + ".mode", "must be events or poll");
            v.duration(key + ".poll_interval", p.pollInterval());
            v.duration(key + ".reconcile_interval", p.reconcileInterval());
        }
        for (int i = 0; i < b.operators().size(); i++) {
            OperatorConfig o = b.operators().get(i);
            if (o.exten() == null || o.exten().isBlank()) v.problem("blf.operators[" + i + "].exten", "is required");
        }
        for (String server : b.memcached()) {
            if (!server.matches("[A-Za-z0-9.:\\[\\]-]+:\\d{1,5}")) v.problem("blf.memcached", "'" + server + "' is not host:port");
        }
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
