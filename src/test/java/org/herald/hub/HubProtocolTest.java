package org.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.herald.testing.ApiClient;
import org.herald.testing.TestHerald;
import org.herald.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The WebSocket protocol of api.md, spoken by a real WebSocket client. */
class HubProtocolTest {
    static TestHerald herald;
    static ApiClient api;

    @BeforeAll
    static void start() {
        herald = TestHerald.builder()
                .env("HERALD_HUB_CONNECT_TIMEOUT", "1s")
                .env("HERALD_HUB_MAX_FRAME_BYTES", "1024")
                .env("HERALD_HUB_MAX_FRAMES_PER_SECOND", "50")
                .start();
        api = herald.api();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    static String token(String recipient, String... topics) {
        StringBuilder t = new StringBuilder("[");
        for (int i = 0; i < topics.length; i++) t.append(i == 0 ? "" : ",").append('"').append(topics[i]).append('"');
        return api.post("/api/v1/tokens", "{\"recipient\":\"" + recipient + "\",\"topics\":" + t + "]}").json().get("token").asText();
    }

    static WsClient connect(String recipient, Long since) {
        String token = token(recipient);
        WsClient ws = WsClient.open(herald.baseUrl(), null);
        ws.send("{\"type\":\"connect\",\"token\":\"" + token + "\"" + (since == null ? "" : ",\"since\":" + since) + "}");
        return ws;
    }

    static String notify(String recipient, String text) {
        var r = api.post("/api/v1/notifications", "{\"to\":\"" + recipient + "\",\"type\":\"payment.received\",\"title\":\"Payment\",\"text\":\""
                + text + "\",\"data\":{\"uid\":7},\"channels\":[\"browser\"]}");
        assertThat(r.status()).isEqualTo(202);
        return r.json().get("deliveries").get(0).get("id").asText();
    }

    static String status(String deliveryId) {
        return api.get("/api/v1/deliveries/" + deliveryId).json().get("status").asText();
    }

    @Test
    void aConnectedClientGetsNotificationsLiveAndItsAckMarksThemDelivered() {
        try (WsClient ws = connect("admin:1", null)) {
            JsonNode connected = ws.next();
            assertThat(connected.get("type").asText()).isEqualTo("connected");
            assertThat(ws.next().get("type").asText()).as("an empty replay is still marked").isEqualTo("replayed");
            assertThat(connected.get("recipient").asText()).isEqualTo("admin:1");
            assertThat(connected.get("recovered").asBoolean()).isTrue();

            String id = notify("admin:1", "Client 7 paid");
            JsonNode n = ws.nextOfType("notification");
            assertThat(n.get("delivery").asText()).isEqualTo(id);
            assertThat(n.get("seq").asLong()).isEqualTo(connected.get("seq").asLong() + 1);
            assertThat(n.get("notification").get("type").asText()).isEqualTo("payment.received");
            assertThat(n.get("notification").get("text").asText()).isEqualTo("Client 7 paid");
            assertThat(n.get("notification").get("data").get("uid").asInt()).isEqualTo(7);
            await().atMost(Duration.ofSeconds(5)).until(() -> status(id).equals("sent"));

            ws.send("{\"type\":\"ack\",\"delivery\":\"" + id + "\"}");
            await().atMost(Duration.ofSeconds(5)).until(() -> status(id).equals("delivered"));
        }
    }

    @Test
    void anAckThatArrivesBeforeTheAttemptIsRecordedStillCounts() {
        try (WsClient ws = connect("admin:20", null)) {
            ws.awaitConnected();
            java.util.List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) ids.add(notify("admin:20", "n" + i));
            for (int i = 0; i < 30; i++) {
                JsonNode n = ws.nextOfType("notification");
                ws.send("{\"type\":\"ack\",\"delivery\":\"" + n.get("delivery").asText() + "\"}");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> ids.stream().allMatch(id -> status(id).equals("delivered")));
        }
    }

    @Test
    void manyDeliveriesCanBeAckedInOneFrame() {
        try (WsClient ws = connect("admin:21", null)) {
            ws.awaitConnected();
            String a = notify("admin:21", "a");
            String b = notify("admin:21", "b");
            ws.nextOfType("notification");
            ws.nextOfType("notification");
            ws.send("{\"type\":\"ack\",\"deliveries\":[\"" + a + "\",\"" + b + "\"]}");
            await().atMost(Duration.ofSeconds(10)).until(() -> status(a).equals("delivered") && status(b).equals("delivered"));
        }
    }

    @Test
    void aScheduledNotificationNumberedBeforeSinceIsStillReplayedOnceDue() {
        String soon = Instant.now().plusMillis(1500).toString();
        var scheduled = api.post("/api/v1/notifications", "{\"to\":\"admin:22\",\"text\":\"later\",\"channels\":[\"browser\"],\"send_at\":\"" + soon + "\"}");
        String later = scheduled.json().get("deliveries").get(0).get("id").asText();
        long seen;
        try (WsClient ws = connect("admin:22", null)) {
            ws.awaitConnected();
            notify("admin:22", "now");
            seen = ws.nextOfType("notification").get("seq").asLong();
        }
        assertThat(seen).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/deliveries/" + later).json().get("attempts").asInt() >= 1);
        try (WsClient ws = connect("admin:22", seen)) {
            ws.nextOfType("connected");
            JsonNode n = ws.next();
            assertThat(n.get("delivery").asText()).isEqualTo(later);
            assertThat(n.get("seq").asLong()).isEqualTo(1);
        }
    }

    @Test
    void theTokenMayComeAsAQueryParameter() {
        try (WsClient ws = WsClient.open(herald.baseUrl(), "token=" + token("admin:2"))) {
            assertThat(ws.next().get("type").asText()).isEqualTo("connected");
        }
    }

    @Test
    void everyTabOfARecipientGetsTheNotificationAndPresenceCountsThem() {
        try (WsClient tab1 = connect("admin:3", null); WsClient tab2 = connect("admin:3", null)) {
            tab1.awaitConnected();
            tab2.awaitConnected();
            JsonNode p = api.get("/api/v1/presence/admin:3").json();
            assertThat(p.get("online").asBoolean()).isTrue();
            assertThat(p.get("connections").asInt()).isEqualTo(2);
            assertThat(api.get("/api/v1/presence?kind=admin").json().get("online").findValuesAsText("")).isEmpty();
            assertThat(api.get("/api/v1/presence?kind=admin").json().get("online").toString()).contains("admin:3");

            String id = notify("admin:3", "both tabs");
            assertThat(tab1.nextOfType("notification").get("delivery").asText()).isEqualTo(id);
            assertThat(tab2.nextOfType("notification").get("delivery").asText()).isEqualTo(id);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !api.get("/api/v1/presence/admin:3").json().get("online").asBoolean());
    }

    @Test
    void notificationsSentWhileOfflineWaitAndArriveOnReconnectWithSince() {
        long lastSeen;
        try (WsClient ws = connect("admin:4", null)) {
            ws.awaitConnected();
            String one = notify("admin:4", "one");
            lastSeen = ws.nextOfType("notification").get("seq").asLong();
            // until its attempt is recorded a delivery counts as in flight, and a replay sends it again
            await().atMost(Duration.ofSeconds(5)).until(() -> status(one).equals("sent"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !api.get("/api/v1/presence/admin:4").json().get("online").asBoolean());
        String two = notify("admin:4", "two");
        String three = notify("admin:4", "three");
        await().atMost(Duration.ofSeconds(5)).until(() -> api.get("/api/v1/deliveries/" + three).json().get("last_error").asText("").contains("offline"));
        assertThat(status(two)).isEqualTo("queued");

        try (WsClient ws = connect("admin:4", lastSeen)) {
            JsonNode connected = ws.next();
            assertThat(connected.get("type").asText()).isEqualTo("connected");
            assertThat(connected.get("recovered").asBoolean()).isTrue();
            assertThat(connected.get("seq").asLong()).isEqualTo(lastSeen + 2);
            JsonNode first = ws.next();
            JsonNode second = ws.next();
            assertThat(first.get("notification").get("text").asText()).isEqualTo("two");
            assertThat(first.get("seq").asLong()).isEqualTo(lastSeen + 1);
            assertThat(second.get("notification").get("text").asText()).isEqualTo("three");
            JsonNode replayed = ws.next();
            assertThat(replayed.get("type").asText()).isEqualTo("replayed");
            assertThat(replayed.get("count").asInt()).isEqualTo(2);
            assertThat(replayed.get("seq").asLong()).isEqualTo(lastSeen + 2);
            assertThat(status(two)).isEqualTo("sent");
        }
    }

    @Test
    void aNewConnectionWithoutSinceGetsWhatWasWaitingForTheRecipient() {
        String waiting = notify("admin:5", "while away");
        await().atMost(Duration.ofSeconds(5)).until(() -> api.get("/api/v1/deliveries/" + waiting).json().get("attempts").asInt() == 1);
        try (WsClient ws = connect("admin:5", null)) {
            ws.nextOfType("connected");
            assertThat(ws.nextOfType("notification").get("delivery").asText()).isEqualTo(waiting);
        }
    }

    @Test
    void aSinceFromTheFutureIsNotRecovered() {
        try (WsClient ws = connect("admin:6", 999L)) {
            JsonNode connected = ws.next();
            assertThat(connected.get("recovered").asBoolean()).isFalse();
        }
    }

    @Test
    void withoutAConnectFrameTheConnectionIsClosed() {
        try (WsClient ws = WsClient.open(herald.baseUrl(), null)) {
            assertThat(ws.nextOfType("error").get("code").asText()).isEqualTo("connect_timeout");
            assertThat(ws.closeCode(Duration.ofSeconds(5))).isEqualTo(4000);
        }
    }

    @Test
    void aForgedTokenIsRefusedAndTheConnectionClosed() {
        String forged = JWT.create().withSubject("admin:1").withExpiresAt(Instant.now().plusSeconds(60))
                .sign(Algorithm.HMAC256("not-the-secret-not-the-secret-not-the"));
        try (WsClient ws = WsClient.open(herald.baseUrl(), null)) {
            ws.send("{\"type\":\"connect\",\"token\":\"" + forged + "\"}");
            JsonNode error = ws.next();
            assertThat(error.get("code").asText()).isEqualTo("unauthorized");
            assertThat(error.get("message").asText()).contains("invalid client token");
            assertThat(ws.closeCode(Duration.ofSeconds(5))).isEqualTo(4500);
        }
    }

    @Test
    void anExpiredTokenIsRefused() {
        String expired = JWT.create().withSubject("admin:1").withExpiresAt(Instant.now().minusSeconds(1))
                .sign(Algorithm.HMAC256(TestHerald.CLIENT_SECRET));
        try (WsClient ws = WsClient.open(herald.baseUrl(), "token=" + expired)) {
            JsonNode error = ws.next();
            assertThat(error.get("code").asText()).isEqualTo("token_expired");
            assertThat(error.get("message").asText()).isEqualTo("client token expired");
            assertThat(ws.closeCode(Duration.ofSeconds(5))).isEqualTo(4501);
        }
    }

    @Test
    void aConnectionWithoutATokenIsRefused() {
        try (WsClient ws = WsClient.open(herald.baseUrl(), null)) {
            ws.send("{\"type\":\"connect\"}");
            assertThat(ws.next().get("code").asText()).isEqualTo("unauthorized");
            assertThat(ws.closeCode(Duration.ofSeconds(5))).isEqualTo(4500);
        }
    }

    @Test
    void badFramesGetAnErrorFrameAndTheConnectionSurvives() {
        try (WsClient ws = connect("admin:7", null)) {
            ws.awaitConnected();
            ws.send("this is not json");
            assertThat(ws.next().get("code").asText()).isEqualTo("bad_request");
            ws.send("{\"type\":\"teleport\"}");
            JsonNode unknown = ws.next();
            assertThat(unknown.get("code").asText()).isEqualTo("bad_request");
            assertThat(unknown.get("message").asText()).contains("teleport");
            ws.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(2000) + "\"}");
            assertThat(ws.next().get("code").asText()).isEqualTo("frame_too_large");
            ws.sendBinary(new byte[] {1, 2, 3});
            assertThat(ws.next().get("code").asText()).isEqualTo("bad_request");
            ws.send("{\"type\":\"ack\",\"delivery\":\"not-mine\"}");
            JsonNode notFound = ws.next();
            assertThat(notFound.get("code").asText()).isEqualTo("not_found");
            assertThat(notFound.get("delivery").asText()).isEqualTo("not-mine");
            ws.send("{\"type\":\"ping\"}");
            assertThat(ws.next().get("type").asText()).isEqualTo("pong");
            assertThat(ws.isClosed()).isFalse();
        }
    }

    @Test
    void aClientCannotAckAnotherRecipientsDelivery() {
        String theirs = notify("admin:8", "not yours");
        try (WsClient ws = connect("admin:9", null)) {
            ws.awaitConnected();
            ws.send("{\"type\":\"ack\",\"delivery\":\"" + theirs + "\"}");
            assertThat(ws.nextOfType("error").get("code").asText()).isEqualTo("not_found");
        }
        assertThat(status(theirs)).isNotEqualTo("delivered");
    }

    @Test
    void topicsNeedTheTokensPermissionAndCarryEvents() {
        try (WsClient ws = WsClient.open(herald.baseUrl(), "token=" + token("admin:10", "news"))) {
            ws.awaitConnected();
            ws.send("{\"type\":\"subscribe\",\"topic\":\"blf\"}");
            JsonNode forbidden = ws.next();
            assertThat(forbidden.get("code").asText()).isEqualTo("forbidden");
            assertThat(forbidden.get("topic").asText()).isEqualTo("blf");
            ws.send("{\"type\":\"subscribe\",\"topic\":\"news\"}");
            JsonNode subscribed = ws.next();
            assertThat(subscribed.get("type").asText()).isEqualTo("subscribed");
            assertThat(subscribed.get("topic").asText()).isEqualTo("news");
            assertThat(subscribed.has("snapshot")).isTrue();

            assertThat(api.post("/api/v1/topics/news/events", "{\"data\":{\"headline\":\"maintenance at 2am\"}}").status()).isEqualTo(202);
            JsonNode event = ws.next();
            assertThat(event.get("type").asText()).isEqualTo("event");
            assertThat(event.get("data").get("headline").asText()).isEqualTo("maintenance at 2am");

            ws.send("{\"type\":\"unsubscribe\",\"topic\":\"news\"}");
            assertThat(ws.next().get("type").asText()).isEqualTo("unsubscribed");
            api.post("/api/v1/topics/news/events", "{\"data\":{\"headline\":\"not for you\"}}");
            ws.send("{\"type\":\"ping\"}");
            assertThat(ws.next().get("type").asText()).as("no event after unsubscribe").isEqualTo("pong");
        }
    }

    @Test
    void aTopicEventWithABadTopicOrBodyGetsAJsonErrorNamingTheField() {
        var badTopic = api.post("/api/v1/topics/no%20spaces/events", "{\"data\":{}}");
        assertThat(badTopic.status()).isEqualTo(400);
        assertThat(badTopic.json().get("field").asText()).isEqualTo("topic");
        var noData = api.post("/api/v1/topics/news/events", "{\"headline\":\"x\"}");
        assertThat(noData.status()).isEqualTo(400);
        assertThat(noData.json().get("field").asText()).isEqualTo("data");
        var notJson = api.post("/api/v1/topics/news/events", "{not json");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(new ApiClient(herald.baseUrl(), "not-a-key").post("/api/v1/topics/news/events", "{\"data\":{}}").status()).isEqualTo(401);
    }

    @Test
    void presenceChangesArePublishedOnThePresenceTopic() {
        try (WsClient watcher = WsClient.open(herald.baseUrl(), "token=" + token("admin:11", "presence"))) {
            watcher.awaitConnected();
            watcher.send("{\"type\":\"subscribe\",\"topic\":\"presence\"}");
            watcher.nextOfType("subscribed");
            try (WsClient other = connect("admin:12", null)) {
                other.awaitConnected();
                JsonNode online = watcher.nextMatching(f -> "event".equals(f.path("type").asText())
                        && "admin:12".equals(f.path("data").path("recipient").asText()));
                assertThat(online.get("data").get("online").asBoolean()).isTrue();
            }
            JsonNode offline = watcher.nextMatching(f -> "event".equals(f.path("type").asText())
                    && "admin:12".equals(f.path("data").path("recipient").asText()));
            assertThat(offline.get("data").get("online").asBoolean()).isFalse();
        }
    }

    @Test
    void aPlainHttpRequestToTheWebSocketPathGetsAJsonError() {
        var r = api.get("/ws");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("bad_request");
    }
}
