package org.herald.store;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.herald.core.Delivery;
import org.herald.core.DeliveryStatus;
import org.herald.core.Ids;
import org.herald.core.Json;
import org.jdbi.v3.core.Handle;

/**
 * Writes webhook events into the database in the same transaction as the change they report (a transactional
 * outbox), so an event is never lost and never reports a change that was rolled back.
 */
public final class WebhookOutbox {
    public static final String DELIVERY_STATUS = "delivery.status";
    public static final String INCOMING_MESSAGE = "incoming.message";

    /** One configured receiver: its URL and the events it wants (empty: all). */
    public record Target(String url, List<String> events) {
        boolean wants(String event) {
            return events.isEmpty() || events.contains(event);
        }
    }

    private final List<Target> targets;
    private final Clock clock;

    public WebhookOutbox(List<Target> targets, Clock clock) {
        this.targets = List.copyOf(targets);
        this.clock = clock;
    }

    public static WebhookOutbox none(Clock clock) {
        return new WebhookOutbox(List.of(), clock);
    }

    public boolean isEmpty() {
        return targets.isEmpty();
    }

    /** Records a delivery.status event for a delivery that now has {@code status}. */
    void deliveryStatus(Handle h, Delivery d, DeliveryStatus status, String lastError) {
        if (targets.isEmpty()) return;
        Map<String, Object> delivery = new LinkedHashMap<>();
        delivery.put("id", d.id());
        delivery.put("notification_id", d.notificationId());
        delivery.put("to", d.recipient().toString());
        delivery.put("channel", d.channel());
        delivery.put("status", status.word());
        delivery.put("attempts", d.attempts());
        delivery.put("last_error", lastError);
        delivery.put("gateway", d.gateway());
        enqueue(h, DELIVERY_STATUS, delivery, "delivery");
    }

    void enqueue(Handle h, String event, Map<String, Object> payload, String payloadName) {
        long now = clock.millis();
        for (Target t : targets) {
            if (!t.wants(event)) continue;
            Map<String, Object> body = new LinkedHashMap<>();
            String id = Ids.newId(clock);
            body.put("id", id);
            body.put("event", event);
            body.put("at", java.time.Instant.ofEpochMilli(now).toString());
            body.put(payloadName, payload);
            h.createUpdate("INSERT INTO webhook_events (id, url, event, body, status, attempts, next_at, created_at) "
                            + "VALUES (:id, :url, :event, :body, 'pending', 0, :now, :now)")
                    .bind("id", id).bind("url", t.url()).bind("event", event)
                    .bind("body", Json.write(body)).bind("now", now)
                    .execute();
        }
    }
}
