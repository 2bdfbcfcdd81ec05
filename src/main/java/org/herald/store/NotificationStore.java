package org.herald.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;
import org.herald.core.Delivery;
import org.herald.core.DeliveryStatus;
import org.herald.core.Json;
import org.herald.core.Notification;
import org.jdbi.v3.core.Handle;

/** Notifications and the deliveries they fan out into, written together in one transaction. */
public final class NotificationStore {
    /** What an earlier request with the same idempotency key stored. */
    public record IdempotentAnswer(String notificationId, String requestHash, String response) {}

    private final Database db;
    private final WebhookOutbox outbox;

    public NotificationStore(Database db, WebhookOutbox outbox) {
        this.db = db;
        this.outbox = outbox;
    }

    /** One notification with its deliveries, as the pipeline built it, to be stored. */
    public record NewNotification(Notification notification, List<Delivery> deliveries, String idempotencyKey,
                                  String requestHash, String response) {}

    /**
     * Stores the notification and all its deliveries atomically.
     *
     * @throws DuplicateIdempotencyKeyException when the key is already taken (nothing is written)
     */
    public void insert(Notification n, List<Delivery> deliveries, String idempotencyKey, String requestHash, String response) {
        insert(new NewNotification(n, deliveries, idempotencyKey, requestHash, response));
    }

    public void insert(NewNotification item) {
        try {
            insertAll(List.of(item));
        } catch (RuntimeException e) {
            throw translate(item, e);
        }
    }

    /**
     * Stores many notifications in one transaction (group commit: one commit, one fsync for all). All or nothing;
     * a caller that gets an exception stores them one by one to find the one at fault.
     */
    public void insertAll(List<NewNotification> items) {
        db.jdbi().useTransaction(h -> {
            try {
                write(h, items);
            } catch (SQLException e) {
                throw new StoreException("storing " + items.size() + " notification(s) failed: " + e.getMessage(), e);
            }
        });
    }

    /**
     * Plain JDBC batches on the transaction's connection, one per table: Jdbi's per-statement set-up and per-value
     * binding were about a fifth of the accept path's CPU.
     */
    private void write(Handle h, List<NewNotification> items) throws SQLException {
        List<Delivery> deliveries = new java.util.ArrayList<>();
        try (PreparedStatement ps = h.getConnection().prepareStatement(INSERT_NOTIFICATION)) {
            for (NewNotification item : items) {
                bindNotification(ps, item);
                ps.addBatch();
                deliveries.addAll(item.deliveries());
            }
            ps.executeBatch();
        }
        insertDeliveries(h, deliveries);
    }

    /** The exception to report for a failed single insert: a taken idempotency key, or what happened. */
    RuntimeException translate(NewNotification item, RuntimeException e) {
        if (item.idempotencyKey() != null && SqlErrors.isUniqueViolation(e) && findByIdempotencyKey(item.idempotencyKey()).isPresent()) {
            return new DuplicateIdempotencyKeyException(item.idempotencyKey());
        }
        return e;
    }

    private static final String INSERT_NOTIFICATION = "INSERT INTO notifications (id, idempotency_key, request_hash, response, "
            + "type, title, body, html, data, template, lang, priority, provider, created_at, send_at, expires_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_DELIVERY = "INSERT INTO deliveries (id, notification_id, recipient, channel, status, "
            + "priority, due_at, expires_at, attempts, last_error, created_at, updated_at, seq) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)";

    private static void bindNotification(PreparedStatement ps, NewNotification item) throws SQLException {
        Notification n = item.notification();
        ps.setString(1, n.id());
        ps.setString(2, item.idempotencyKey());
        ps.setString(3, item.requestHash());
        ps.setString(4, item.response());
        ps.setString(5, n.type());
        ps.setString(6, n.title());
        ps.setString(7, n.text());
        ps.setString(8, n.html());
        ps.setString(9, n.data() == null ? null : Json.write(n.data()));
        ps.setString(10, n.template());
        ps.setString(11, n.lang());
        ps.setInt(12, n.priority());
        ps.setString(13, n.provider());
        setMillis(ps, 14, n.createdAt());
        setMillis(ps, 15, n.sendAt());
        setMillis(ps, 16, n.expiresAt());
    }

    private static void setMillis(PreparedStatement ps, int index, java.time.Instant t) throws SQLException {
        if (t == null) ps.setNull(index, Types.BIGINT);
        else ps.setLong(index, t.toEpochMilli());
    }

    /** The browser channel's deliveries carry the recipient's next sequence number. */
    public static final String SEQUENCED_CHANNEL = "browser";

    private void insertDeliveries(Handle h, List<Delivery> deliveries) throws SQLException {
        if (deliveries.isEmpty()) return;
        try (PreparedStatement ps = h.getConnection().prepareStatement(INSERT_DELIVERY)) {
            for (Delivery d : deliveries) {
                Long seq = SEQUENCED_CHANNEL.equals(d.channel()) && d.status() == DeliveryStatus.QUEUED ? Sequences.next(h, d.recipient()) : null;
                ps.setString(1, d.id());
                ps.setString(2, d.notificationId());
                ps.setString(3, d.recipient().toString());
                ps.setString(4, d.channel());
                ps.setString(5, d.status().word());
                ps.setInt(6, d.priority());
                setMillis(ps, 7, d.dueAt());
                setMillis(ps, 8, d.expiresAt());
                ps.setString(9, d.lastError());
                setMillis(ps, 10, d.createdAt());
                setMillis(ps, 11, d.createdAt());
                if (seq == null) ps.setNull(12, Types.BIGINT);
                else ps.setLong(12, seq);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        for (Delivery d : deliveries) {
            if (d.status() == DeliveryStatus.SKIPPED) outbox.deliveryStatus(h, d, d.status(), d.lastError());
        }
    }

    public Optional<IdempotentAnswer> findByIdempotencyKey(String key) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT id, request_hash, response FROM notifications WHERE idempotency_key = :key")
                .bind("key", key)
                .map((rs, ctx) -> new IdempotentAnswer(rs.getString("id"), rs.getString("request_hash"), rs.getString("response")))
                .findOne());
    }

    public Optional<Notification> find(String id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM notifications WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> NotificationRows.map(rs, ""))
                .findOne());
    }
}
