package org.herald.app;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.herald.core.Durations;
import org.herald.config.HeraldConfig;
import org.herald.config.WebhookConfig;
import org.herald.store.Database;
import org.herald.store.WebhookEventStore;
import org.herald.webhook.WebhookSender;

/** Starts the sender of {@code delivery.status} webhooks when any are configured. */
final class WebhookStartup {
    private WebhookStartup() {}

    /** The running sender, or null when no webhook is configured. */
    static WebhookSender start(HeraldConfig config, Database database, String node, Clock clock) {
        if (config.webhooks().isEmpty()) return null;
        Map<String, String> secrets = new LinkedHashMap<>();
        for (WebhookConfig w : config.webhooks()) secrets.put(w.url(), w.secret());
        var d = config.webhookDelivery();
        WebhookSender sender = new WebhookSender(new WebhookEventStore(database, clock), secrets, d.maxAttempts(),
                Durations.parse(d.timeout()), Durations.parse(d.backoffBase()), node, clock);
        sender.start();
        return sender;
    }
}
