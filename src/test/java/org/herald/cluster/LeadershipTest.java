package org.herald.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.herald.store.Database;
import org.herald.store.LeaseStore;
import org.herald.testing.MutableClock;
import org.herald.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Nodes on one PostgreSQL database electing a holder per lease, each node with its own connection pool; rounds are
 * run by hand with a hand-moved clock (one clock: the nodes' clocks agree).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeadershipTest {
    static final Duration TTL = Duration.ofSeconds(15);
    static final String LEASE = "ami:main";
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T09:00:00Z"));
    TestDatabase testDb;
    final List<AutoCloseable> opened = new ArrayList<>();

    /** One node: its pool, its leadership and what its listener heard. */
    final class Node {
        final Database db = new Database(testDb.url(), testDb.user(), "", 2);
        final Leadership leadership;
        final List<String> heard = new CopyOnWriteArrayList<>();

        Node(String id) {
            leadership = new Leadership(new LeaseStore(db, clock), id, TTL, clock);
            leadership.add(LEASE, new Leadership.Listener() {
                @Override
                public void onElected(String name) {
                    heard.add("elected " + name);
                }

                @Override
                public void onDemoted(String name) {
                    heard.add("demoted " + name);
                }
            });
            opened.add(db);
            opened.add(leadership);
        }
    }

    @BeforeAll
    void createDatabase() {
        testDb = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
        try (Database db = new Database(testDb.url(), testDb.user(), "", 2)) {
            db.migrate();
        }
    }

    @BeforeEach
    void emptyLeases() throws Exception {
        sql("DELETE FROM leases");
    }

    @AfterEach
    void closeNodes() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) opened.get(i).close();
        opened.clear();
    }

    @AfterAll
    void dropDatabase() {
        testDb.close();
    }

    void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(testDb.url(), testDb.user(), ""); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Test
    void aLoneNodeHoldsItsLeaseAsSoonAsStartReturns() {
        Node a = new Node("node-a");
        a.leadership.start();
        assertThat(a.heard).containsExactly("elected " + LEASE);
        assertThat(a.leadership.holds(LEASE)).isTrue();
    }

    @Test
    void theSecondNodeIsToldAnotherHoldsItAndTakesOverAtOnceWhenTheHolderStops() {
        Node a = new Node("node-a"), b = new Node("node-b");
        a.leadership.round();
        b.leadership.round();
        assertThat(a.heard).containsExactly("elected " + LEASE);
        assertThat(b.heard).containsExactly("demoted " + LEASE);
        clock.advance(TTL.dividedBy(3));
        a.leadership.round();
        b.leadership.round();
        assertThat(a.heard).as("a renewal is no news").containsExactly("elected " + LEASE);
        assertThat(b.heard).containsExactly("demoted " + LEASE);

        a.leadership.close();
        assertThat(a.heard).containsExactly("elected " + LEASE, "demoted " + LEASE);
        b.leadership.round(); // no time passed: the lease was released, not left to expire
        assertThat(b.heard).containsExactly("demoted " + LEASE, "elected " + LEASE);
    }

    @Test
    void aHolderThatCannotReachTheDatabaseStepsDownWhenItsLeaseExpiresAndNotBefore() {
        Node a = new Node("node-a"), b = new Node("node-b");
        a.leadership.round();
        b.leadership.round();
        a.db.close(); // a loses the database; b still has it

        clock.advance(TTL.dividedBy(3));
        a.leadership.round();
        clock.advance(TTL.dividedBy(3));
        a.leadership.round();
        b.leadership.round();
        assertThat(a.leadership.holds(LEASE)).as("a keeps its role while its lease runs").isTrue();
        clock.advance(TTL.minus(TTL.dividedBy(3).multipliedBy(2)).minusMillis(1));
        a.leadership.round();
        assertThat(a.leadership.holds(LEASE)).as("one millisecond before the lease expires").isTrue();

        clock.advance(Duration.ofMillis(1));
        a.leadership.round();
        assertThat(a.heard).containsExactly("elected " + LEASE, "demoted " + LEASE);
        b.leadership.round();
        assertThat(b.leadership.holds(LEASE)).as("the lease's last millisecond is still a's").isFalse();
        clock.advance(Duration.ofMillis(1));
        b.leadership.round();
        assertThat(b.heard).containsExactly("demoted " + LEASE, "elected " + LEASE);
    }

    @Test
    void aDatabaseThatDoesNotAnswerCannotKeepTheRolePastTheLease() throws Exception {
        Node a = new Node("node-a");
        a.leadership.round();
        try (Connection locker = DriverManager.getConnection(testDb.url(), testDb.user(), "");
                Statement s = locker.createStatement()) {
            locker.setAutoCommit(false);
            s.execute("SELECT * FROM leases WHERE name = '" + LEASE + "' FOR UPDATE"); // a's renewal now waits
            clock.advance(TTL.minusMillis(300));
            a.leadership.round(); // waits the 300 ms left (by this clock), in vain
            assertThat(a.leadership.holds(LEASE)).isTrue();
            clock.advance(Duration.ofMillis(300));
            a.leadership.round();
            assertThat(a.heard).containsExactly("elected " + LEASE, "demoted " + LEASE);
            locker.rollback();
        }
    }

    @Test
    void aNodeThatFindsItsLeaseTakenAfterAPauseStepsDown() throws Exception {
        Node a = new Node("node-a"), b = new Node("node-b");
        a.leadership.round();
        b.leadership.round();
        clock.advance(TTL.plusMillis(1)); // a did not run a round for a whole lease (a long GC pause, a frozen VM)
        b.leadership.round();
        a.leadership.round();
        assertThat(b.heard).containsExactly("demoted " + LEASE, "elected " + LEASE);
        assertThat(a.heard).containsExactly("elected " + LEASE, "demoted " + LEASE);
    }

    @Test
    void aStartedNodeRenewsOnItsOwnEveryThirdOfTheLease() throws Exception {
        // the loop sleeps in real time: a short lease on the system clock keeps the test short
        try (Database db = new Database(testDb.url(), testDb.user(), "", 2)) {
            LeaseStore store = new LeaseStore(db, java.time.Clock.systemUTC());
            List<String> heard = new CopyOnWriteArrayList<>();
            Leadership l = new Leadership(store, "node-c", Duration.ofMillis(600), java.time.Clock.systemUTC());
            l.add("ami:solo", new Leadership.Listener() {
                @Override
                public void onElected(String name) {
                    heard.add("elected");
                }

                @Override
                public void onDemoted(String name) {
                    heard.add("demoted");
                }
            }).start();
            Thread.sleep(2000); // more than three leases: only renewals keep it
            assertThat(store.holder("ami:solo")).contains("node-c");
            assertThat(heard).containsExactly("elected");
            l.close();
            assertThat(heard).containsExactly("elected", "demoted");
            assertThat(store.holder("ami:solo")).isEmpty();
        }
    }
}
