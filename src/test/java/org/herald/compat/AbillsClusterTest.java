package org.herald.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.herald.testing.AbillsSessions;
import org.herald.testing.RedisProcess;
import org.herald.testing.TestDatabase;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.Test;

/**
 * ABillS admin pages in a cluster: a page on node A gets a message accepted by node B, and what is accepted while
 * Redis is away (and Redis comes back empty) still reaches it, once.
 */
class AbillsClusterTest {
    @Test
    void anAdminPageOnOneNodeGetsMessagesAcceptedByAnotherAlsoAcrossARedisRestart() throws Exception {
        try (AbillsSessions sessions = AbillsSessions.withAdmins(Map.of(5, "c1c1c1c1sid"));
             TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
             RedisProcess redis = RedisProcess.start()) {
            TestHerald a = node(sessions, db, redis, "node-a");
            TestHerald b = node(sessions, db, redis, "node-b");
            try (AbillsBrowserTest.Page page = AbillsBrowserTest.Page.open(a.server().abills().adminPages().port(), "/wss/admin/",
                    Map.of("Cookie", "sid=c1c1c1c1sid"))) {
                await().atMost(Duration.ofSeconds(5)).until(() -> b.api().get("/api/v1/presence/admin:5").json().get("online").asBoolean());
                notify(b, "accepted by node-b");
                assertThat(page.next().get("TEXT").asText()).isEqualTo("accepted by node-b");

                redis.kill();
                for (int i = 0; i < 3; i++) notify(b, "while Redis is down " + i);
                Thread.sleep(1000);
                redis.startAgain();
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < 3; i++) texts.add(page.next().get("TEXT").asText());
                assertThat(texts).containsExactlyInAnyOrder("while Redis is down 0", "while Redis is down 1", "while Redis is down 2");
                await().atMost(Duration.ofSeconds(10)).until(() -> b.api().get("/api/v1/cluster").json().get("redis").asText().equals("ok"));
                notify(b, "after the restart");
                JsonNode after = page.next();
                assertThat(after.get("TEXT").asText()).as("nothing twice before it").isEqualTo("after the restart");
            } finally {
                b.close();
                a.close();
            }
        }
    }

    static TestHerald node(AbillsSessions sessions, TestDatabase db, RedisProcess redis, String id) {
        return sessions.herald().sharedDatabase(db)
                .env("HERALD_QUEUE_NODE_ID", id)
                .env("HERALD_CLUSTER_REDIS", redis.url())
                .env("HERALD_CLUSTER_PRESENCE_TTL", "3s")
                .start();
    }

    static void notify(TestHerald node, String text) {
        var r = node.api().post("/api/v1/notifications", "{\"to\":\"admin:5\",\"channels\":[\"browser\"],\"title\":\"ABillS\",\"text\":\"" + text + "\"}");
        assertThat(r.status()).as(r.text()).isEqualTo(202);
    }
}
