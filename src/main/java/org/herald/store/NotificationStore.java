package org.herald.store;

import java.util.List;
import java.util.Optional;
import org.herald.core.Delivery;
import org.herald.core.DeliveryStatus;
import org.herald.core.Json;
import org.herald.core.Notification;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

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
            db.jdbi().useTransaction(h -> write(h, item));
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
            // one prepared batch per table: the statements are set up once and travel together
            PreparedBatch batch = h.prepareBatch(INSERT_NOTIFICATION);
            List<Delivery> deliveries = new java.util.ArrayList<>();
            for (NewNotification item : items) {
                bindNotification(batch, item).add();
                deliveries.addAll(item.deliveries());
            }
            batch.execute();
            insertDeliveries(h, deliveries);
        });
    }

    /** The exception to report for a failed single insert: a taken idempotency key, or what happened. */
    RuntimeException translate(NewNotification item, RuntimeException e) {
        if (item.idempotencyKey() != null && SqlErrors.isUniqueViolation(e) && findByIdempotencyKey(item.idempotencyKey()).isPresent()) {
            return new DuplicateIdempotencyKeyException(item.idempotencyKey());
        }
        return e;
    }

    private static final String INSERT_NOTIFICATION = "INSERT INTO notifications (id, idempotency_key, request_hash, response, "
            + "type, title, body, html, data, template, lang, priority, provider, created_at, send_at, expires_at) VALUES (:id, :key, "
            + ":hash, :response, :type, :title, :body, :html, :data, :template, :lang, :priority, :provider, :created, :sendAt, :expires)";

    private void write(Handle h, NewNotification item) {
        bindNotification(h.createUpdate(INSERT_NOTIFICATION), item).execute();
        insertDeliveries(h, item.deliveries());
    }

    private static <S extends org.jdbi.v3.core.statement.SqlStatement<S>> S bindNotification(S statement, NewNotification item) {
        Notification n = item.notification();
        return statement.bind("id", n.id()).bind("key", item.idempotencyKey()).bind("hash", item.requestHash())
                .bind("response", item.response())
                .bind("type", n.type()).bind("title", n.title()).bind("body", n.text()).bind("html", n.html())
                .bind("data", n.data() == null ? null : Json.write(n.data()))
                .bind("template", n.template()).bind("lang", n.lang()).bind("priority", n.priority())
                .bind("provider", n.provider()).bind("created", Times.millis(n.createdAt()))
                .bind("sendAt", Times.millis(n.sendAt())).bind("expires", Times.millis(n.expiresAt()));
    }

    /** The browser channel's deliveries carry the recipient's next sequence number. */
    public static final String SEQUENCED_CHANNEL = "browser";

    private void insertDeliveries(Handle h, List<Delivery> deliveries) {
        if (deliveries.isEmpty()) return;
        PreparedBatch batch = h.prepareBatch("INSERT INTO deliveries (id, notification_id, recipient, channel, status, priority, due_at, "
                + "expires_at, attempts, last_error, created_at, updated_at, seq) VALUES (:id, :nid, :to, :channel, :status, :priority, :due, "
                + ":expires, 0, :error, :created, :created, :seq)");
        for (Delivery d : deliveries) {
            Long seq = SEQUENCED_CHANNEL.equals(d.channel()) && d.status() == DeliveryStatus.QUEUED ? Sequences.next(h, d.recipient()) : null;
            batch.bind("seq", seq);
            batch.bind("id", d.id()).bind("nid", d.notificationId()).bind("to", d.recipient().toString())
                    .bind("channel", d.channel()).bind("status", d.status().word()).bind("priority", d.priority())
                    .bind("due", Times.millis(d.dueAt())).bind("expires", Times.millis(d.expiresAt()))
                    .bind("error", d.lastError()).bind("created", Times.millis(d.createdAt()))
                    .add();
        }
        batch.execute();
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
