package org.herald.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.herald.core.Json;
import org.herald.store.Database;
import org.herald.testing.AmiTestServer;
import org.herald.testing.TestDatabase;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two Herald nodes on one PostgreSQL database and one PBX: only the holder of the lease {@code ami:main} logs in to
 * AMI; when it stops, the other node takes the lease and the connection over.
 */
public class BlfTwoNodesTest {
    public static final String USER = "blfpanel", SECRET = "blfpanel-secret";
    static final Duration LEASE = Duration.ofSeconds(2);
    AmiTestServer pbx;
    TestDatabase db;
    TestHerald a, b;

    @BeforeEach
    void start() {
        pbx = AmiTestServer.start(USER, SECRET);
        pbx.addHint("internal", "101", "Custom:101", AmiTestServer.IDLE);
        pbx.addHint("internal", "102", "Custom:102", AmiTestServer.INUSE);
        db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
    }

    @AfterEach
    void stop() {
        if (b != null) b.close();
        if (a != null) a.close();
        db.close();
        pbx.close();
    }

    TestHerald node(String id) {
        return nodeOn(db, pbx, id).start();
    }

    /** A node on the shared database with the one PBX {@code main} and a 2 s leader lease. */
    public static TestHerald.Builder nodeOn(TestDatabase db, AmiTestServer pbx, String id) {
        return TestHerald.builder().sharedDatabase(db)
                .env("HERALD_QUEUE_NODE_ID", id)
                .env("HERALD_CLUSTER_LEADER_LEASE", "2s")
                .env("HERALD_BLF_PBXS", Json.write(List.of(Map.of("id", "main", "host", "127.0.0.1", "port", pbx.port(),
                        "username", USER, "secret", SECRET))));
    }

    static JsonNode blf(TestHerald node) {
        return node.api().get("/api/v1/blf").json();
    }

    static JsonNode awaitExtensions(TestHerald node, int n) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> blf(node),
                v -> v.get("pbx_connected").asBoolean() && v.get("extensions").size() == n);
    }

    @Test
    void onlyTheLeaseHolderLogsInAndTheOtherNodeTakesOverWhenItStops() {
        a = node("node-a");
        assertThat(awaitExtensions(a, 2).get("pbxs").get(0).get("error").isNull()).isTrue();
        b = node("node-b");
        JsonNode onB = blf(b);
        assertThat(onB.get("pbx_connected").asBoolean()).isFalse();
        assertThat(onB.get("pbxs").get(0).get("error").asText()).isEqualTo(Telephony.NOT_HERE);

        // for longer than a lease (renewals included), the PBX sees one login and one connection
        await().during(LEASE.multipliedBy(2)).atMost(LEASE.multipliedBy(3))
                .until(() -> pbx.logins() == 1 && pbx.connections() == 1 && pbx.openConnections() == 1);
        assertThat(a.server().telephony().state().allConnected()).isTrue();

        a.close(); // a clean stop: node-a logs off and releases the lease
        a = null;
        await().atMost(LEASE.multipliedBy(3)).until(() -> pbx.logins() == 2);
        JsonNode taken = awaitExtensions(b, 2);
        assertThat(ext(taken, "102").get("state").asText()).isEqualTo("inuse");
        assertThat(pbx.openConnections()).isEqualTo(1);

        pbx.setState("internal", "101", AmiTestServer.RINGING);
        await().atMost(Duration.ofSeconds(10)).until(() -> ext(blf(b), "101").get("state").asText().equals("ringing"));
    }

    @Test
    void aLeaseLeftByACrashedNodeIsTakenOverWhenItExpires() {
        Duration left = Duration.ofSeconds(5); // longer than node-b takes to start
        try (Database d = new Database(db.url(), db.user(), "", 2)) {
            d.migrate();
            d.jdbi().useHandle(h -> h.execute("INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)",
                    Telephony.leaseName("main"), "crashed-node", System.currentTimeMillis() + left.toMillis()));
        }
        b = node("node-b");
        assertThat(blf(b).get("pbxs").get(0).get("error").asText()).isEqualTo(Telephony.NOT_HERE);
        assertThat(pbx.logins()).isZero();
        await().atMost(left.plus(LEASE.multipliedBy(2))).until(() -> pbx.logins() == 1);
        awaitExtensions(b, 2);
    }

    static JsonNode ext(JsonNode blf, String exten) {
        for (JsonNode e : blf.get("extensions")) if (e.get("exten").asText().equals(exten)) return e;
        return null;
    }
}
