package org.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.herald.testing.ApiClient;
import org.herald.testing.ApiResponse;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InboxApiTest {
    static TestHerald herald;
    static ApiClient api;

    @BeforeAll
    static void start() {
        herald = TestHerald.start();
        api = herald.api();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    static String token(String recipient) {
        ApiResponse r = api.post("/api/v1/tokens", "{\"recipient\":\"" + recipient + "\",\"ttl\":\"1h\",\"topics\":[\"blf\"]}");
        assertThat(r.status()).isEqualTo(201);
        assertThat(Instant.parse(r.json().get("expires_at").asText())).isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3700));
        return r.json().get("token").asText();
    }

    static void sendAndWait(String to, String title) {
        String id = api.post("/api/v1/notifications", "{\"to\":\"" + to + "\",\"title\":\"" + title + "\",\"text\":\"t\"}").json().get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(
                api.get("/api/v1/notifications/" + id).json().get("deliveries").get(0).get("status").asText()));
    }

    @Test
    void aRecipientSeesOnlyItsOwnInboxNewestFirstWithTheUnreadCount() {
        sendAndWait("admin:100", "first");
        sendAndWait("admin:100", "second");
        sendAndWait("admin:101", "someone else's");
        ApiClient me = api.as(token("admin:100"));
        JsonNode inbox = me.get("/api/v1/inbox").json();
        assertThat(inbox.get("items").findValuesAsText("title")).containsExactly("second", "first");
        assertThat(inbox.get("unread").asInt()).isEqualTo(2);

        JsonNode page = me.get("/api/v1/inbox?limit=1").json();
        assertThat(page.get("items").findValuesAsText("title")).containsExactly("second");
        String before = page.get("items").get(0).get("id").asText();
        assertThat(me.get("/api/v1/inbox?limit=1&before=" + before).json().get("items").findValuesAsText("title")).containsExactly("first");
    }

    @Test
    void readingAnItemMarksItAndItsDeliveryRead() {
        sendAndWait("admin:200", "a");
        sendAndWait("admin:200", "b");
        ApiClient me = api.as(token("admin:200"));
        String id = me.get("/api/v1/inbox").json().get("items").get(0).get("id").asText();
        ApiResponse read = me.post("/api/v1/inbox/" + id + "/read", null);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().get("unread").asInt()).isEqualTo(1);
        assertThat(me.get("/api/v1/inbox?unread=true").json().get("items")).hasSize(1);
        JsonNode delivery = api.get("/api/v1/deliveries/" + id).json();
        assertThat(delivery.get("status").asText()).isEqualTo("read");
        assertThat(delivery.get("read_at").isNull()).isFalse();

        ApiResponse all = me.post("/api/v1/inbox/read-all", null);
        assertThat(all.json().get("marked").asInt()).isEqualTo(1);
        assertThat(all.json().get("unread").asInt()).isZero();
    }

    @Test
    void deletingAnItemHidesItAndOthersCannotTouchIt() {
        sendAndWait("admin:300", "mine");
        ApiClient me = api.as(token("admin:300"));
        ApiClient other = api.as(token("admin:301"));
        String id = me.get("/api/v1/inbox").json().get("items").get(0).get("id").asText();
        assertThat(other.post("/api/v1/inbox/" + id + "/read", null).status()).isEqualTo(404);
        assertThat(other.delete("/api/v1/inbox/" + id).status()).isEqualTo(404);
        assertThat(me.delete("/api/v1/inbox/" + id).status()).isEqualTo(204);
        assertThat(me.get("/api/v1/inbox").json().get("items")).isEmpty();
        assertThat(me.delete("/api/v1/inbox/" + id).status()).isEqualTo(404);
    }

    @Test
    void theInboxRefusesMissingBadAndExpiredTokensAndServerKeys() {
        assertThat(herald.anonymous().get("/api/v1/inbox").status()).isEqualTo(401);
        assertThat(api.get("/api/v1/inbox").status()).as("a server key is not a client token").isEqualTo(401);
        String forged = JWT.create().withSubject("admin:1").withExpiresAt(Instant.now().plusSeconds(60))
                .sign(Algorithm.HMAC256("another-secret-another-secret-another"));
        ApiResponse bad = api.as(forged).get("/api/v1/inbox");
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.json().get("message").asText()).contains("invalid client token");
        Algorithm right = Algorithm.HMAC256(TestHerald.CLIENT_SECRET);
        String expired = JWT.create().withSubject("admin:1").withExpiresAt(Instant.now().minusSeconds(5)).sign(right);
        assertThat(api.as(expired).get("/api/v1/inbox").json().get("message").asText()).isEqualTo("client token expired");
        String noExp = JWT.create().withSubject("admin:1").sign(right);
        assertThat(api.as(noExp).get("/api/v1/inbox").status()).isEqualTo(401);
        String badSub = JWT.create().withSubject("nobody").withExpiresAt(Instant.now().plusSeconds(60)).sign(right);
        assertThat(api.as(badSub).get("/api/v1/inbox").status()).isEqualTo(401);
        String good = JWT.create().withSubject("admin:1").withExpiresAt(Instant.now().plusSeconds(60)).sign(right);
        assertThat(api.as(good).get("/api/v1/inbox").status()).as("a token the billing system minted itself").isEqualTo(200);
    }

    @Test
    void tokenRequestsAreValidated() {
        assertThat(api.post("/api/v1/tokens", "{}").json().get("field").asText()).isEqualTo("recipient");
        assertThat(api.post("/api/v1/tokens", "{\"recipient\":\"x\"}").json().get("error").asText()).isEqualTo("invalid_recipient");
        assertThat(api.post("/api/v1/tokens", "{\"recipient\":\"admin:1\",\"ttl\":\"999d\"}").json().get("field").asText()).isEqualTo("ttl");
        assertThat(api.post("/api/v1/tokens", "{\"recipient\":\"admin:1\",\"topics\":\"blf\"}").json().get("field").asText()).isEqualTo("topics");
        assertThat(herald.anonymous().post("/api/v1/tokens", "{\"recipient\":\"admin:1\"}").status()).isEqualTo(401);
    }

    @Test
    void mintingATokenRefusesUnknownFields() {
        var r = api.post("/api/v1/tokens", "{\"recipient\":\"admin:1\",\"topic\":[\"blf\"]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("unknown_field");
        assertThat(r.json().get("field").asText()).isEqualTo("topic");
    }
}
