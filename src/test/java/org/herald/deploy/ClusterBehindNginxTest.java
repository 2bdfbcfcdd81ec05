package org.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.herald.testing.ApiClient;
import org.herald.testing.Chromium;
import org.herald.testing.RedisProcess;
import org.herald.testing.TestDatabase;
import org.herald.testing.TestHerald;
import org.herald.testing.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Two cluster nodes behind Debian's nginx, configured as docs/cluster.md shows (an upstream with least_conn, without
 * TLS): browsers connected through it land on both nodes and all get a notification posted through it; when one node
 * stops, its browsers reconnect through nginx to the other and still get what follows — also the demo page with
 * herald.js in a real Chromium.
 */
class ClusterBehindNginxTest {
    @TempDir
    Path dir;
    TestDatabase db;
    RedisProcess redis;
    TestHerald a;
    TestHerald b;
    ReverseProxyTest.Proxy nginx;
    String base;
    ApiClient api;

    @BeforeEach
    void start() throws Exception {
        db = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
        redis = RedisProcess.start();
        a = node("node-a");
        b = node("node-b");
        int port = ReverseProxyTest.freePort();
        Path conf = ReverseProxyTest.nginxConf(dir, """
                    upstream herald {
                        least_conn;
                        server 127.0.0.1:%2$d max_fails=1 fail_timeout=10s;
                        server 127.0.0.1:%3$d max_fails=1 fail_timeout=10s;
                        keepalive 16;
                    }
                    server {
                        listen 127.0.0.1:%1$d;
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
                """.formatted(port, a.server().port(), b.server().port()));
        nginx = ReverseProxyTest.Proxy.start(port, dir.resolve("nginx-error.log"), "/usr/sbin/nginx", "-p", dir.toString(),
                "-c", conf.toString(), "-g", "daemon off;");
        base = "http://127.0.0.1:" + port;
        api = new ApiClient(base, TestHerald.API_KEY);
    }

    @AfterEach
    void stop() throws Exception {
        if (nginx != null) nginx.close();
        if (b != null) b.close();
        if (a != null) a.close();
        if (redis != null) redis.close();
        if (db != null) db.close();
    }

    @Test
    void browsersSpreadOverTheNodesAndMoveWhenOneStops() {
        List<WsClient> browsers = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) browsers.add(connect("user:" + i));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode nodes = api.get("/api/v1/cluster").json().get("nodes");
                assertThat(nodes.findValuesAsText("connections")).as("connections per node %s", nodes).containsExactly("3", "3");
            });
            everyBrowserGetsANotification(browsers, "through nginx");

            b.close();
            b = null;
            for (int i = 0; i < browsers.size(); i++) {
                if (browsers.get(i).isClosed()) {
                    browsers.get(i).close();
                    browsers.set(i, connect("user:" + i));
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/presence?kind=user").json().get("online").size() == 6);
            everyBrowserGetsANotification(browsers, "after node-b stopped");
        } finally {
            browsers.forEach(WsClient::close);
        }
    }

    @Test
    void theDemoPageFollowsTheClusterWhenItsNodeStops() throws Exception {
        try (Chromium chromium = Chromium.start(dir)) {
            WebDriver driver = chromium.driver();
            driver.get(base + "/demo/");
            wait(driver).until(d -> d.findElement(By.id("signin")).isDisplayed());
            WebElement field = driver.findElement(By.id("token"));
            ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];", field, api.clientToken("admin:77"));
            driver.findElement(By.id("connect")).click();
            wait(driver).until(d -> "connected".equals(d.findElement(By.id("status")).getAttribute("data-state")));
            await().atMost(Duration.ofSeconds(10)).until(() -> a.server().hub().size() + b.server().hub().size() == 1);
            TestHerald holder = a.server().hub().size() == 1 ? a : b;
            TestHerald other = holder == a ? b : a;

            // posted to the node the page is not connected to: it crosses through Redis
            String first = notify(other.api(), "admin:77", "to the other node");
            visibleToast(driver, first, "a notification accepted by the other node");

            holder.close();
            if (holder == a) a = null;
            else b = null;
            String second = notify(other.api(), "admin:77", "while the page moves");
            wait(driver).withMessage("the page reconnects through nginx to the remaining node")
                    .until(d -> "connected".equals(d.findElement(By.id("status")).getAttribute("data-state")));
            visibleToast(driver, second, "the notification accepted while the page reconnected");
            assertThat(other.server().hub().size()).as("the page's connection is on the remaining node").isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    other.api().get("/api/v1/deliveries/" + second).json().get("status").asText().equals("delivered"));
            assertThat(driver.findElements(By.cssSelector(".herald-toast[data-delivery='" + first + "']"))).as("shown once").hasSize(1);
        }
    }

    static WebDriverWait wait(WebDriver driver) {
        WebDriverWait w = new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(50));
        w.ignoring(org.openqa.selenium.NoSuchElementException.class);
        w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return w;
    }

    static void visibleToast(WebDriver driver, String deliveryId, String message) {
        wait(driver).withMessage(message).until(d -> d.findElements(By.cssSelector(".herald-toast[data-delivery='" + deliveryId + "']"))
                .stream().anyMatch(WebElement::isDisplayed));
    }

    static String notify(ApiClient api, String recipient, String text) {
        var sent = api.post("/api/v1/notifications", "{\"to\":\"" + recipient + "\",\"channels\":[\"browser\"],\"title\":\"Cluster\",\"text\":\"" + text + "\"}");
        assertThat(sent.status()).as(sent.text()).isEqualTo(202);
        return sent.json().get("deliveries").get(0).get("id").asText();
    }

    TestHerald node(String id) {
        return TestHerald.builder().sharedDatabase(db)
                .env("HERALD_QUEUE_NODE_ID", id)
                .env("HERALD_CLUSTER_REDIS", redis.url())
                .env("HERALD_CLUSTER_PRESENCE_TTL", "3s")
                .start();
    }

    WsClient connect(String recipient) {
        WsClient ws = WsClient.open(base, "token=" + api.clientToken(recipient));
        ws.awaitConnected();
        return ws;
    }

    void everyBrowserGetsANotification(List<WsClient> browsers, String text) {
        StringBuilder to = new StringBuilder();
        for (int i = 0; i < browsers.size(); i++) to.append(i == 0 ? "" : ",").append("\"user:").append(i).append('"');
        var sent = api.post("/api/v1/notifications", "{\"to\":[" + to + "],\"channels\":[\"browser\"],\"text\":\"" + text + "\"}");
        assertThat(sent.status()).as(sent.text()).isEqualTo(202);
        for (WsClient ws : browsers) assertThat(ws.nextOfType("notification").get("notification").get("text").asText()).isEqualTo(text);
    }
}
