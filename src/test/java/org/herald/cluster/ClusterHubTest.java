package org.herald.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.herald.app.HeraldServer;
import org.herald.config.ConfigException;
import org.herald.config.ConfigLoader;
import org.herald.testing.ApiClient;
import org.herald.testing.RedisProcess;
import org.herald.testing.TestDatabase;
import org.herald.testing.TestHerald;
import org.herald.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Herald nodes in one JVM on one PostgreSQL and a Redis of this test: notifications, topic events and presence
 * cross nodes through Redis; a Redis that dies and comes back empty loses nothing that was accepted meanwhile.
 */
class ClusterHubTest {
    static final String PREFIX = "herald-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    static TestDatabase db;
    static RedisProcess redis;
    static TestHerald a;
    static TestHerald b;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
        redis = RedisProcess.start();
        a = node("node-a");
        b = node("node-b");
    }

    static TestHerald node(String id) {
        return TestHerald.builder().sharedDatabase(db)
                .env("HERALD_QUEUE_NODE_ID", id)
                .env("HERALD_CLUSTER_REDIS", redis.url())
                .env("HERALD_CLUSTER_REDIS_PREFIX", PREFIX)
                .env("HERALD_CLUSTER_PRESENCE_TTL", "3s")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (a != null) a.close();
        if (b != null) b.close();
        if (redis != null) redis.close();
        if (db != null) db.close();
    }

    static WsClient connect(TestHerald node, String recipient, String... topics) {
        WsClient ws = WsClient.open(node.baseUrl(), "token=" + node.api().clientToken(recipient, topics));
        assertThat(ws.nextOfType("connected").get("recipient").asText()).isEqualTo(recipient);
        ws.nextOfType("replayed");
        return ws;
    }

    static String notify(TestHerald node, String recipient, String text) {
        var r = node.api().post("/api/v1/notifications", "{\"to\":\"" + recipient + "\",\"title\":\"t\",\"text\":\"" + text
                + "\",\"channels\":[\"browser\"]}");
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        return r.json().get("deliveries").get(0).get("id").asText();
    }

    static String status(TestHerald node, String id) {
        return node.api().get("/api/v1/deliveries/" + id).json().get("status").asText();
    }

    @Test
    void aNotificationAcceptedOnOneNodeReachesTheRecipientOnTheOtherOnce() {
        try (WsClient onB = connect(b, "admin:1"); WsClient alsoOnA = connect(a, "admin:1")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> a.api().get("/api/v1/presence/admin:1").json().get("connections").asInt() == 2);
            String id = notify(a, "admin:1", "paid");
            for (WsClient ws : List.of(onB, alsoOnA)) {
                JsonNode n = ws.nextOfType("notification");
                assertThat(n.get("delivery").asText()).isEqualTo(id);
                assertThat(n.get("notification").get("text").asText()).isEqualTo("paid");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> status(a, id).equals("sent"));
            onB.send("{\"type\":\"ack\",\"delivery\":\"" + id + "\"}");
            await().atMost(Duration.ofSeconds(5)).until(() -> status(a, id).equals("delivered"));
            assertThat(onB.drain()).as("nothing twice").noneMatch(f -> f.path("delivery").asText().equals(id));
            assertThat(alsoOnA.drain()).noneMatch(f -> f.path("delivery").asText().equals(id));
        }
    }

    @Test
    void presenceCountsTheConnectionsOfEveryNode() {
        ApiClient api = a.api();
        assertThat(api.get("/api/v1/presence/user:7").json().get("online").asBoolean()).isFalse();
        try (WsClient one = connect(b, "user:7"); WsClient two = connect(b, "user:7"); WsClient three = connect(a, "user:7")) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(api.get("/api/v1/presence/user:7").json().get("connections").asInt()).isEqualTo(3);
                assertThat(b.api().get("/api/v1/presence/user:7").json().get("connections").asInt()).isEqualTo(3);
            });
            assertThat(api.get("/api/v1/presence?kind=user").json().get("online").toString()).contains("user:7");
            two.close();
            three.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> api.get("/api/v1/presence/user:7").json().get("connections").asInt() == 1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !api.get("/api/v1/presence/user:7").json().get("online").asBoolean());
        assertThat(api.get("/api/v1/presence?kind=user").json().get("online").toString()).doesNotContain("user:7");
    }

    @Test
    void presenceEventsTellTheFirstConnectionAnywhereAndTheLastOneOnce() {
        try (WsClient watcher = connect(a, "admin:watch", "presence")) {
            watcher.send("{\"type\":\"subscribe\",\"topic\":\"presence\"}");
            watcher.nextOfType("subscribed");
            WsClient first = connect(b, "user:8");
            WsClient second = connect(a, "user:8");
            JsonNode online = watcher.nextMatching(f -> f.path("data").path("recipient").asText().equals("user:8"));
            assertThat(online.get("data").get("online").asBoolean()).isTrue();
            first.close();
            second.close();
            JsonNode offline = watcher.nextMatching(f -> f.path("data").path("recipient").asText().equals("user:8"));
            assertThat(offline.get("data").get("online").asBoolean()).isFalse();
            assertThat(watcher.drain()).as("one online and one offline event").noneMatch(f -> f.path("data").path("recipient").asText().equals("user:8"));
        }
    }

    @Test
    void aTopicEventPublishedOnOneNodeReachesTheSubscribersOfEveryNodeOnce() {
        try (WsClient onA = connect(a, "admin:2", "news"); WsClient onB = connect(b, "admin:3", "news")) {
            for (WsClient ws : List.of(onA, onB)) {
                ws.send("{\"type\":\"subscribe\",\"topic\":\"news\"}");
                ws.nextOfType("subscribed");
            }
            assertThat(b.api().post("/api/v1/topics/news/events", "{\"data\":{\"n\":1}}").status()).isEqualTo(202);
            for (WsClient ws : List.of(onA, onB)) {
                JsonNode e = ws.nextOfType("event");
                assertThat(e.get("topic").asText()).isEqualTo("news");
                assertThat(e.get("data").get("n").asInt()).isEqualTo(1);
            }
            assertThat(onA.drain()).noneMatch(f -> f.path("type").asText().equals("event"));
            assertThat(onB.drain()).noneMatch(f -> f.path("type").asText().equals("event"));
        }
    }

    @Test
    void aRedisThatDiesAndComesBackEmptyLosesNothingThatWasAccepted() throws Exception {
        try (WsClient onB = connect(b, "admin:4")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> a.api().get("/api/v1/presence/admin:4").json().get("online").asBoolean());
            redis.kill();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) ids.add(notify(a, "admin:4", "while Redis is down " + i));
            // Node a cannot see admin:4 now: its deliveries wait in the queue.
            await().atMost(Duration.ofSeconds(10)).until(() -> ids.stream().allMatch(id -> !status(a, id).equals("queued")
                    || a.api().get("/api/v1/deliveries/" + id).json().get("attempts").asInt() >= 1));
            redis.startAgain();
            List<String> got = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) got.add(onB.nextOfType("notification").get("delivery").asText());
            assertThat(got).containsExactlyInAnyOrderElementsOf(ids);
            // And the bus works again, with presence written back into the empty Redis.
            await().atMost(Duration.ofSeconds(10)).until(() -> a.api().get("/api/v1/presence/admin:4").json().get("online").asBoolean());
            String after = notify(a, "admin:4", "after");
            JsonNode next = onB.nextOfType("notification");
            assertThat(next.get("delivery").asText()).as("%s; got before: %s; deliveries: %s", next, got,
                    ids.stream().map(id -> a.api().get("/api/v1/deliveries/" + id).text()).toList()).isEqualTo(after);
            assertThat(onB.drain()).as("nothing twice").noneMatch(f -> ids.contains(f.path("delivery").asText()));
        }
    }

    @Test
    void aNodeTheOthersTookForDeadWritesItsPresenceAgainAndCatchesUp() {
        try (WsClient onB = connect(b, "admin:11");
             io.lettuce.core.RedisClient c = io.lettuce.core.RedisClient.create(redis.url());
             var redisCli = c.connect()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> a.api().get("/api/v1/presence/admin:11").json().get("online").asBoolean());
            // as after a pause of node-b longer than the presence TTL: the others reaped it
            redisCli.sync().zrem(PREFIX + "nodes", "node-b");
            redisCli.sync().hdel(PREFIX + "p:admin:11", "node-b");
            String id = notify(a, "admin:11", "while node-b looked dead");
            assertThat(onB.nextOfType("notification").get("delivery").asText()).isEqualTo(id);
            await().atMost(Duration.ofSeconds(5)).until(() -> a.api().get("/api/v1/presence/admin:11").json().get("online").asBoolean());
            String next = notify(a, "admin:11", "after");
            assertThat(onB.nextOfType("notification").get("delivery").asText()).isEqualTo(next);
            assertThat(onB.drain()).noneMatch(f -> f.path("delivery").asText().equals(id));
        }
    }

    @Test
    void theClusterEndpointListsTheLiveNodes() {
        JsonNode info = b.api().get("/api/v1/cluster").json();
        assertThat(info.get("node").asText()).isEqualTo("node-b");
        assertThat(info.get("redis").asText()).isEqualTo("ok");
        assertThat(info.get("nodes").findValuesAsText("id")).containsExactly("node-a", "node-b");
        assertThat(info.get("nodes").findValuesAsText("alive")).containsOnly("true");
        assertThat(b.anonymous().get("/api/v1/cluster").status()).isEqualTo(401);
    }

    @Test
    void aNodeWhoseRedisIsDownAtStartFailsWithAClearError() throws Exception {
        var config = ConfigLoader.load(null, Map.of(
                "HERALD_DATA_DIR", Files.createTempDirectory("herald-test").toString(),
                "HERALD_PORT", "0", "HERALD_HTTP_HOST", "127.0.0.1",
                "HERALD_DB_URL", db.url(), "HERALD_DB_USER", db.user(),
                "HERALD_CLUSTER_REDIS", "redis://:secret@127.0.0.1:1"));
        HeraldServer server = new HeraldServer(config);
        try {
            assertThatThrownBy(server::start).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("cluster.redis: cannot reach Redis at redis://***@127.0.0.1:1")
                    .hasMessageNotContaining("secret");
        } finally {
            server.close();
        }
    }
}
