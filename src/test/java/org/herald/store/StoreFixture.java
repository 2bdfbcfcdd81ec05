package org.herald.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.herald.core.Delivery;
import org.herald.core.DeliveryStatus;
import org.herald.core.Ids;
import org.herald.core.Notification;
import org.herald.core.RecipientId;
import org.herald.testing.MutableClock;
import org.herald.testing.TestDatabase;

/** The stores of one fresh real database, with a hand-moved clock and a webhook outbox to one URL. */
final class StoreFixture implements AutoCloseable {
    final TestDatabase testDb;
    final Database db;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T09:00:00Z"));
    final WebhookOutbox outbox;
    final NotificationStore notifications;
    final DeliveryStore deliveries;
    final RecipientStore recipients;
    final InboxStore inbox;
    final WebhookEventStore webhookEvents;

    StoreFixture(TestDatabase.Kind kind) {
        testDb = TestDatabase.create(kind);
        db = new Database(testDb.url(), testDb.user(), "", 8);
        db.migrate();
        outbox = new WebhookOutbox(List.of(new WebhookOutbox.Target("http://127.0.0.1:1/hook", List.of())), clock);
        notifications = new NotificationStore(db, outbox);
        deliveries = new DeliveryStore(db, outbox, clock);
        recipients = new RecipientStore(db, clock);
        inbox = new InboxStore(db, clock);
        webhookEvents = new WebhookEventStore(db, clock);
    }

    void wipe() {
        db.jdbi().useHandle(h -> {
            for (String table : List.of("deliveries", "notifications", "delivery_attempts", "inbox_items", "webhook_events",
                    "subscriptions", "recipients", "api_keys")) {
                h.execute("DELETE FROM " + table);
            }
        });
    }

    /** Stores a notification with one queued delivery per recipient on {@code channel}; returns the deliveries. */
    List<Delivery> queue(int priority, String channel, String... recipients) {
        return queue(priority, channel, clock.instant(), Duration.ofHours(24), null, recipients);
    }

    List<Delivery> queue(int priority, String channel, Instant due, Duration ttl, String idempotencyKey, String... recipients) {
        Instant now = clock.instant();
        Notification n = new Notification(Ids.newId(clock), "test", "t", "text", null, null, null, null, priority, null, now, null, due.plus(ttl));
        List<Delivery> ds = new ArrayList<>();
        for (String r : recipients) {
            ds.add(new Delivery(Ids.newId(clock), n.id(), RecipientId.parse(r), channel, DeliveryStatus.QUEUED, priority, 0, null,
                    null, now, due, due.plus(ttl), null, null, null, null));
        }
        notifications.insert(n, ds, idempotencyKey, idempotencyKey == null ? null : "hash", "{}");
        return ds;
    }

    /** A notification with one queued inbox delivery, not yet stored. */
    NotificationStore.NewNotification newNotification(String recipient, String idempotencyKey) {
        Instant now = clock.instant();
        Notification n = new Notification(Ids.newId(clock), "test", "t", "text", null, null, null, null, 5, null, now, null, now.plusSeconds(3600));
        Delivery d = new Delivery(Ids.newId(clock), n.id(), RecipientId.parse(recipient), "inbox", DeliveryStatus.QUEUED, 5, 0, null,
                null, now, now, now.plusSeconds(3600), null, null, null, null);
        return new NotificationStore.NewNotification(n, List.of(d), idempotencyKey, "hash", "{}");
    }

    @Override
    public void close() {
        db.close();
        testDb.close();
    }
}
