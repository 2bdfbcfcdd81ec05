package org.herald.store;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.herald.core.Json;
import org.herald.core.Notification;
import org.herald.core.RecipientId;
import org.jdbi.v3.core.statement.Query;

/** The in-app inbox: items per recipient with read state. Writing an item is idempotent per delivery id. */
public final class InboxStore {
    private final Database db;
    private final Clock clock;

    public InboxStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** One item to add: the inbox delivery's id, its recipient and its notification. */
    public record NewItem(String deliveryId, RecipientId recipient, Notification notification) {}

    /** Adds the item of an inbox delivery; a second call for the same delivery changes nothing. */
    public void add(String deliveryId, RecipientId recipient, Notification n) {
        add(new NewItem(deliveryId, recipient, n));
    }

    public void add(NewItem item) {
        try {
            db.jdbi().useHandle(h -> insert(h, List.of(item)));
        } catch (RuntimeException e) {
            if (!SqlErrors.isUniqueViolation(e)) throw e;
        }
    }

    /** Adds many items in one transaction (all or nothing: a caller retries one by one on failure). */
    public void addAll(List<NewItem> items) {
        db.jdbi().useTransaction(h -> insert(h, items));
    }

    private static void insert(org.jdbi.v3.core.Handle h, List<NewItem> items) {
        var batch = h.prepareBatch("INSERT INTO inbox_items (id, recipient, notification_id, type, title, body, "
                + "data, created_at, deleted) VALUES (:id, :to, :nid, :type, :title, :body, :data, :created, FALSE)");
        for (NewItem i : items) {
            Notification n = i.notification();
            batch.bind("id", i.deliveryId()).bind("to", i.recipient().toString()).bind("nid", n.id()).bind("type", n.type())
                    .bind("title", n.title()).bind("body", n.text())
                    .bind("data", n.data() == null ? null : Json.write(n.data()))
                    .bind("created", n.createdAt().toEpochMilli())
                    .add();
        }
        batch.execute();
    }

    public List<InboxItem> list(RecipientId recipient, boolean unreadOnly, String before, int limit) {
        String sql = "SELECT * FROM inbox_items WHERE recipient = :to AND deleted = FALSE"
                + (unreadOnly ? " AND read_at IS NULL" : "")
                + (before != null ? " AND id < :before" : "")
                + " ORDER BY id DESC" + db.dialect().limit(limit);
        return db.jdbi().withHandle(h -> {
            Query q = h.createQuery(sql).bind("to", recipient.toString());
            if (before != null) q.bind("before", before);
            return q.map((rs, ctx) -> new InboxItem(rs.getString("id"), rs.getString("notification_id"), rs.getString("type"),
                    rs.getString("title"), rs.getString("body"), Json.readMap(rs.getString("data")),
                    Times.instant(rs, "created_at"), Times.instant(rs, "read_at"))).list();
        });
    }

    public long unreadCount(RecipientId recipient) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM inbox_items WHERE recipient = :to "
                        + "AND deleted = FALSE AND read_at IS NULL")
                .bind("to", recipient.toString()).mapTo(Long.class).one());
    }

    /** Marks one item read; empty when the recipient has no such item, else whether it was unread before. */
    public Optional<Boolean> markRead(RecipientId recipient, String id) {
        long now = clock.millis();
        return db.jdbi().inTransaction(h -> {
            Optional<Long> readAt = h.createQuery("SELECT read_at FROM inbox_items WHERE id = :id AND recipient = :to AND deleted = FALSE")
                    .bind("id", id).bind("to", recipient.toString())
                    .map((rs, ctx) -> { long v = rs.getLong(1); return rs.wasNull() ? -1L : v; }).findOne();
            if (readAt.isEmpty()) return Optional.empty();
            if (readAt.get() >= 0) return Optional.of(false);
            h.createUpdate("UPDATE inbox_items SET read_at = :now WHERE id = :id").bind("now", now).bind("id", id).execute();
            return Optional.of(true);
        });
    }

    /** Marks all unread items read; returns the ids that changed. */
    public List<String> markAllRead(RecipientId recipient) {
        long now = clock.millis();
        return db.jdbi().inTransaction(h -> {
            List<String> ids = h.createQuery("SELECT id FROM inbox_items WHERE recipient = :to AND deleted = FALSE AND read_at IS NULL")
                    .bind("to", recipient.toString()).mapTo(String.class).list();
            if (!ids.isEmpty()) {
                h.createUpdate("UPDATE inbox_items SET read_at = :now WHERE id IN (<ids>)").bind("now", now).bindList("ids", ids).execute();
            }
            return ids;
        });
    }

    public boolean delete(RecipientId recipient, String id) {
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE inbox_items SET deleted = TRUE WHERE id = :id AND recipient = :to AND deleted = FALSE")
                .bind("id", id).bind("to", recipient.toString()).execute() > 0);
    }
}
