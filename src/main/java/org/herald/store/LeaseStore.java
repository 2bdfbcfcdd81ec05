package org.herald.store;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.JdbiException;

/**
 * Named leases in the shared database (see V9__leases.sql): at most one holder per name at a time, until the lease
 * expires by the clock of the node that asks. Each call is one short autocommit statement or two, safe with several
 * nodes racing for the same name: the row is the arbiter.
 */
public final class LeaseStore {
    private final Database db;
    private final Clock clock;

    public LeaseStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Takes the lease {@code name} for {@code holder} until now + {@code ttl} when it is free, expired or already
     * {@code holder}'s (a renewal). Returns false when another holder has it; a database error is thrown.
     */
    public boolean acquireOrRenew(String name, String holder, Duration ttl) {
        long now = clock.millis();
        long until = now + ttl.toMillis();
        return db.jdbi().withHandle(h -> {
            // MariaDB Connector/J counts matched rows (useAffectedRows=false): a renewal to the same millisecond is 1.
            int taken = h.createUpdate("UPDATE leases SET holder = :holder, expires_at = :until "
                            + "WHERE name = :name AND (holder = :holder OR expires_at < :now)")
                    .bind("name", name).bind("holder", holder).bind("until", until).bind("now", now).execute();
            if (taken > 0) return true;
            try {
                h.createUpdate("INSERT INTO leases (name, holder, expires_at) VALUES (:name, :holder, :until)")
                        .bind("name", name).bind("holder", holder).bind("until", until).execute();
                return true;
            } catch (JdbiException e) {
                if (SqlErrors.isUniqueViolation(e)) return false; // another holder has it, or just took it
                throw e;
            }
        });
    }

    /** Gives the lease up at once, if {@code holder} has it, so that another node need not wait for it to expire. */
    public void release(String name, String holder) {
        db.jdbi().useHandle(h -> h.createUpdate("DELETE FROM leases WHERE name = :name AND holder = :holder")
                .bind("name", name).bind("holder", holder).execute());
    }

    /** Who holds the lease now (an expired lease has no holder). */
    public Optional<String> holder(String name) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT holder FROM leases WHERE name = :name AND expires_at >= :now")
                .bind("name", name).bind("now", clock.millis()).mapTo(String.class).findOne());
    }
}
