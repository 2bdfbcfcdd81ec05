package org.herald.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.herald.telephony.BlfTwoNodesTest;
import org.herald.testing.AmiTestServer;
import org.herald.testing.RedisProcess;
import org.herald.testing.TestDatabase;
import org.herald.testing.TestHerald;
import org.herald.testing.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The BLF panel of a cluster: one AMI connection (the lease holder's), and every node's panel shows the same
 * states; a change reaches the subscribers of every node once; when the holder stops, another node takes over.
 */
class ClusterBlfTest {
    static final String USER = BlfTwoNodesTest.USER, SECRET = BlfTwoNodesTest.SECRET;
    AmiTestServer pbx;
    TestDatabase db;
    RedisProcess redis;
    TestHerald a, b;

    @BeforeEach
    void start() throws Exception {
        pbx = AmiTestServer.start(USER, SECRET);
        pbx.addHint("internal", "101", "Custom:101", AmiTestServer.IDLE);
        pbx.addHint("internal", "102", "Custom:102", AmiTestServer.INUSE);
        db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
        redis = RedisProcess.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (b != null) b.close();
        if (a != null) a.close();
        redis.close();
        db.close();
        pbx.close();
    }

    TestHerald node(String id) {
        return BlfTwoNodesTest.nodeOn(db, pbx, id).env("HERALD_CLUSTER_REDIS", redis.url()).start();
    }

    static JsonNode blf(TestHerald node) {
        return node.api().get("/api/v1/blf").json();
    }

    static String state(JsonNode blf, String exten) {
        for (JsonNode e : blf.get("extensions")) if (e.get("exten").asText().equals(exten)) return e.get("state").asText();
        return null;
    }

    static WsClient panel(TestHerald node) {
        WsClient ws = WsClient.open(node.baseUrl(), "token=" + node.api().clientToken("admin:1", "blf"));
        ws.awaitConnected();
        ws.send("{\"type\":\"subscribe\",\"topic\":\"blf\"}");
        return ws;
    }

    @Test
    void everyNodeShowsThePanelOfTheOneAmiConnectionAndTakesItOver() throws Exception {
        a = node("node-a");
        await().atMost(Duration.ofSeconds(10)).until(() -> "inuse".equals(state(blf(a), "102")));
        b = node("node-b");
        JsonNode onB = await().atMost(Duration.ofSeconds(10)).until(() -> blf(b), v -> v.get("pbx_connected").asBoolean());
        assertThat(state(onB, "101")).isEqualTo("idle");
        assertThat(state(onB, "102")).isEqualTo("inuse");
        assertThat(pbx.logins()).as("one AMI login for the cluster").isEqualTo(1);

        try (WsClient onA = panel(a); WsClient onBPanel = panel(b)) {
            for (WsClient ws : List.of(onA, onBPanel)) {
                JsonNode subscribed = ws.nextOfType("subscribed");
                assertThat(subscribed.get("snapshot").get("extensions")).hasSize(2);
            }
            pbx.setState("internal", "101", AmiTestServer.RINGING);
            for (WsClient ws : List.of(onA, onBPanel)) {
                JsonNode e = ws.nextMatching(f -> f.path("type").asText().equals("event")
                        && f.path("data").path("kind").asText().equals("state"));
                assertThat(e.get("data").get("extensions").get(0).get("state").asText()).isEqualTo("ringing");
            }
            Thread.sleep(300); // a second copy of the event would be here by now
            assertThat(onA.drain()).as("the change once on node-a").noneMatch(f -> f.path("data").path("kind").asText().equals("state"));
            assertThat(onBPanel.drain()).as("the change once on node-b").noneMatch(f -> f.path("data").path("kind").asText().equals("state"));
            assertThat(state(blf(b), "101")).isEqualTo("ringing");
        }

        // Redis dies and comes back empty: the holder writes its state again, the other node's panel follows.
        redis.kill();
        redis.startAgain();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.api().get("/api/v1/cluster").json().get("redis").asText().equals("ok")
                && a.api().get("/api/v1/cluster").json().get("redis").asText().equals("ok"));
        pbx.setState("internal", "102", AmiTestServer.BUSY);
        await().atMost(Duration.ofSeconds(10)).until(() -> "busy".equals(state(blf(b), "102")));
        assertThat(state(blf(b), "101")).isEqualTo("ringing");
        // A node that starts now reads the whole panel from Redis: the holder wrote it again (101 did not change).
        TestHerald c = node("node-c");
        try {
            JsonNode onC = await().atMost(Duration.ofSeconds(10)).until(() -> blf(c), v -> v.get("pbx_connected").asBoolean());
            assertThat(state(onC, "101")).isEqualTo("ringing");
            assertThat(state(onC, "102")).isEqualTo("busy");
        } finally {
            c.close();
        }

        a.close();
        a = null;
        await().atMost(Duration.ofSeconds(10)).until(() -> pbx.logins() == 2);
        pbx.setState("internal", "102", AmiTestServer.IDLE);
        await().atMost(Duration.ofSeconds(10)).until(() -> "idle".equals(state(blf(b), "102")));
        assertThat(blf(b).get("pbx_connected").asBoolean()).isTrue();
    }
}
