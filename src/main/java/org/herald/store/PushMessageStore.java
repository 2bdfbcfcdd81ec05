package org.herald.store;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Fetch-mode messages: kept for a subscription until its service worker fetches them (then deleted) or until they
 * expire. Keeping one is idempotent per (subscription, delivery).
 */
public final class PushMessageStore {
    private final Database db;
    private final Clock clock;

    public PushMessageStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** A kept message: the delivery it belongs to and the JSON the service worker shows. */
    public record Message(String deliveryId, String payload) {}

    public void keep(String subscriptionId, String deliveryId, String payload, Instant expires) {
        try {
            db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO push_messages (subscription_id, delivery_id, payload, created_at, "
                            + "expires_at) VALUES (:s, :d, :p, :now, :exp)")
                    .bind("s", subscriptionId).bind("d", deliveryId).bind("p", payload).bind("now", clock.millis())
                    .bind("exp", expires.toEpochMilli()).execute());
        } catch (RuntimeException e) {
            if (!SqlErrors.isUniqueViolation(e)) throw e;
        }
    }

    /**
     * Hands out the subscription's unexpired messages, oldest first, and deletes them. Two fetches at once never get
     * the same message: each is returned only by the call whose delete removed it.
     */
    public List<Message> take(String subscriptionId) {
        long now = clock.millis();
        return db.jdbi().inTransaction(h -> {
            List<Message> pending = h.createQuery("SELECT delivery_id, payload FROM push_messages WHERE subscription_id = :s "
                            + "AND expires_at > :now ORDER BY delivery_id")
                    .bind("s", subscriptionId).bind("now", now)
                    .map((rs, ctx) -> new Message(rs.getString(1), rs.getString(2))).list();
            List<Message> taken = new ArrayList<>();
            for (Message m : pending) {
                int n = h.createUpdate("DELETE FROM push_messages WHERE subscription_id = :s AND delivery_id = :d")
                        .bind("s", subscriptionId).bind("d", m.deliveryId()).execute();
                if (n == 1) taken.add(m);
            }
            return taken;
        });
    }

    public int count(String subscriptionId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM push_messages WHERE subscription_id = :s")
                .bind("s", subscriptionId).mapTo(Integer.class).one());
    }

    /** Deletes messages never fetched within their time to live; returns how many. */
    public int deleteExpired() {
        return db.jdbi().withHandle(h -> h.createUpdate("DELETE FROM push_messages WHERE expires_at <= :now")
                .bind("now", clock.millis()).execute());
    }
}
