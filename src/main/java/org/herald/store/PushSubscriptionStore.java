package org.herald.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.herald.core.Ids;
import org.herald.core.RecipientId;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Push subscriptions and the record of pushes made. An endpoint belongs to one recipient at a time: a browser
 * profile that subscribes again under another login moves to that recipient (never pushes one user's messages to
 * another's browser).
 */
public final class PushSubscriptionStore {
    private static final RowMapper<PushSubscription> ROW = (rs, ctx) -> new PushSubscription(rs.getString("id"),
            RecipientId.parse(rs.getString("recipient")), rs.getString("endpoint"), rs.getString("p256dh"),
            rs.getString("auth"), rs.getString("user_agent"), Times.instant(rs, "created_at"), Times.instant(rs, "last_seen_at"));

    private final Database db;
    private final Clock clock;

    public PushSubscriptionStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** What a subscribe call did: the subscription, whether it is new, and subscriptions dropped over the limit. */
    public record Saved(PushSubscription subscription, boolean created, int dropped) {}

    /**
     * Saves a browser's subscription for {@code recipient}: the same endpoint again updates its keys and last-seen
     * time and keeps its id; beyond {@code maxPerRecipient} the least recently seen ones are dropped.
     */
    public Saved save(RecipientId recipient, String endpoint, String p256dh, String auth, String userAgent, int maxPerRecipient) {
        try {
            return db.jdbi().inTransaction(h -> save(h, recipient, endpoint, p256dh, auth, userAgent, maxPerRecipient));
        } catch (RuntimeException e) {
            if (!SqlErrors.isUniqueViolation(e)) throw e;
            // the same browser subscribed twice at once: the other call inserted it; now it is an update
            return db.jdbi().inTransaction(h -> save(h, recipient, endpoint, p256dh, auth, userAgent, maxPerRecipient));
        }
    }

    private Saved save(Handle h, RecipientId recipient, String endpoint, String p256dh, String auth, String userAgent, int max) {
        long now = clock.millis();
        String hash = hash(endpoint);
        Optional<PushSubscription> existing = h.createQuery("SELECT * FROM push_subscriptions WHERE endpoint_hash = :hash")
                .bind("hash", hash).map(ROW).findOne();
        if (existing.isPresent() && existing.get().recipient().equals(recipient)) {
            h.createUpdate("UPDATE push_subscriptions SET p256dh = :p256dh, auth = :auth, user_agent = :ua, last_seen_at = :now "
                            + "WHERE id = :id")
                    .bind("p256dh", p256dh).bind("auth", auth).bind("ua", userAgent).bind("now", now)
                    .bind("id", existing.get().id()).execute();
            PushSubscription s = existing.get();
            return new Saved(new PushSubscription(s.id(), recipient, endpoint, p256dh, auth, userAgent, s.createdAt(),
                    Instant.ofEpochMilli(now)), false, 0);
        }
        existing.ifPresent(other -> delete(h, other.id()));
        String id = Ids.newId(clock);
        h.createUpdate("INSERT INTO push_subscriptions (id, recipient, endpoint, endpoint_hash, p256dh, auth, user_agent, "
                        + "created_at, last_seen_at) VALUES (:id, :to, :endpoint, :hash, :p256dh, :auth, :ua, :now, :now)")
                .bind("id", id).bind("to", recipient.toString()).bind("endpoint", endpoint).bind("hash", hash)
                .bind("p256dh", p256dh).bind("auth", auth).bind("ua", userAgent).bind("now", now).execute();
        List<String> ids = h.createQuery("SELECT id FROM push_subscriptions WHERE recipient = :to ORDER BY last_seen_at DESC, id DESC")
                .bind("to", recipient.toString()).mapTo(String.class).list();
        int dropped = 0;
        for (String old : ids.subList(Math.min(max, ids.size()), ids.size())) {
            delete(h, old);
            dropped++;
        }
        Instant at = Instant.ofEpochMilli(now);
        return new Saved(new PushSubscription(id, recipient, endpoint, p256dh, auth, userAgent, at, at), true, dropped);
    }

    /** A browser's push service gave it a new endpoint or keys (pushsubscriptionchange): same id, new address. */
    public boolean replace(String id, String endpoint, String p256dh, String auth) {
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE push_subscriptions SET endpoint = :endpoint, "
                        + "endpoint_hash = :hash, p256dh = :p256dh, auth = :auth, last_seen_at = :now WHERE id = :id")
                .bind("endpoint", endpoint).bind("hash", hash(endpoint)).bind("p256dh", p256dh).bind("auth", auth)
                .bind("now", clock.millis()).bind("id", id).execute() > 0);
    }

    public Optional<PushSubscription> find(String id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM push_subscriptions WHERE id = :id")
                .bind("id", id).map(ROW).findOne());
    }

    public List<PushSubscription> forRecipient(RecipientId recipient) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM push_subscriptions WHERE recipient = :to ORDER BY created_at")
                .bind("to", recipient.toString()).map(ROW).list());
    }

    /** Of {@code recipients}, those with at least one subscription. */
    public Set<RecipientId> withSubscriptions(Collection<RecipientId> recipients) {
        if (recipients.isEmpty()) return Set.of();
        List<String> names = recipients.stream().map(RecipientId::toString).distinct().toList();
        return db.jdbi().withHandle(h -> new HashSet<>(h.createQuery("SELECT DISTINCT recipient FROM push_subscriptions "
                        + "WHERE recipient IN (<to>)").bindList("to", names)
                .map((rs, ctx) -> RecipientId.parse(rs.getString(1))).list()));
    }

    public void touch(String id) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE push_subscriptions SET last_seen_at = :now WHERE id = :id")
                .bind("now", clock.millis()).bind("id", id).execute());
    }

    /** Deletes a recipient's subscription; false when the recipient has none with this id. */
    public boolean delete(RecipientId owner, String id) {
        return db.jdbi().inTransaction(h -> {
            boolean mine = h.createQuery("SELECT COUNT(*) FROM push_subscriptions WHERE id = :id AND recipient = :to")
                    .bind("id", id).bind("to", owner.toString()).mapTo(Integer.class).one() > 0;
            if (mine) delete(h, id);
            return mine;
        });
    }

    /** Deletes a subscription the push service reported gone (404/410). */
    public boolean delete(String id) {
        return db.jdbi().inTransaction(h -> delete(h, id));
    }

    private static boolean delete(Handle h, String id) {
        h.createUpdate("DELETE FROM push_messages WHERE subscription_id = :id").bind("id", id).execute();
        return h.createUpdate("DELETE FROM push_subscriptions WHERE id = :id").bind("id", id).execute() > 0;
    }

    /** Deletes subscriptions not seen since {@code cutoff}; returns how many. */
    public int deleteNotSeenSince(Instant cutoff) {
        return db.jdbi().inTransaction(h -> {
            List<String> stale = h.createQuery("SELECT id FROM push_subscriptions WHERE last_seen_at < :cutoff")
                    .bind("cutoff", cutoff.toEpochMilli()).mapTo(String.class).list();
            for (String id : stale) delete(h, id);
            return stale.size();
        });
    }

    /** Subscriptions a delivery has already been pushed to (a retried delivery skips them). */
    public Set<String> pushedTo(String deliveryId) {
        return db.jdbi().withHandle(h -> new HashSet<>(h.createQuery("SELECT subscription_id FROM push_sends WHERE delivery_id = :d")
                .bind("d", deliveryId).mapTo(String.class).list()));
    }

    public void recordPush(String deliveryId, String subscriptionId) {
        try {
            db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO push_sends (delivery_id, subscription_id, sent_at) VALUES (:d, :s, :now)")
                    .bind("d", deliveryId).bind("s", subscriptionId).bind("now", clock.millis()).execute());
        } catch (RuntimeException e) {
            if (!SqlErrors.isUniqueViolation(e)) throw e;
        }
    }

    /** Forgets pushes made before {@code cutoff} (their deliveries have long been finished or expired). */
    public int deletePushesBefore(Instant cutoff) {
        return db.jdbi().withHandle(h -> h.createUpdate("DELETE FROM push_sends WHERE sent_at < :cutoff")
                .bind("cutoff", cutoff.toEpochMilli()).execute());
    }

    static String hash(String endpoint) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(endpoint.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
