package org.herald.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * Incoming messages; storing one also queues its {@code incoming.message} webhook event, in one transaction, and then
 * hands the stored message to {@code onStored} (which tells the operators).
 */
public final class IncomingStore {
    private static final RowMapper<IncomingMessage> ROW = (rs, ctx) -> new IncomingMessage(rs.getString("id"),
            rs.getString("gateway"), rs.getString("channel"), rs.getString("sender"), rs.getString("recipient"),
            rs.getString("subject"), rs.getString("body"), rs.getString("external_id"), rs.getString("delivery_id"),
            Times.instant(rs, "received_at"));

    private final Database db;
    private final WebhookOutbox outbox;
    private final Consumer<IncomingMessage> onStored;

    public IncomingStore(Database db, WebhookOutbox outbox) {
        this(db, outbox, m -> {});
    }

    public IncomingStore(Database db, WebhookOutbox outbox, Consumer<IncomingMessage> onStored) {
        this.db = db;
        this.outbox = outbox;
        this.onStored = onStored;
    }

    /** Stores a message; false when this gateway already delivered one with the same external id. */
    public boolean add(IncomingMessage m) {
        try {
            db.jdbi().useTransaction(h -> {
                h.createUpdate("INSERT INTO incoming_messages (id, gateway, channel, sender, recipient, subject, body, "
                                + "external_id, delivery_id, received_at) VALUES (:id, :gateway, :channel, :sender, :recipient, "
                                + ":subject, :body, :external, :delivery, :at)")
                        .bind("id", m.id()).bind("gateway", m.gateway()).bind("channel", m.channel()).bind("sender", m.sender())
                        .bind("recipient", m.recipient()).bind("subject", m.subject()).bind("body", m.body())
                        .bind("external", m.externalId()).bind("delivery", m.deliveryId())
                        .bind("at", m.receivedAt().toEpochMilli()).execute();
                outbox.enqueue(h, WebhookOutbox.INCOMING_MESSAGE, view(m), "message");
            });
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) return false;
            throw e;
        }
        onStored.accept(m);
        return true;
    }

    /** Oldest first, after {@code since} (an id), at most {@code limit}. */
    public List<IncomingMessage> list(String since, int limit) {
        String sql = "SELECT * FROM incoming_messages" + (since != null ? " WHERE id > :since" : "") + " ORDER BY id" + db.dialect().limit(limit);
        return db.jdbi().withHandle(h -> {
            Query q = h.createQuery(sql);
            if (since != null) q.bind("since", since);
            return q.map(ROW).list();
        });
    }

    /** Newest first, for the console. */
    public List<IncomingMessage> latest(int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM incoming_messages ORDER BY id DESC" + db.dialect().limit(limit))
                .map(ROW).list());
    }

    /** The JSON shape of the API and of the webhook event. */
    public static Map<String, Object> view(IncomingMessage m) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", m.id());
        v.put("gateway", m.gateway());
        v.put("channel", m.channel());
        v.put("from", m.sender());
        v.put("to", m.recipient());
        v.put("subject", m.subject());
        v.put("text", m.body());
        v.put("delivery_id", m.deliveryId());
        v.put("received_at", m.receivedAt() == null ? null : m.receivedAt().toString());
        return v;
    }
}
