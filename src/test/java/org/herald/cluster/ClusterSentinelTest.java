package org.herald.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import org.herald.testing.RedisProcess;
import org.herald.testing.TestDatabase;
import org.herald.testing.TestHerald;
import org.herald.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes that find Redis through a Sentinel ({@code redis-sentinel://…#herald}): the bus works, and when the master
 * dies and the Sentinel promotes its replica, the nodes follow and a notification accepted meanwhile still arrives.
 */
class ClusterSentinelTest {
    @TempDir
    Path dir;

    @Test
    void theNodesFollowASentinelFailover() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
             RedisProcess master = RedisProcess.start();
             RedisProcess replica = RedisProcess.start()) {
            try (RedisClient c = RedisClient.create(replica.url()); StatefulRedisConnection<String, String> conn = c.connect()) {
                conn.sync().replicaof("127.0.0.1", master.port());
            }
            try (RedisProcess sentinel = RedisProcess.sentinel("herald", master, dir)) {
                String url = "redis-sentinel://127.0.0.1:" + sentinel.port() + "/0#herald";
                TestHerald a = node(db, url, "node-a");
                TestHerald b = node(db, url, "node-b");
                try (WsClient onB = WsClient.open(b.baseUrl(), "token=" + b.api().clientToken("admin:9"))) {
                    onB.awaitConnected();
                    await().atMost(Duration.ofSeconds(5)).until(() -> a.api().get("/api/v1/presence/admin:9").json().get("online").asBoolean());
                    assertThat(text(onB, ClusterHubTest.notify(a, "admin:9", "before the failover"))).isEqualTo("before the failover");

                    master.kill();
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> masterPort(sentinel) == replica.port());
                    String during = ClusterHubTest.notify(a, "admin:9", "after the failover");
                    assertThat(text(onB, during)).isEqualTo("after the failover");
                    await().atMost(Duration.ofSeconds(15)).until(() -> a.api().get("/api/v1/cluster").json().get("redis").asText().equals("ok"));
                    assertThat(text(onB, ClusterHubTest.notify(a, "admin:9", "on the new master"))).isEqualTo("on the new master");
                } finally {
                    b.close();
                    a.close();
                }
            }
        }
    }

    static TestHerald node(TestDatabase db, String url, String id) {
        return TestHerald.builder().sharedDatabase(db)
                .env("HERALD_QUEUE_NODE_ID", id)
                .env("HERALD_CLUSTER_REDIS", url)
                .env("HERALD_CLUSTER_PRESENCE_TTL", "3s")
                .start();
    }

    /** The text of the notification frame of that delivery (skipping others), waiting up to 30 s. */
    static String text(WsClient ws, String deliveryId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            var f = ws.next(Duration.ofSeconds(30));
            if (f.path("delivery").asText().equals(deliveryId)) return f.get("notification").get("text").asText();
        }
        throw new AssertionError("no frame for " + deliveryId);
    }

    static int masterPort(RedisProcess sentinel) {
        try (RedisClient c = RedisClient.create(sentinel.url()); var conn = c.connectSentinel()) {
            return ((java.net.InetSocketAddress) conn.sync().getMasterAddrByName("herald")).getPort();
        }
    }
}
