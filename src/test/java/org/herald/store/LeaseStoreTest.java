package org.herald.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.herald.testing.MutableClock;
import org.herald.testing.TestDatabase;
import org.herald.testing.TestDatabase.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Leases on each supported database (H2, PostgreSQL, MariaDB): one holder at a time, renewals, expiry, release. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaseStoreTest {
    static final Duration TTL = Duration.ofSeconds(15);
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T09:00:00Z"));
    final Map<Kind, TestDatabase> testDbs = new EnumMap<>(Kind.class);
    final Map<Kind, Database> dbs = new EnumMap<>(Kind.class);

    /** The leases of a migrated database of {@code kind}, emptied. */
    LeaseStore leases(Kind kind) {
        Database db = dbs.computeIfAbsent(kind, k -> {
            TestDatabase t = TestDatabase.create(k);
            testDbs.put(k, t);
            Database d = new Database(t.url(), t.user(), "", 8);
            d.migrate();
            return d;
        });
        db.jdbi().useHandle(h -> h.execute("DELETE FROM leases"));
        return new LeaseStore(db, clock);
    }

    @AfterAll
    void close() {
        dbs.values().forEach(Database::close);
        testDbs.values().forEach(TestDatabase::close);
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(Kind.class)
    void aFreeLeaseIsTakenAndThenRefusedToAnyoneElse(Kind kind) {
        LeaseStore leases = leases(kind);
        assertThat(leases.holder("ami:main")).isEmpty();
        assertThat(leases.acquireOrRenew("ami:main", "node-a", TTL)).isTrue();
        assertThat(leases.acquireOrRenew("ami:main", "node-b", TTL)).isFalse();
        assertThat(leases.holder("ami:main")).contains("node-a");
        assertThat(leases.acquireOrRenew("ami:other", "node-b", TTL)).as("another name is another lease").isTrue();
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(Kind.class)
    void theHolderRenewsItsLeaseAndKeepsItPastTheFirstExpiry(Kind kind) {
        LeaseStore leases = leases(kind);
        assertThat(leases.acquireOrRenew("ami:main", "node-a", TTL)).isTrue();
        assertThat(leases.acquireOrRenew("ami:main", "node-a", TTL)).as("a renewal within the same millisecond").isTrue();
        clock.advance(Duration.ofSeconds(10));
        assertThat(leases.acquireOrRenew("ami:main", "node-a", TTL)).isTrue();
        clock.advance(Duration.ofSeconds(10)); // 20 s after the first take, 10 s after the renewal
        assertThat(leases.acquireOrRenew("ami:main", "node-b", TTL)).isFalse();
        assertThat(leases.holder("ami:main")).contains("node-a");
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(Kind.class)
    void anExpiredLeaseGoesToTheNextNodeThatAsks(Kind kind) {
        LeaseStore leases = leases(kind);
        assertThat(leases.acquireOrRenew("ami:main", "node-a", TTL)).isTrue();
        clock.advance(TTL);
        assertThat(leases.acquireOrRenew("ami:main", "node-b", TTL)).as("expires at the end of its last millisecond").isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(leases.holder("ami:main")).isEmpty();
        assertThat(leases.acquireOrRenew("ami:main", "node-b", TTL)).isTrue();
        assertThat(leases.acquireOrRenew("ami:main", "node-a", TTL)).as("the old holder lost it").isFalse();
        assertThat(leases.holder("ami:main")).contains("node-b");
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(Kind.class)
    void aReleasedLeaseIsFreeAtOnceButOnlyItsHolderCanReleaseIt(Kind kind) {
        LeaseStore leases = leases(kind);
        assertThat(leases.acquireOrRenew("ami:main", "node-a", TTL)).isTrue();
        leases.release("ami:main", "node-b");
        assertThat(leases.holder("ami:main")).as("released by a node that does not hold it").contains("node-a");
        leases.release("ami:main", "node-a");
        assertThat(leases.holder("ami:main")).isEmpty();
        assertThat(leases.acquireOrRenew("ami:main", "node-b", TTL)).isTrue();
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(Kind.class)
    void nodesRacingForAFreeOrExpiredLeaseGetItOnce(Kind kind) throws Exception {
        LeaseStore leases = leases(kind);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 10; round++) {
                String name = round % 2 == 0 ? "ami:race" + round : "ami:race" + (round - 1); // odd rounds: expired
                List<Future<Boolean>> answers = new ArrayList<>();
                for (int n = 0; n < 6; n++) {
                    String node = "node-" + n + "-" + round;
                    answers.add(pool.submit((Callable<Boolean>) () -> leases.acquireOrRenew(name, node, TTL)));
                }
                int taken = 0;
                for (Future<Boolean> a : answers) if (a.get()) taken++;
                assertThat(taken).as("round %d on %s", round, name).isEqualTo(1);
                clock.advance(TTL.plusMillis(1));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
