package org.herald.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The webhook outbox as the sender sees it: claim due events, then mark them sent, retried or given up. */
public final class WebhookEventStore {
    public record Event(String id, String url, String event, String body, int attempts) {}

    private final Database db;
    private final Clock clock;

    public WebhookEventStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public List<Event> claim(String node, int max, Duration lease) {
        long now = clock.millis();
        return db.jdbi().inTransaction(h -> {
            List<Event> events = h.createQuery("SELECT id, url, event, body, attempts FROM webhook_events WHERE "
                            + "(status = 'pending' AND next_at <= :now) OR (status = 'sending' AND lease_until < :now) "
                            + "ORDER BY next_at, id" + db.dialect().limitForUpdateSkipLocked(max))
                    .bind("now", now)
                    .map((rs, ctx) -> new Event(rs.getString("id"), rs.getString("url"), rs.getString("event"),
                            rs.getString("body"), rs.getInt("attempts") + 1))
                    .list();
            if (!events.isEmpty()) {
                h.createUpdate("UPDATE webhook_events SET status = 'sending', claimed_by = :node, lease_until = :lease, "
                                + "attempts = attempts + 1 WHERE id IN (<ids>)")
                        .bind("node", node).bind("lease", now + lease.toMillis())
                        .bindList("ids", events.stream().map(Event::id).toList()).execute();
            }
            return events;
        });
    }

    public void sent(String id) {
        finish(id, "sent", null, null);
    }

    public void retryAt(String id, Instant at, String error) {
        finish(id, "pending", at, error);
    }

    public void giveUp(String id, String error) {
        finish(id, "failed", null, error);
    }

    private void finish(String id, String status, Instant nextAt, String error) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE webhook_events SET status = :status, claimed_by = NULL, lease_until = NULL, "
                        + "next_at = COALESCE(:next, next_at), last_error = :error WHERE id = :id")
                .bind("status", status).bind("next", nextAt == null ? null : nextAt.toEpochMilli())
                .bind("error", error == null ? null : error.length() > 2000 ? error.substring(0, 2000) : error)
                .bind("id", id).execute());
    }

    public int countByStatus(String status) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM webhook_events WHERE status = :s")
                .bind("s", status).mapTo(Integer.class).one());
    }
}
