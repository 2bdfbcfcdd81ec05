package org.herald.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.herald.core.Delivery;
import org.herald.core.DeliveryStatus;
import org.herald.core.Ids;
import org.herald.core.Priority;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/**
 * The durable queue: claims with a lease (safe with several nodes on one database), completions, sweeps.
 * Every status change is written with its webhook events in one transaction.
 */
public final class DeliveryStore {
    private static final int MAX_ERROR = 2000;

    private final Database db;
    private final WebhookOutbox outbox;
    private final Clock clock;
    private final ClaimCursor cursor = new ClaimCursor();

    public DeliveryStore(Database db, WebhookOutbox outbox, Clock clock) {
        this.db = db;
        this.outbox = outbox;
        this.clock = clock;
    }

    public Optional<Delivery> find(String id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + DeliveryRows.COLUMNS + " FROM deliveries d WHERE d.id = :id")
                .bind("id", id).map((rs, ctx) -> DeliveryRows.map(rs)).findOne());
    }

    public List<Delivery> forNotification(String notificationId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + DeliveryRows.COLUMNS
                        + " FROM deliveries d WHERE d.notification_id = :nid ORDER BY d.id")
                .bind("nid", notificationId).map((rs, ctx) -> DeliveryRows.map(rs)).list());
    }

    public List<Delivery> list(DeliveryQuery q) {
        StringBuilder sql = new StringBuilder("SELECT " + DeliveryRows.COLUMNS + " FROM deliveries d WHERE 1=1");
        if (q.status() != null) sql.append(" AND d.status = :status");
        if (q.channel() != null) sql.append(" AND d.channel = :channel");
        if (q.to() != null) sql.append(" AND d.recipient = :to");
        if (q.notificationId() != null) sql.append(" AND d.notification_id = :nid");
        if (q.before() != null) sql.append(" AND d.id < :before");
        sql.append(" ORDER BY d.id DESC").append(db.dialect().limit(q.limit()));
        return db.jdbi().withHandle(h -> {
            Query query = h.createQuery(sql.toString());
            if (q.status() != null) query.bind("status", q.status());
            if (q.channel() != null) query.bind("channel", q.channel());
            if (q.to() != null) query.bind("to", q.to());
            if (q.notificationId() != null) query.bind("nid", q.notificationId());
            if (q.before() != null) query.bind("before", q.before());
            return query.map((rs, ctx) -> DeliveryRows.map(rs)).list();
        });
    }

    /**
     * Claims up to {@code max} due deliveries, highest priority first, for {@code node} until now + lease. Rows
     * another node is claiming at this moment are skipped, so two nodes never claim the same delivery.
     */
    public List<ClaimedDelivery> claim(String node, int max, Duration lease) {
        if (max <= 0) return List.of();
        long now = clock.millis();
        long leaseUntil = now + lease.toMillis();
        boolean lock = db.dialect().sharedByNodes();
        // on the embedded database (no row locks, no dead index entries left behind) every probe starts at the start
        boolean fromStart = !lock || cursor.fullScanDue(now);
        return db.jdbi().inTransaction(h -> {
            // One index range per priority, most urgent first: never reads rows that are not due yet.
            List<String> ids = new ArrayList<>(max);
            for (int p = Priority.MAX; p >= Priority.MIN && ids.size() < max; p--) {
                ClaimCursor.Position after = fromStart ? null : cursor.resumeAfter(p, now);
                List<ClaimCursor.Position> found = probe(h, p, now, after, max - ids.size(), lock);
                if (!found.isEmpty()) cursor.claimed(p, found.getLast());
                for (ClaimCursor.Position row : found) ids.add(row.id());
            }
            if (ids.isEmpty()) return List.of();
            // Without row locks (the embedded database has one process) the update itself decides: only rows still
            // queued are taken, and only those this claim marked are returned. With row locks the probes locked
            // queued rows and they stay so until this commits; there the status test is left out, because given it
            // PostgreSQL may read the rows through an index on status, every queued row and dead entry of it.
            h.createUpdate("UPDATE deliveries SET status = 'sending', claimed_by = :node, lease_until = :lease, "
                            + "attempts = attempts + 1, updated_at = :now WHERE id IN (<ids>)"
                            + (lock ? "" : " AND status = 'queued'"))
                    .bind("node", node).bind("lease", leaseUntil).bind("now", now)
                    .bindList("ids", ids).execute();
            // no "status = 'sending'" here although it holds: given it, PostgreSQL may read the rows through an index
            // on status and walk every dead 'sending' entry of the run (8,500 per claim after 22,000 deliveries)
            List<ClaimedDelivery> claimed = h.createQuery("SELECT " + DeliveryRows.COLUMNS + ", " + NotificationRows.PREFIXED
                            + " FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE d.id IN (<ids>) "
                            + "AND d.claimed_by = :node AND d.lease_until = :lease")
                    .bindList("ids", ids).bind("node", node).bind("lease", leaseUntil)
                    .map((rs, ctx) -> new ClaimedDelivery(DeliveryRows.map(rs), NotificationRows.map(rs, "n_")))
                    .list();
            List<ClaimedDelivery> sorted = new ArrayList<>(claimed);
            sorted.sort(Comparator.comparingInt((ClaimedDelivery c) -> -c.delivery().priority()).thenComparing(c -> c.delivery().id()));
            return sorted;
        });
    }

    /** Due queued rows of one priority in claim order; after {@code after} when given. */
    private List<ClaimCursor.Position> probe(Handle h, int priority, long now, ClaimCursor.Position after, int n, boolean lock) {
        String limit = lock ? db.dialect().limitForUpdateSkipLocked(n) : db.dialect().limit(n);
        var q = h.createQuery("SELECT d.id, d.due_at FROM deliveries d WHERE d.status = 'queued' AND d.priority = :p "
                        + "AND d.due_at <= :now" + (after == null ? "" : " AND (d.due_at, d.id) > (:afterDue, :afterId)")
                        + " ORDER BY d.due_at, d.id" + limit)
                .bind("p", priority).bind("now", now);
        if (after != null) q.bind("afterDue", after.dueAt()).bind("afterId", after.id());
        return q.map((rs, ctx) -> new ClaimCursor.Position(rs.getLong("due_at"), rs.getString("id"))).list();
    }

    /**
     * Writes the results of attempts. A completion whose claim is no longer held by its node and attempt (the lease
     * ran out and another node, or a later claim, took the delivery over) is not applied; the returned list holds the
     * ids that were.
     */
    public List<String> complete(List<Completion> completions) {
        if (completions.isEmpty()) return List.of();
        long now = clock.millis();
        return db.jdbi().inTransaction(h -> {
            PreparedBatch update = h.prepareBatch("UPDATE deliveries SET status = :status, due_at = :due, last_error = COALESCE(:error, last_error), "
                    + "gateway = COALESCE(:gateway, gateway), claimed_by = NULL, lease_until = NULL, updated_at = :now, "
                    + "sent_at = CASE WHEN :sent = 1 THEN COALESCE(sent_at, :now) ELSE sent_at END, "
                    + "delivered_at = CASE WHEN :delivered = 1 THEN :now ELSE delivered_at END "
                    + "WHERE id = :id AND claimed_by = :node AND status = 'sending' AND attempts = :attempt");
            PreparedBatch attempts = h.prepareBatch("INSERT INTO delivery_attempts (id, delivery_id, attempt, node, started_at, "
                    + "finished_at, outcome, error) VALUES (:id, :did, :attempt, :node, :started, :finished, :outcome, :error)");
            for (Completion c : completions) {
                Delivery d = c.claimed().delivery();
                boolean sent = c.status() == DeliveryStatus.SENT || c.status() == DeliveryStatus.DELIVERED;
                update.bind("status", c.status().word())
                        .bind("due", c.dueAt() != null ? c.dueAt().toEpochMilli() : d.dueAt().toEpochMilli())
                        .bind("error", truncate(c.error()))
                        .bind("gateway", c.gateway())
                        .bind("now", now)
                        .bind("sent", sent ? 1 : 0)
                        .bind("delivered", c.status() == DeliveryStatus.DELIVERED ? 1 : 0)
                        .bind("id", d.id()).bind("node", c.node()).bind("attempt", d.attempts())
                        .add();
                attempts.bind("id", Ids.newId(clock)).bind("did", d.id()).bind("attempt", d.attempts())
                        .bind("node", c.node()).bind("started", c.startedAt().toEpochMilli())
                        .bind("finished", c.finishedAt().toEpochMilli()).bind("outcome", c.outcome())
                        .bind("error", truncate(c.error()))
                        .add();
            }
            int[] counts = update.execute();
            List<String> applied = new ArrayList<>();
            for (int i = 0; i < counts.length; i++) {
                Completion c = completions.get(i);
                if (counts[i] == 0) continue;
                applied.add(c.claimed().delivery().id());
                if (c.status() != DeliveryStatus.QUEUED) {
                    Delivery d = c.claimed().delivery();
                    Delivery after = d.with(c.status(), d.attempts(), c.error() != null ? c.error() : d.lastError(),
                            c.gateway() != null ? c.gateway() : d.gateway());
                    outbox.deliveryStatus(h, after, c.status(), after.lastError());
                }
            }
            attempts.execute();
            return applied;
        });
    }

    /** Queued deliveries whose time to live has passed become expired. Returns how many. */
    public int expireDue(int max) {
        long now = clock.millis();
        return transitionWhere("d.status = 'queued' AND d.expires_at < :now", Map.of("now", now), max,
                DeliveryStatus.EXPIRED, "time to live passed before delivery");
    }

    /**
     * Claims whose lease has run out (their node died or stalled) go back to the queue, or fail when they used up
     * their attempts. Returns how many were recovered.
     */
    public int recoverExpiredLeases(int maxAttempts, int max) {
        long now = clock.millis();
        int failed = transitionWhere("d.status = 'sending' AND d.lease_until < :now AND d.attempts >= :max",
                Map.of("now", now, "max", maxAttempts), max, DeliveryStatus.FAILED,
                "attempt interrupted (claim expired: node died or stalled); no attempts left");
        // due_at stays as it was (in the past): a delivery taken over from a dead node goes first, not to the back
        int requeued = db.jdbi().withHandle(h -> h.createUpdate("UPDATE deliveries SET status = 'queued', claimed_by = NULL, "
                        + "lease_until = NULL, updated_at = :now, "
                        + "last_error = 'attempt interrupted (claim expired: node died or stalled)' "
                        + "WHERE status = 'sending' AND lease_until < :now")
                .bind("now", now).execute());
        return failed + requeued;
    }

    /** On shutdown: deliveries this node still holds go back to the queue at once, their attempt not counted. */
    public int releaseClaims(String node) {
        long now = clock.millis();
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE deliveries SET status = 'queued', claimed_by = NULL, "
                        + "lease_until = NULL, attempts = attempts - 1, updated_at = :now WHERE status = 'sending' AND claimed_by = :node")
                .bind("node", node).bind("now", now).execute());
    }

    /** Cancels a notification's deliveries that are still queued. Returns how many. */
    public int cancelQueued(String notificationId) {
        return transitionWhere("d.status = 'queued' AND d.notification_id = :nid", Map.of("nid", notificationId),
                100_000, DeliveryStatus.CANCELLED, null);
    }

    public enum RetryResult { QUEUED, NOT_FOUND, NOT_RETRYABLE }

    /**
     * Puts a failed, expired or cancelled delivery back into the queue, due now, with a fresh set of attempts and
     * at least {@code minTtl} to live.
     */
    public RetryResult retry(String id, Duration minTtl) {
        long now = clock.millis();
        return db.jdbi().inTransaction(h -> {
            Optional<Delivery> found = h.createQuery("SELECT " + DeliveryRows.COLUMNS + " FROM deliveries d WHERE d.id = :id")
                    .bind("id", id).map((rs, ctx) -> DeliveryRows.map(rs)).findOne();
            if (found.isEmpty()) return RetryResult.NOT_FOUND;
            Delivery d = found.get();
            if (d.status() != DeliveryStatus.FAILED && d.status() != DeliveryStatus.EXPIRED && d.status() != DeliveryStatus.CANCELLED) {
                return RetryResult.NOT_RETRYABLE;
            }
            int n = h.createUpdate("UPDATE deliveries SET status = 'queued', attempts = 0, due_at = :now, "
                            + "expires_at = CASE WHEN expires_at < :minExpiry THEN :minExpiry ELSE expires_at END, "
                            + "updated_at = :now WHERE id = :id AND status = :old")
                    .bind("now", now).bind("minExpiry", now + minTtl.toMillis()).bind("id", id).bind("old", d.status().word())
                    .execute();
            if (n == 0) return RetryResult.NOT_RETRYABLE;
            Delivery requeued = d.with(DeliveryStatus.QUEUED, 0, d.lastError(), d.gateway());
            outbox.deliveryStatus(h, requeued, DeliveryStatus.QUEUED, d.lastError());
            return RetryResult.QUEUED;
        });
    }

    /** Marks a sent delivery delivered (a client ack, a gateway receipt). False when it was not in a state to be. */
    public boolean markDelivered(String id) {
        return mark(id, DeliveryStatus.DELIVERED, "delivered_at", List.of(DeliveryStatus.SENT, DeliveryStatus.SENDING, DeliveryStatus.QUEUED));
    }

    /**
     * Marks a sent delivery failed after the fact (a gateway's receipt says it never arrived). False when it was not
     * sent (or already delivered, read or final).
     */
    public boolean markFailed(String id, String error) {
        long now = clock.millis();
        String reason = truncate(error);
        return db.jdbi().inTransaction(h -> {
            int n = h.createUpdate("UPDATE deliveries SET status = 'failed', last_error = :error, updated_at = :now, "
                            + "claimed_by = NULL, lease_until = NULL WHERE id = :id AND status IN ('sent', 'sending')")
                    .bind("error", reason).bind("now", now).bind("id", id).execute();
            if (n > 0 && !outbox.isEmpty()) {
                h.createQuery("SELECT " + DeliveryRows.COLUMNS + " FROM deliveries d WHERE d.id = :id").bind("id", id)
                        .map((rs, ctx) -> DeliveryRows.map(rs)).findOne()
                        .ifPresent(d -> outbox.deliveryStatus(h, d, DeliveryStatus.FAILED, reason));
            }
            return n > 0;
        });
    }

    /** Marks a sent or delivered delivery read. */
    public boolean markRead(String id) {
        return mark(id, DeliveryStatus.READ, "read_at", List.of(DeliveryStatus.SENT, DeliveryStatus.DELIVERED));
    }

    /**
     * One conditional update, so a concurrent change between the allowed states (the dispatcher recording
     * {@code sending → sent} while the client's ack arrives) cannot make the mark miss.
     */
    private boolean mark(String id, DeliveryStatus to, String timeColumn, List<DeliveryStatus> from) {
        long now = clock.millis();
        return db.jdbi().inTransaction(h -> {
            int n = h.createUpdate("UPDATE deliveries SET status = :to, " + timeColumn + " = :now, updated_at = :now, "
                            + "claimed_by = NULL, lease_until = NULL WHERE id = :id AND status IN (<from>)")
                    .bind("to", to.word()).bind("now", now).bind("id", id)
                    .bindList("from", from.stream().map(DeliveryStatus::word).toList())
                    .execute();
            if (n > 0 && !outbox.isEmpty()) {
                h.createQuery("SELECT " + DeliveryRows.COLUMNS + " FROM deliveries d WHERE d.id = :id").bind("id", id)
                        .map((rs, ctx) -> DeliveryRows.map(rs)).findOne()
                        .ifPresent(d -> outbox.deliveryStatus(h, d, to, d.lastError()));
            }
            return n > 0;
        });
    }

    /** Count of deliveries per status and channel, for metrics and the console. */
    public Map<String, Map<String, Long>> countByStatusAndChannel() {
        return db.jdbi().withHandle(h -> {
            Map<String, Map<String, Long>> out = new LinkedHashMap<>();
            h.createQuery("SELECT status, channel, COUNT(*) AS n FROM deliveries GROUP BY status, channel")
                    .map((rs, ctx) -> {
                        out.computeIfAbsent(rs.getString("status"), k -> new LinkedHashMap<>())
                                .put(rs.getString("channel"), rs.getLong("n"));
                        return null;
                    }).list();
            return out;
        });
    }

    /** The attempt log of one delivery, oldest first. */
    public List<Map<String, Object>> attempts(String deliveryId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT attempt, node, started_at, finished_at, outcome, error "
                        + "FROM delivery_attempts WHERE delivery_id = :id ORDER BY started_at, attempt")
                .bind("id", deliveryId)
                .map((rs, ctx) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("attempt", rs.getInt("attempt"));
                    m.put("node", rs.getString("node"));
                    m.put("started_at", Instant.ofEpochMilli(rs.getLong("started_at")).toString());
                    m.put("finished_at", Instant.ofEpochMilli(rs.getLong("finished_at")).toString());
                    m.put("outcome", rs.getString("outcome"));
                    m.put("error", rs.getString("error"));
                    return m;
                }).list());
    }

    private int transitionWhere(String condition, Map<String, Object> params, int max, DeliveryStatus to, String error) {
        long now = clock.millis();
        return db.jdbi().inTransaction(h -> {
            Query select = h.createQuery("SELECT " + DeliveryRows.COLUMNS + " FROM deliveries d WHERE " + condition
                    + " ORDER BY d.id" + db.dialect().limitForUpdateSkipLocked(max));
            params.forEach(select::bind);
            List<Delivery> rows = select.map((rs, ctx) -> DeliveryRows.map(rs)).list();
            if (rows.isEmpty()) return 0;
            h.createUpdate("UPDATE deliveries SET status = :to, claimed_by = NULL, lease_until = NULL, updated_at = :now"
                            + (error != null ? ", last_error = :error" : "") + " WHERE id IN (<ids>)")
                    .bind("to", to.word()).bind("now", now).bind("error", error)
                    .bindList("ids", rows.stream().map(Delivery::id).toList()).execute();
            for (Delivery d : rows) outbox.deliveryStatus(h, d, to, error != null ? error : d.lastError());
            return rows.size();
        });
    }

    private static String truncate(String s) {
        return s == null || s.length() <= MAX_ERROR ? s : s.substring(0, MAX_ERROR - 1) + "…";
    }
}
