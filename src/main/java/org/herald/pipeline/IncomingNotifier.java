package org.herald.pipeline;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.herald.core.Priority;
import org.herald.core.RecipientId;
import org.herald.store.IncomingMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the configured operators of an incoming message (an email reply, an SMS) with an {@code incoming.message}
 * notification through the normal pipeline, idempotent per message. Its failure is logged and never undoes the stored
 * message.
 */
public final class IncomingNotifier implements Consumer<IncomingMessage> {
    public static final String TYPE = "incoming.message";
    static final int MAX_TEXT_CHARS = 8000;
    private static final Logger log = LoggerFactory.getLogger(IncomingNotifier.class);

    private final NotificationService notifications;
    private final List<RecipientId> recipients;
    private final List<String> channels;
    private final Duration ttl;

    public IncomingNotifier(NotificationService notifications, List<String> recipients, List<String> channels, Duration ttl) {
        this.notifications = notifications;
        this.recipients = recipients.stream().map(RecipientId::parse).toList();
        this.channels = List.copyOf(channels);
        this.ttl = ttl;
    }

    public boolean active() {
        return !recipients.isEmpty();
    }

    @Override
    public void accept(IncomingMessage m) {
        if (!active()) return;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("incoming_id", m.id());
        data.put("gateway", m.gateway());
        data.put("channel", m.channel());
        data.put("from", m.sender());
        data.put("to", m.recipient());
        if (m.deliveryId() != null) data.put("delivery_id", m.deliveryId());
        String title = (m.channel() == null ? "Message" : m.channel().toUpperCase(java.util.Locale.ROOT)) + " from " + m.sender()
                + (m.subject() == null || m.subject().isBlank() ? "" : ": " + m.subject());
        String text = m.body() == null || m.body().isBlank() ? "(empty message)" : m.body();
        if (text.length() > MAX_TEXT_CHARS) text = text.substring(0, MAX_TEXT_CHARS) + "\n…";
        NotificationRequest req = new NotificationRequest(recipients, TYPE, title, text, data, null, null, channels,
                Priority.DEFAULT, ttl, null, null, "incoming:" + m.id());
        try {
            notifications.accept(req);
        } catch (RuntimeException e) {
            log.warn("incoming message {} from gateway {}: the operators were not notified: {}", m.id(), m.gateway(), e.toString());
        }
    }
}
