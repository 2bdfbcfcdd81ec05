package org.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.herald.core.Json;
import org.herald.testing.ApiClient;
import org.herald.testing.ApiResponse;
import org.herald.testing.MockPushService;
import org.herald.testing.MockPushService.Answer;
import org.herald.testing.MockPushService.Subscription;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Web Push end to end: browsers subscribe over the API, notifications go out through a local push service that
 * checks VAPID and decrypts with its own code, and each of its answers leads to the documented delivery status and
 * subscription state.
 */
class WebPushApiTest {
    static final String SUBJECT = "mailto:ops@isp.example";
    static final AtomicInteger ids = new AtomicInteger();
    static MockPushService push;
    static TestHerald herald;
    static ApiClient api;
    static String vapidKey;

    @BeforeAll
    static void start() {
        push = MockPushService.start();
        herald = TestHerald.builder()
                .env("HERALD_WEBPUSH_ALLOWED_ENDPOINTS", push.origin() + ",https://fcm.googleapis.com")
                .env("HERALD_WEBPUSH_SUBJECT", SUBJECT)
                .env("HERALD_QUEUE_BACKOFF_BASE", "100ms")
                .env("HERALD_QUEUE_MAX_ATTEMPTS", "4")
                .start();
        api = herald.api();
        vapidKey = herald.anonymous().get("/api/v1/push/vapid-public-key").json().get("key").asText();
        push.expectVapidKey(vapidKey);
    }

    @AfterAll
    static void stop() {
        herald.close();
        push.close();
    }

    static String recipient() {
        return "admin:wp" + ids.incrementAndGet();
    }

    static JsonNode subscribe(String recipient, Subscription s) {
        ApiResponse r = api.as(api.clientToken(recipient)).post("/api/v1/push/subscriptions", s.json());
        assertThat(r.status()).as(r.text()).isIn(200, 201);
        return r.json();
    }

    static String notify(String recipient, String extra) {
        ApiResponse r = api.post("/api/v1/notifications", "{\"to\":\"" + recipient + "\",\"channels\":[\"webpush\"],"
                + "\"title\":\"Payment received\",\"text\":\"Client 1001 paid 10.00\"" + extra + "}");
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        return r.json().get("id").asText();
    }

    static JsonNode delivery(String notificationId) {
        return api.get("/api/v1/notifications/" + notificationId).json().get("deliveries").get(0);
    }

    static JsonNode awaitDelivery(String notificationId, String status) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> delivery(notificationId), d -> d.get("status").asText().equals(status));
    }

    @Test
    void thePublicKeyIsServedWithoutAuthAndIsTheStoredPair() throws Exception {
        byte[] key = java.util.Base64.getUrlDecoder().decode(vapidKey);
        assertThat(key).hasSize(65);
        assertThat(key[0]).isEqualTo((byte) 4);
        Map<String, Object> stored = Json.readMap(Files.readString(herald.dataDir().resolve("vapid.json")));
        assertThat(stored.get("public_key")).isEqualTo(vapidKey);
        assertThat(Files.getPosixFilePermissions(herald.dataDir().resolve("vapid.json")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
    }

    @Test
    void aNotificationReachesTheBrowserEncryptedWithVapidAndTheRfc8030Headers() {
        String me = recipient();
        Subscription browser = push.newSubscription();
        JsonNode sub = subscribe(me, browser);
        assertThat(sub.get("contact_id").asText()).isNotBlank();
        assertThat(sub.get("secret").asText()).hasSize(43);

        String id = notify(me, ",\"priority\":9,\"ttl\":\"2h\",\"data\":{\"url\":\"https://billing.example/pay/1001\","
                + "\"icon\":\"/icon.png\",\"collapse_key\":\"balance-1001\"}");
        JsonNode d = awaitDelivery(id, "sent");
        assertThat(d.get("gateway").asText()).isEqualTo("127.0.0.1");
        assertThat(d.get("attempts").asInt()).isEqualTo(1);

        var got = push.receivedBy(browser.id());
        assertThat(got).hasSize(1);
        var r = got.get(0);
        assertThat(r.message()).containsEntry("title", "Payment received").containsEntry("text", "Client 1001 paid 10.00")
                .containsEntry("url", "https://billing.example/pay/1001").containsEntry("icon", "/icon.png")
                .containsEntry("id", d.get("id").asText()).containsEntry("notification", id).containsEntry("tag", id);
        assertThat(r.urgency()).isEqualTo("high");
        assertThat(r.topic()).isEqualTo("balance-1001");
        assertThat(Long.parseLong(r.ttl())).isBetween(7000L, 7200L);
        assertThat(r.vapid().aud()).isEqualTo(push.origin());
        assertThat(r.vapid().sub()).isEqualTo(SUBJECT);
        assertThat(r.vapid().k()).isEqualTo(vapidKey);
        assertThat(r.vapid().exp()).isGreaterThan(Instant.now().getEpochSecond()).isLessThanOrEqualTo(Instant.now().getEpochSecond() + 24 * 3600);
    }

    @Test
    void everyBrowserOfTheRecipientGetsThePushAndTheSameBrowserAgainIsOneSubscription() {
        String me = recipient();
        Subscription laptop = push.newSubscription(), phone = push.newSubscription();
        String first = subscribe(me, laptop).get("contact_id").asText();
        ApiResponse again = api.as(api.clientToken(me)).post("/api/v1/push/subscriptions", laptop.json());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("contact_id").asText()).isEqualTo(first);
        subscribe(me, phone);
        assertThat(api.get("/api/v1/recipients/" + me + "/push-subscriptions").json().get("subscriptions")).hasSize(2);

        String id = notify(me, ",\"priority\":1");
        awaitDelivery(id, "sent");
        assertThat(push.receivedBy(laptop.id())).hasSize(1);
        assertThat(push.receivedBy(phone.id())).hasSize(1);
        assertThat(push.receivedBy(phone.id()).get(0).urgency()).isEqualTo("very-low");
    }

    @Test
    void goneSubscriptionsAreDeletedAndTheDeliveryFailsWithoutRetry() {
        for (int status : new int[] {404, 410}) {
            String me = recipient();
            Subscription browser = push.newSubscription();
            subscribe(me, browser);
            push.answer(browser.id(), new Answer(status, null));
            String id = notify(me, "");
            JsonNode d = awaitDelivery(id, "failed");
            assertThat(d.get("attempts").asInt()).isEqualTo(1);
            assertThat(d.get("last_error").asText()).contains("push subscription gone").contains(String.valueOf(status));
            assertThat(api.get("/api/v1/recipients/" + me + "/push-subscriptions").json().get("subscriptions")).isEmpty();
            // the next notification has nowhere to go: skipped with the reason, not queued
            ApiResponse next = api.post("/api/v1/notifications", "{\"to\":\"" + me + "\",\"channels\":[\"webpush\"],\"text\":\"x\"}");
            assertThat(next.json().get("deliveries").get(0).get("status").asText()).isEqualTo("skipped");
            assertThat(next.json().get("deliveries").get(0).get("reason").asText()).isEqualTo("recipient has no push subscription");
        }
    }

    @Test
    void payloadTooLargeIsAPermanentFailureAndKeepsTheSubscription() {
        String me = recipient();
        Subscription browser = push.newSubscription();
        subscribe(me, browser);
        push.answer(browser.id(), new Answer(413, null));
        String id = notify(me, "");
        JsonNode d = awaitDelivery(id, "failed");
        assertThat(d.get("attempts").asInt()).isEqualTo(1);
        assertThat(d.get("last_error").asText()).contains("413");
        assertThat(api.get("/api/v1/recipients/" + me + "/push-subscriptions").json().get("subscriptions")).hasSize(1);
    }

    @Test
    void tooManyRequestsIsRetriedNoSoonerThanRetryAfter() {
        String me = recipient();
        Subscription browser = push.newSubscription();
        subscribe(me, browser);
        push.answer(browser.id(), new Answer(429, "2"));
        String id = notify(me, "");
        JsonNode d = awaitDelivery(id, "sent");
        assertThat(d.get("attempts").asInt()).isEqualTo(2);
        var got = push.receivedBy(browser.id());
        assertThat(got).extracting(MockPushService.Received::answeredWith).containsExactly(429, 201);
        assertThat(Duration.between(got.get(0).at(), got.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @Test
    void serverErrorsAreRetriedAndOnlyTheBrowsersThatMissedThePushGetItAgain() {
        String me = recipient();
        Subscription ok = push.newSubscription(), flaky = push.newSubscription();
        subscribe(me, ok);
        subscribe(me, flaky);
        push.answer(flaky.id(), new Answer(500, null), new Answer(503, null));
        String id = notify(me, "");
        JsonNode d = awaitDelivery(id, "sent");
        assertThat(d.get("attempts").asInt()).isEqualTo(3);
        assertThat(push.receivedBy(ok.id())).hasSize(1);
        assertThat(push.receivedBy(flaky.id())).extracting(MockPushService.Received::answeredWith).containsExactly(500, 503, 201);
    }

    @Test
    void serverErrorsUntilTheAttemptsRunOutFailTheDelivery() {
        String me = recipient();
        Subscription browser = push.newSubscription();
        subscribe(me, browser);
        push.answer(browser.id(), new Answer(500, null), new Answer(500, null), new Answer(500, null), new Answer(500, null));
        String id = notify(me, "");
        JsonNode d = awaitDelivery(id, "failed");
        assertThat(d.get("attempts").asInt()).isEqualTo(4);
        assertThat(d.get("last_error").asText()).contains("500");
        assertThat(api.get("/api/v1/recipients/" + me + "/push-subscriptions").json().get("subscriptions")).hasSize(1);
    }

    @Test
    void aNotificationTooLargeForOnePushIsFetchedWithTheContactSecret() {
        String me = recipient();
        Subscription browser = push.newSubscription();
        JsonNode sub = subscribe(me, browser);
        String contact = sub.get("contact_id").asText(), secret = sub.get("secret").asText();
        String text = "x".repeat(5000);
        ApiResponse r = api.post("/api/v1/notifications", "{\"to\":\"" + me + "\",\"channels\":[\"webpush\"],\"title\":\"Report\",\"text\":\"" + text + "\"}");
        String id = r.json().get("id").asText();
        awaitDelivery(id, "sent");
        var pushed = push.receivedBy(browser.id()).get(0).message();
        assertThat(pushed).containsEntry("fetch", true).containsEntry("contact_id", contact).doesNotContainKey("text");

        ApiClient anon = herald.anonymous();
        ApiResponse wrong = anon.sendWithHeaders("GET", "/api/v1/push/messages/" + contact, null, Map.of("X-Herald-Contact-Secret", "nope"));
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.json().get("error").asText()).isEqualTo("forbidden");
        assertThat(anon.get("/api/v1/push/messages/" + contact).status()).isEqualTo(403);

        ApiResponse fetched = anon.sendWithHeaders("GET", "/api/v1/push/messages/" + contact, null, Map.of("X-Herald-Contact-Secret", secret));
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json()).hasSize(1);
        assertThat(fetched.json().get(0).get("text").asText()).isEqualTo(text);
        assertThat(fetched.json().get(0).get("title").asText()).isEqualTo("Report");
        assertThat(awaitDelivery(id, "delivered").get("delivered_at").isNull()).isFalse();
        ApiResponse second = anon.sendWithHeaders("GET", "/api/v1/push/messages/" + contact, null, Map.of("X-Herald-Contact-Secret", secret));
        assertThat(second.json()).isEmpty();
    }

    @Test
    void badSubscriptionsAreRefusedWithTheFieldNamed() {
        String me = recipient();
        ApiClient client = api.as(api.clientToken(me));
        Subscription good = push.newSubscription();
        Map<String, Object> base = Json.readMap(good.json());
        @SuppressWarnings("unchecked") Map<String, Object> keys = (Map<String, Object>) base.get("keys");

        byte[] point = java.util.Base64.getUrlDecoder().decode((String) keys.get("p256dh"));
        point[64] ^= 1;
        String offCurve = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(point);
        assertRefused(client, Map.of("endpoint", good.endpoint(), "keys", Map.of("p256dh", offCurve, "auth", keys.get("auth"))),
                "keys.p256dh", "not a point on the P-256 curve");
        assertRefused(client, Map.of("endpoint", good.endpoint(), "keys", Map.of("p256dh", keys.get("p256dh"), "auth", "AAAAAAAAAAAAAAAAAAAA")),
                "keys.auth", "16 bytes");
        assertRefused(client, Map.of("endpoint", "http://fcm.googleapis.com/fcm/send/x", "keys", keys), "endpoint", "https");
        assertRefused(client, Map.of("endpoint", "https://169.254.169.254/latest/meta-data", "keys", keys), "endpoint", "not on a known push service");
        assertRefused(client, Map.of("endpoint", "https://fcm.googleapis.com.evil.example/x", "keys", keys), "endpoint", "not on a known push service");
        assertRefused(client, Map.of("endpoint", good.endpoint()), "keys", "required");

        assertThat(herald.anonymous().post("/api/v1/push/subscriptions", good.json()).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/recipients/" + me + "/push-subscriptions").json().get("subscriptions")).isEmpty();
        // an allow-listed real push service is accepted (nothing is sent to it here)
        assertThat(client.post("/api/v1/push/subscriptions", Json.write(Map.of("endpoint", "https://fcm.googleapis.com/fcm/send/abc",
                "keys", keys))).status()).isEqualTo(201);
    }

    static void assertRefused(ApiClient client, Map<String, Object> body, String field, String messagePart) {
        ApiResponse r = client.post("/api/v1/push/subscriptions", Json.write(body));
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo(field);
        assertThat(r.json().get("message").asText()).contains(messagePart);
    }

    @Test
    void onlyTheOwnerDeletesASubscriptionAndAnotherLoginTakesTheBrowserOver() {
        String alice = recipient(), bob = recipient();
        Subscription browser = push.newSubscription();
        String contact = subscribe(alice, browser).get("contact_id").asText();
        assertThat(api.as(api.clientToken(bob)).delete("/api/v1/push/subscriptions/" + contact).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/recipients/" + alice + "/push-subscriptions").json().get("subscriptions")).hasSize(1);

        // bob logs in on the same browser profile: the endpoint moves to him, alice no longer pushes there
        String bobs = subscribe(bob, browser).get("contact_id").asText();
        assertThat(bobs).isNotEqualTo(contact);
        assertThat(api.get("/api/v1/recipients/" + alice + "/push-subscriptions").json().get("subscriptions")).isEmpty();

        assertThat(api.as(api.clientToken(bob)).delete("/api/v1/push/subscriptions/" + bobs).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/recipients/" + bob + "/push-subscriptions").json().get("subscriptions")).isEmpty();
    }

    @Test
    void aServiceWorkerMovesItsSubscriptionToANewEndpointWithItsSecret() {
        String me = recipient();
        Subscription old = push.newSubscription(), renewed = push.newSubscription();
        JsonNode sub = subscribe(me, old);
        String contact = sub.get("contact_id").asText();
        ApiClient anon = herald.anonymous();
        assertThat(anon.sendWithHeaders("PUT", "/api/v1/push/subscriptions/" + contact, renewed.json(), Map.of("X-Herald-Contact-Secret", "bad")).status())
                .isEqualTo(403);
        ApiResponse r = anon.sendWithHeaders("PUT", "/api/v1/push/subscriptions/" + contact, renewed.json(),
                Map.of("X-Herald-Contact-Secret", sub.get("secret").asText()));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        String id = notify(me, "");
        awaitDelivery(id, "sent");
        assertThat(push.receivedBy(renewed.id())).hasSize(1);
        assertThat(push.receivedBy(old.id())).isEmpty();
    }

    @Test
    void aStoredEndpointNoLongerAllowedIsNeverPushedToAndIsDeleted() throws Exception {
        String me = recipient();
        Subscription browser = push.newSubscription();
        String contact = subscribe(me, browser).get("contact_id").asText();
        // as if stored under an earlier, wider allow-list
        try (var c = java.sql.DriverManager.getConnection(herald.config().db().url(), herald.config().db().user(), "")) {
            var st = c.prepareStatement("UPDATE push_subscriptions SET endpoint = ? WHERE id = ?");
            st.setString(1, "https://internal.example.lan/push/x");
            st.setString(2, contact);
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        JsonNode d = awaitDelivery(notify(me, ""), "failed");
        assertThat(d.get("last_error").asText()).contains("not on a known push service");
        assertThat(api.get("/api/v1/recipients/" + me + "/push-subscriptions").json().get("subscriptions")).isEmpty();
        assertThat(push.receivedBy(browser.id())).isEmpty();
    }

    @Test
    void pushesToOneServiceReuseTheConnection() {
        String me = recipient();
        Subscription browser = push.newSubscription();
        subscribe(me, browser);
        int before = push.connections();
        for (int i = 0; i < 10; i++) awaitDelivery(notify(me, ""), "sent");
        assertThat(push.receivedBy(browser.id())).hasSize(10);
        assertThat(push.connections() - before).isLessThanOrEqualTo(1);
        // the mock offers HTTP/2 (cleartext upgrade); the sender takes it
        assertThat(push.receivedBy(browser.id())).extracting(MockPushService.Received::httpVersion).containsOnly("HTTP_2");
    }
}
