package org.herald.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.cluster.RedisClusterClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.herald.testing.RedisProcess;
import org.herald.testing.TestDatabase;
import org.herald.testing.TestHerald;
import org.herald.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on a Redis Cluster of three shards ({@code redis-cluster://seed,seed}): notifications, topic events and
 * presence cross nodes; Herald's keys share one hash tag, so its scripts find all their keys on one shard.
 */
class ClusterOnRedisClusterTest {
    @TempDir
    Path dir;

    @Test
    void twoNodesWorkOnARedisCluster() throws Exception {
        List<RedisProcess> shards = RedisProcess.cluster(3, dir);
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL)) {
            String url = "redis-cluster://127.0.0.1:" + shards.get(0).port() + ",127.0.0.1:" + shards.get(1).port();
            TestHerald a = ClusterSentinelTest.node(db, url, "node-a");
            TestHerald b = ClusterSentinelTest.node(db, url, "node-b");
            try (WsClient onB = WsClient.open(b.baseUrl(), "token=" + b.api().clientToken("admin:5", "news"));
                 WsClient onA = WsClient.open(a.baseUrl(), "token=" + a.api().clientToken("admin:6", "news"))) {
                onB.awaitConnected();
                onA.awaitConnected();
                await().atMost(Duration.ofSeconds(5)).until(() -> a.api().get("/api/v1/presence/admin:5").json().get("online").asBoolean());
                assertThat(b.api().get("/api/v1/presence?kind=admin").json().get("online").toString()).contains("admin:5", "admin:6");

                String id = ClusterHubTest.notify(a, "admin:5", "over a Redis Cluster");
                assertThat(ClusterSentinelTest.text(onB, id)).isEqualTo("over a Redis Cluster");

                for (WsClient ws : List.of(onA, onB)) {
                    ws.send("{\"type\":\"subscribe\",\"topic\":\"news\"}");
                    ws.nextOfType("subscribed");
                }
                assertThat(b.api().post("/api/v1/topics/news/events", "{\"data\":{\"n\":7}}").status()).isEqualTo(202);
                for (WsClient ws : List.of(onA, onB)) assertThat(ws.nextOfType("event").get("data").get("n").asInt()).isEqualTo(7);

                JsonNode info = a.api().get("/api/v1/cluster").json();
                assertThat(info.get("redis").asText()).isEqualTo("ok");
                assertThat(info.get("nodes").findValuesAsText("id")).containsExactly("node-a", "node-b");
                try (RedisClusterClient c = RedisClusterClient.create("redis://127.0.0.1:" + shards.get(2).port());
                     var conn = c.connect()) {
                    assertThat(conn.sync().zrange("{herald:}nodes", 0, -1)).containsExactlyInAnyOrder("node-a", "node-b");
                    assertThat(conn.sync().hgetall("{herald:}p:admin:5")).containsEntry("node-b", "1");
                }
            } finally {
                b.close();
                a.close();
            }
        } finally {
            for (RedisProcess r : shards) r.close();
        }
    }
}
