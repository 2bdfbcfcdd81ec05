package org.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.herald.testing.ApiClient;
import org.herald.testing.RedisProcess;
import org.herald.testing.TestDatabase;
import org.herald.testing.TestHerald;
import org.herald.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two cluster nodes behind Debian's nginx, configured as docs/cluster.md shows (an upstream with least_conn, without
 * TLS): browsers connected through it land on both nodes and all get a notification posted through it; when one node
 * stops, its browsers reconnect through nginx to the other and still get the next one.
 */
class ClusterBehindNginxTest {
    @TempDir
    Path dir;

    @Test
    void browsersSpreadOverTheNodesAndMoveWhenOneStops() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL); RedisProcess redis = RedisProcess.start()) {
            TestHerald a = node(db, redis, "node-a");
            TestHerald b = node(db, redis, "node-b");
            int port = ReverseProxyTest.freePort();
            Path conf = ReverseProxyTest.nginxConf(dir, """
                        upstream herald {
                            least_conn;
                            server 127.0.0.1:%3$d max_fails=1 fail_timeout=10s;
                            server 127.0.0.1:%4$d max_fails=1 fail_timeout=10s;
                            keepalive 16;
                        }
                        server {
                            listen 127.0.0.1:%2$d;
                            client_max_body_size 1m;
                            proxy_http_version 1.1;
                            proxy_set_header Host $host;
                            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                            proxy_set_header X-Forwarded-Proto $scheme;
                            proxy_next_upstream error timeout http_502 http_503;
                            location / {
                                proxy_pass http://herald;
                                proxy_set_header Connection "";
                            }
                            location = /ws {
                                proxy_pass http://herald;
                                proxy_set_header Upgrade $http_upgrade;
                                proxy_set_header Connection "upgrade";
                                proxy_read_timeout 75s;
                            }
                        }
                    """.formatted(dir, port, a.server().port(), b.server().port()));
            List<WsClient> browsers = new ArrayList<>();
            try (var nginx = ReverseProxyTest.Proxy.start(port, dir.resolve("nginx-error.log"), "/usr/sbin/nginx", "-p", dir.toString(),
                    "-c", conf.toString(), "-g", "daemon off;")) {
                String base = "http://127.0.0.1:" + port;
                ApiClient api = new ApiClient(base, TestHerald.API_KEY);
                for (int i = 0; i < 6; i++) browsers.add(connect(base, api, "user:" + i));
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    JsonNode nodes = api.get("/api/v1/cluster").json().get("nodes");
                    assertThat(nodes.findValuesAsText("connections")).as("connections per node %s", nodes).containsExactly("3", "3");
                });
                everyBrowserGetsANotification(api, browsers, "through nginx");

                b.close();
                b = null;
                for (int i = 0; i < browsers.size(); i++) {
                    if (browsers.get(i).isClosed()) {
                        browsers.get(i).close();
                        browsers.set(i, connect(base, api, "user:" + i));
                    }
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/presence?kind=user").json().get("online").size() == 6);
                everyBrowserGetsANotification(api, browsers, "after node-b stopped");
            } finally {
                browsers.forEach(WsClient::close);
                if (b != null) b.close();
                a.close();
            }
        }
    }

    static TestHerald node(TestDatabase db, RedisProcess redis, String id) {
        return TestHerald.builder().sharedDatabase(db)
                .env("HERALD_QUEUE_NODE_ID", id)
                .env("HERALD_CLUSTER_REDIS", redis.url())
                .env("HERALD_CLUSTER_PRESENCE_TTL", "3s")
                .start();
    }

    static WsClient connect(String base, ApiClient api, String recipient) {
        WsClient ws = WsClient.open(base, "token=" + api.clientToken(recipient));
        ws.awaitConnected();
        return ws;
    }

    static void everyBrowserGetsANotification(ApiClient api, List<WsClient> browsers, String text) {
        StringBuilder to = new StringBuilder();
        for (int i = 0; i < browsers.size(); i++) to.append(i == 0 ? "" : ",").append("\"user:").append(i).append('"');
        var sent = api.post("/api/v1/notifications", "{\"to\":[" + to + "],\"channels\":[\"browser\"],\"text\":\"" + text + "\"}");
        assertThat(sent.status()).as(sent.text()).isEqualTo(202);
        for (WsClient ws : browsers) assertThat(ws.nextOfType("notification").get("notification").get("text").asText()).isEqualTo(text);
    }
}
