package org.herald.store;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.herald.core.Delivery;
import org.herald.core.DeliveryStatus;
import org.herald.core.Notification;
import org.herald.core.RecipientId;
import org.jdbi.v3.core.Handle;

/** What the WebSocket hub needs from storage: sequence positions, the backlog to replay, and acks. */
public final class BrowserStore {
    /** A browser delivery with its notification, as replayed to a reconnecting client. */
    public record Entry(Delivery delivery, Notification notification) {}

    /** The replay for one connection: what to send now, and whether everything after {@code since} could be sent. */
    public record Backlog(long lastSeq, List<Entry> entries, boolean recovered) {}

    private static final String CHANNEL = NotificationStore.SEQUENCED_CHANNEL;

    private final Database db;
    private final WebhookOutbox outbox;
    private final Clock clock;

    public BrowserStore(Database db, WebhookOutbox outbox, Clock clock) {
        this.db = db;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * The deliveries to send to a client that connects, and marks those not yet sent as {@code sent}. With
     * {@code since}: every browser delivery after that sequence number that is due and not expired or cancelled;
     * {@code recovered} is false when some after it can no longer be sent. Without {@code since}: the deliveries
     * still waiting for the recipient.
     */
    public Backlog backlog(RecipientId recipient, Long since, int limit) {
        long now = clock.millis();
        return db.jdbi().inTransaction(h -> {
            long last = Sequences.last(h, recipient);
            // With since: everything after it, and anything older still waiting (a scheduled notification, numbered
            // before since, that came due while the client was away).
            String filter = since != null ? "(d.seq > :since OR d.status IN ('queued', 'sending'))" : "d.status IN ('queued', 'sending')";
            List<Entry> rows = h.createQuery("SELECT " + DeliveryRows.COLUMNS + ", " + NotificationRows.PREFIXED
                            + " FROM deliveries d JOIN notifications n ON n.id = d.notification_id "
                            + "WHERE d.recipient = :r AND d.channel = :channel AND d.seq IS NOT NULL AND " + filter
                            + " ORDER BY d.seq" + db.dialect().limit(limit + 1))
                    .bind("r", recipient.toString()).bind("channel", CHANNEL).bind("since", since == null ? 0L : since)
                    .map((rs, ctx) -> new Entry(DeliveryRows.map(rs), NotificationRows.map(rs, "n_"))).list();
            boolean truncated = rows.size() > limit;
            if (truncated) rows = rows.subList(0, limit);
            List<Entry> sendable = rows.stream().filter(e -> sendable(e.delivery(), now)).toList();
            long afterSince = since == null ? 0 : rows.stream().filter(e -> e.delivery().seq() > since).count();
            long sendableAfterSince = since == null ? 0 : sendable.stream().filter(e -> e.delivery().seq() > since).count();
            long scheduledAfterSince = since == null ? 0 : rows.stream().filter(e -> e.delivery().seq() > since
                    && scheduled(e.delivery(), now) && e.delivery().expiresAt().toEpochMilli() > now).count();
            boolean recovered = since == null
                    || (since <= last && !truncated && afterSince == last - since && sendableAfterSince + scheduledAfterSince == last - since);
            markSent(h, sendable.stream().map(Entry::delivery)
                    .filter(d -> d.status() == DeliveryStatus.QUEUED || d.status() == DeliveryStatus.SENDING).toList(), now);
            return new Backlog(last, sendable, recovered);
        });
    }

    /**
     * Not yet due: its send_at is still ahead. (A delivery that waited for the recipient also has a due time ahead —
     * its expiry — but it was attempted already.)
     */
    private static boolean scheduled(Delivery d, long now) {
        return d.status() == DeliveryStatus.QUEUED && d.attempts() == 0 && d.dueAt().toEpochMilli() > now;
    }

    private static boolean sendable(Delivery d, long now) {
        if (d.expiresAt().toEpochMilli() <= now || scheduled(d, now)) return false;
        return switch (d.status()) {
            case QUEUED, SENDING, SENT, DELIVERED, READ -> true;
            default -> false;
        };
    }

    private void markSent(Handle h, List<Delivery> deliveries, long now) {
        if (deliveries.isEmpty()) return;
        h.createUpdate("UPDATE deliveries SET status = 'sent', sent_at = COALESCE(sent_at, :now), gateway = 'browser', "
                        + "claimed_by = NULL, lease_until = NULL, updated_at = :now "
                        + "WHERE id IN (<ids>) AND status IN ('queued', 'sending')")
                .bind("now", now).bindList("ids", deliveries.stream().map(Delivery::id).toList()).execute();
        for (Delivery d : deliveries) outbox.deliveryStatus(h, d.with(DeliveryStatus.SENT, d.attempts(), d.lastError(), "browser"), DeliveryStatus.SENT, d.lastError());
    }

    /** The newest sequence number given to the recipient (0 when none). */
    public long lastSeq(RecipientId recipient) {
        return db.jdbi().withHandle(h -> Sequences.last(h, recipient));
    }

    /** Marks a browser delivery of this recipient delivered (a client's ack). Empty when it is not theirs. */
    public Optional<Boolean> acknowledge(RecipientId recipient, String deliveryId, DeliveryStore deliveries) {
        Optional<Delivery> d = deliveries.find(deliveryId);
        if (d.isEmpty() || !d.get().recipient().equals(recipient) || !CHANNEL.equals(d.get().channel())) return Optional.empty();
        return Optional.of(deliveries.markDelivered(deliveryId));
    }
}
