package org.herald.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.herald.testing.AmiTestServer;
import org.herald.testing.RedisProcess;
import org.herald.testing.TestDatabase;
import org.herald.testing.TestDatabase.Kind;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Three Herald processes on one database and one Redis, with browsers connected to all of them. Targeted
 * notifications, a broadcast and topic events arrive once each wherever they were posted; presence counts every
 * node; a node killed with SIGKILL loses nothing (its browsers reconnect to another node and replay, its claimed
 * deliveries are taken over); a Redis killed and started again empty loses nothing that was accepted meanwhile.
 */
@ExtendWith(HeraldProcess.LogsOnFailure.class)
class ClusterIT {
    private static final int PEERS = 30;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int BULK_POSTS = 40;

    @ParameterizedTest(name = "on {0}")
    @EnumSource(value = Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void threeNodesShareTheWorkAndLoseNothing(Kind kind, @TempDir Path work) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind); RedisProcess redis = RedisProcess.start();
             AmiTestServer pbx = AmiTestServer.start("blfpanel", "blfpanel-secret")) {
            pbx.addHint("internal", "101", "Custom:101", AmiTestServer.IDLE);
            String pbxs = HeraldProcess.JSON.writeValueAsString(List.of(Map.of("id", "main", "host", "127.0.0.1",
                    "port", pbx.port(), "username", "blfpanel", "secret", "blfpanel-secret")));
            List<CompletableFuture<HeraldProcess>> starting = new ArrayList<>();
            for (String n : List.of("node-a", "node-b", "node-c")) {
                starting.add(CompletableFuture.supplyAsync(() -> HeraldProcess.builder(n, work.resolve(n))
                        .database(db.url(), db.user())
                        .env("HERALD_CLUSTER_REDIS", redis.url())
                        .env("HERALD_CLUSTER_PRESENCE_TTL", "3s")
                        .env("HERALD_CLUSTER_LEADER_LEASE", "3s")
                        .env("HERALD_BLF_PBXS", pbxs)
                        .start()));
            }
            List<HeraldProcess> nodes = new ArrayList<>();
            for (var s : starting) nodes.add(s.join());
            HeraldProcess a = nodes.get(0), b = nodes.get(1), c = nodes.get(2);
            List<HeraldProcess> alive = new java.util.concurrent.CopyOnWriteArrayList<>(nodes);
            List<ClusterPeer> peers = new ArrayList<>();
            try {
                for (int i = 0; i < PEERS; i++) {
                    int n = i;
                    peers.add(new ClusterPeer("user:" + i, nodes.get(i % 3), () -> alive.get(n % alive.size())));
                }
                await("all peers connected").atMost(WAIT).until(() -> peers.stream().allMatch(ClusterPeer::connected));
                peers.forEach(p -> p.subscribe("news"));
                peers.forEach(p -> p.subscribe("blf"));

                // Presence: every node sees all 30, wherever they are connected.
                for (HeraldProcess node : nodes) {
                    await("presence on " + node).atMost(WAIT).untilAsserted(() ->
                            assertThat(node.getJson("/api/v1/presence?kind=user").get("online")).hasSize(PEERS));
                }
                assertThat(a.getJson("/api/v1/presence/user:2").get("connections").asInt()).as("user:2 is on node-c").isEqualTo(1);

                // Targeted notifications, each posted to a random node.
                Map<String, ClusterPeer> expected = new LinkedHashMap<>();
                for (int round = 0; round < 2; round++) {
                    for (ClusterPeer p : peers) expected.put(post(random(nodes), List.of(p.recipient), "targeted").get(0), p);
                }
                awaitEachOnce(expected);

                // A broadcast: one notification to everybody, posted on node-b.
                List<String> recipients = peers.stream().map(p -> p.recipient).toList();
                List<String> broadcast = post(b, recipients, "broadcast");
                Map<String, ClusterPeer> broadcastExpected = new LinkedHashMap<>();
                for (int i = 0; i < PEERS; i++) broadcastExpected.put(broadcast.get(i), peers.get(i));
                awaitEachOnce(broadcastExpected);

                // A topic event, published on node-c, reaches the subscribers of all three nodes once.
                HttpResponse<String> published = c.send("POST", "/api/v1/topics/news/events", Map.of("data", Map.of("n", 1)), Map.of());
                assertThat(published.statusCode()).isEqualTo(202);
                await("topic event everywhere").atMost(WAIT).until(() -> peers.stream().allMatch(p -> p.events("news").size() >= 1));
                Thread.sleep(500);
                assertThat(peers).allSatisfy(p -> assertThat(p.events("news")).as("events of %s", p.recipient).hasSize(1));

                // BLF: one AMI connection for the cluster; a phone's change reaches the panels of all three nodes once.
                assertThat(pbx.logins()).as("AMI logins").isEqualTo(1);
                pbx.setState("internal", "101", AmiTestServer.RINGING);
                awaitBlf(peers, "ringing");

                // SIGKILL node-c while it holds claims of a bulk inbox run and while browsers are connected to it.
                // The bulk is posted (to node-a) while node-c dispatches, so that node-c is busy when it dies.
                List<String> bulk = new java.util.concurrent.CopyOnWriteArrayList<>();
                CompletableFuture<Void> posting = CompletableFuture.runAsync(() -> {
                    try {
                        for (int i = 0; i < BULK_POSTS; i++) bulk.addAll(postInbox(a, 100, "bulk-" + i));
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
                try (Connection sql = DriverManager.getConnection(db.url(), db.user(), "")) {
                    await("node-c holds claims").atMost(WAIT).pollInterval(Duration.ofMillis(10))
                            .until(() -> count(sql, "SELECT COUNT(*) FROM deliveries WHERE claimed_by = 'node-c'") >= 5);
                    assertThat(c.kill()).isEqualTo(137);
                    Set<String> heldByC = ids(sql, "SELECT id FROM deliveries WHERE claimed_by = 'node-c'");
                    alive.remove(c);
                    posting.join();
                    Map<String, ClusterPeer> afterKill = new LinkedHashMap<>();
                    for (ClusterPeer p : peers) afterKill.put(post(a, List.of(p.recipient), "after the kill").get(0), p);
                    awaitEachOnce(afterKill);
                    assertThat(peers.stream().filter(p -> p.node() == c)).as("browsers still on the dead node").isEmpty();
                    await("bulk deliveries delivered").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                            .until(() -> count(sql, "SELECT COUNT(*) FROM deliveries WHERE channel = 'inbox' AND status <> 'delivered'") == 0);
                    assertThat(count(sql, "SELECT COUNT(*) FROM deliveries WHERE channel = 'inbox'")).isEqualTo(bulk.size());
                    System.out.printf("ClusterIT on %s: node-c held %d claims when killed; all %d bulk deliveries delivered%n",
                            kind, heldByC.size(), bulk.size());
                    assertThat(heldByC).as("claims of the killed node").isNotEmpty();
                }
                // The PBX's connection is still (or again, if node-c held it) held by exactly one node.
                await("one AMI connection after the kill").atMost(WAIT).until(() -> pbx.openConnections() == 1);
                pbx.setState("internal", "101", AmiTestServer.INUSE);
                awaitBlf(peers, "inuse");
                for (HeraldProcess node : List.of(a, b)) {
                    await("presence forgets node-c's browsers on " + node).atMost(WAIT).untilAsserted(() ->
                            assertThat(node.getJson("/api/v1/presence/user:2").get("connections").asInt()).isEqualTo(1));
                }

                // Redis killed and started again, empty: what is accepted meanwhile still arrives, once.
                redis.kill();
                Map<String, ClusterPeer> duringOutage = new LinkedHashMap<>();
                for (ClusterPeer p : peers) duringOutage.put(post(random(alive), List.of(p.recipient), "while Redis is down").get(0), p);
                Thread.sleep(1500);
                redis.startAgain();
                awaitEachOnce(duringOutage);
                Map<String, ClusterPeer> afterRestart = new LinkedHashMap<>();
                for (ClusterPeer p : peers) afterRestart.put(post(random(alive), List.of(p.recipient), "after the restart").get(0), p);
                awaitEachOnce(afterRestart);
                System.out.printf("ClusterIT on %s: reconnects %d%n", kind, peers.stream().mapToInt(p -> p.reconnects.get()).sum());
            } finally {
                for (ClusterPeer p : peers) p.close();
                for (HeraldProcess n : nodes) n.stop();
            }
        }
    }

    /** Every peer's panel saw the extension 101 go to {@code state}, once. */
    private static void awaitBlf(List<ClusterPeer> peers, String state) throws InterruptedException {
        await("BLF " + state + " everywhere").atMost(WAIT).until(() -> peers.stream().allMatch(p -> blfChanges(p, state) >= 1));
        Thread.sleep(300);
        assertThat(peers).allSatisfy(p -> assertThat(blfChanges(p, state)).as("BLF %s events of %s", state, p.recipient).isEqualTo(1));
    }

    private static long blfChanges(ClusterPeer p, String state) {
        return p.events("blf").stream().filter(e -> e.path("data").path("kind").asText().equals("state"))
                .filter(e -> e.path("data").path("extensions").findValuesAsText("state").contains(state)).count();
    }

    @org.junit.jupiter.api.Test
    void aNodeWhoseRedisIsDownExitsWithStatus2AndSaysWhy(@TempDir Path work) throws Exception {
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        try (TestDatabase db = TestDatabase.create(Kind.POSTGRESQL)) {
            var node = HeraldProcess.builder("node-x", work.resolve("x")).database(db.url(), db.user())
                    .env("HERALD_CLUSTER_REDIS", "redis://:hunter2@127.0.0.1:" + deadPort);
            org.assertj.core.api.Assertions.assertThatThrownBy(node::start)
                    .hasMessageContaining("exited with status 2")
                    .hasMessageContaining("herald: cluster.redis: cannot reach Redis at redis://***@127.0.0.1:" + deadPort)
                    .hasMessageNotContaining("hunter2")
                    .hasMessageNotContaining("\tat ");
        }
    }

    private static HeraldProcess random(List<HeraldProcess> nodes) {
        return nodes.get(ThreadLocalRandom.current().nextInt(nodes.size()));
    }

    /** Waits until every delivery reached its peer, then checks that none came twice (nor elsewhere). */
    private static void awaitEachOnce(Map<String, ClusterPeer> expected) throws InterruptedException {
        await("%d deliveries arrived".formatted(expected.size())).atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> expected.entrySet().stream().allMatch(e -> e.getValue().count(e.getKey()) >= 1));
        Thread.sleep(300);
        List<String> problems = new ArrayList<>();
        Set<ClusterPeer> peers = new HashSet<>(expected.values());
        for (var e : expected.entrySet()) {
            int n = e.getValue().count(e.getKey());
            if (n != 1) problems.add(e.getKey() + " reached " + e.getValue().recipient + " " + n + " times");
            for (ClusterPeer other : peers) {
                if (other != e.getValue() && other.count(e.getKey()) > 0) problems.add(e.getKey() + " also reached " + other.recipient);
            }
        }
        assertThat(problems).isEmpty();
    }

    private static List<String> post(HeraldProcess node, List<String> to, String text) throws Exception {
        HttpResponse<String> r = node.send("POST", "/api/v1/notifications",
                Map.of("to", to, "title", "cluster", "text", text, "channels", List.of("browser")), Map.of());
        assertThat(r.statusCode()).as("POST to %s: %s", node, r.body()).isEqualTo(202);
        List<String> ids = new ArrayList<>();
        for (JsonNode d : HeraldProcess.JSON.readTree(r.body()).get("deliveries")) ids.add(d.get("id").asText());
        return ids;
    }

    private static List<String> postInbox(HeraldProcess node, int recipients, String tag) throws Exception {
        List<String> to = new ArrayList<>();
        for (int i = 0; i < recipients; i++) to.add("client:" + tag + "-" + i);
        HttpResponse<String> r = node.send("POST", "/api/v1/notifications",
                Map.of("to", to, "title", "bulk", "text", tag, "channels", List.of("inbox")), Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        List<String> ids = new ArrayList<>();
        for (JsonNode d : HeraldProcess.JSON.readTree(r.body()).get("deliveries")) ids.add(d.get("id").asText());
        return ids;
    }

    private static long count(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Set<String> ids(Connection c, String sql) throws Exception {
        Set<String> out = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
