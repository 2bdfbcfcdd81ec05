package org.herald.http;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.herald.core.Delivery;
import org.herald.core.Notification;
import org.herald.store.InboxItem;
import org.herald.store.Recipient;

/** The JSON shapes of api.md. */
final class Views {
    private Views() {}

    static Map<String, Object> delivery(Delivery d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("notification_id", d.notificationId());
        m.put("to", d.recipient().toString());
        m.put("channel", d.channel());
        m.put("status", d.status().word());
        m.put("priority", d.priority());
        m.put("attempts", d.attempts());
        m.put("last_error", d.lastError());
        m.put("gateway", d.gateway());
        m.put("created_at", time(d.createdAt()));
        m.put("due_at", time(d.dueAt()));
        m.put("expires_at", time(d.expiresAt()));
        m.put("sent_at", time(d.sentAt()));
        m.put("delivered_at", time(d.deliveredAt()));
        m.put("read_at", time(d.readAt()));
        return m;
    }

    static Map<String, Object> notification(Notification n, List<Delivery> deliveries) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.id());
        m.put("type", n.type());
        m.put("title", n.title());
        m.put("text", n.text());
        if (n.html() != null) m.put("html", n.html());
        m.put("data", n.data());
        m.put("template", n.template());
        m.put("lang", n.lang());
        m.put("priority", n.priority());
        m.put("provider", n.provider());
        m.put("created_at", time(n.createdAt()));
        m.put("send_at", time(n.sendAt()));
        m.put("expires_at", time(n.expiresAt()));
        m.put("deliveries", deliveries.stream().map(Views::delivery).toList());
        return m;
    }

    static Map<String, Object> recipient(Recipient r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id().toString());
        m.put("name", r.name());
        m.put("lang", r.lang());
        m.put("provider", r.provider());
        m.put("contacts", r.contacts());
        m.put("created_at", time(r.createdAt()));
        m.put("updated_at", time(r.updatedAt()));
        return m;
    }

    static Map<String, Object> inboxItem(InboxItem i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("notification_id", i.notificationId());
        m.put("type", i.type());
        m.put("title", i.title());
        m.put("text", i.text());
        m.put("data", i.data());
        m.put("created_at", time(i.createdAt()));
        m.put("read_at", time(i.readAt()));
        return m;
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
