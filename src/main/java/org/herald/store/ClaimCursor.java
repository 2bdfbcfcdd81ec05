package org.herald.store;

import org.herald.core.Priority;

/**
 * Where this process's last claim of each priority ended, so that a claim in a backlog starts after it. On PostgreSQL
 * and MariaDB a claimed row leaves a dead entry at the start of the claim index's range (the status is part of the
 * index, so no update is made in place) until vacuum or purge removes it; a probe from the start walks all of them,
 * so draining a backlog costs O(n²) index reads: with 100,000 claimed rows not yet vacuumed, a probe from the start
 * reads about 1,100 index pages (1.4 ms on PostgreSQL 15; 20 ms for the first), one resumed after them 4 (0.05 ms).
 *
 * <p>A claim resumes after the last claimed (due_at, id) only when that row was due at least {@link #SETTLED_MILLIS}
 * ago: rows due later may still be committing (accepts commit in groups, on several writers, a few milliseconds after
 * their due time is taken). Rows that end up behind the cursor anyway (put back by lease recovery, due earlier on
 * another node's clock) are found by the probe from the start that every claim makes at least once per
 * {@link #FULL_SCAN_EVERY_MILLIS}.
 */
final class ClaimCursor {
    static final long SETTLED_MILLIS = 1_000;
    static final long FULL_SCAN_EVERY_MILLIS = 2_000;

    /** A position in the claim order (due_at, id) of one priority. */
    record Position(long dueAt, String id) {}

    private final Position[] last = new Position[Priority.MAX + 1];
    private long nextFullScan;

    /** Whether this claim probes every priority from the start (then the next time in {@link #FULL_SCAN_EVERY_MILLIS}). */
    synchronized boolean fullScanDue(long now) {
        if (now < nextFullScan) return false;
        nextFullScan = now + FULL_SCAN_EVERY_MILLIS;
        return true;
    }

    /** Where a probe of {@code priority} may start, or null for the start of the range. */
    synchronized Position resumeAfter(int priority, long now) {
        Position p = last[priority];
        return p != null && p.dueAt() <= now - SETTLED_MILLIS ? p : null;
    }

    synchronized void claimed(int priority, Position p) {
        last[priority] = p;
    }
}
