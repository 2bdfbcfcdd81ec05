package org.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.herald.testing.ApiClient;
import org.herald.testing.ApiResponse;
import org.herald.testing.MockPushService;
import org.herald.testing.MutableClock;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.Test;

/** Fetch mode by configuration, the clean-up job, and Web Push turned off. */
class WebPushModesTest {
    static JsonNode awaitDelivery(ApiClient api, String notificationId, String status) {
        return await().atMost(Duration.ofSeconds(15)).until(
                () -> api.get("/api/v1/notifications/" + notificationId).json().get("deliveries").get(0),
                d -> d.get("status").asText().equals(status));
    }

    @Test
    void inFetchModeEveryPushIsAPointerAndUnfetchedMessagesAndStaleSubscriptionsAreCleanedUp() {
        MutableClock clock = MutableClock.startingNow();
        try (MockPushService push = MockPushService.start();
             TestHerald herald = TestHerald.builder().clock(clock)
                     .env("HERALD_WEBPUSH_ALLOWED_ENDPOINTS", push.origin())
                     .env("HERALD_WEBPUSH_MODE", "fetch")
                     .env("HERALD_WEBPUSH_MESSAGE_TTL", "24h")
                     .env("HERALD_WEBPUSH_SUBSCRIPTION_MAX_AGE", "30d")
                     .start()) {
            ApiClient api = herald.api();
            var browser = push.newSubscription();
            ApiResponse sub = api.as(api.clientToken("user:7")).post("/api/v1/push/subscriptions", browser.json());
            String contact = sub.json().get("contact_id").asText();
            String secret = sub.json().get("secret").asText();

            String id = api.post("/api/v1/notifications", "{\"to\":\"user:7\",\"channels\":[\"webpush\"],\"title\":\"Low balance\","
                    + "\"text\":\"Your balance is 1.20\",\"ttl\":\"7d\"}").json().get("id").asText();
            awaitDelivery(api, id, "sent");
            assertThat(push.receivedBy(browser.id()).get(0).message()).isEqualTo(Map.of("fetch", true, "contact_id", contact));

            // never fetched: after the message's 24 h the clean-up deletes it
            clock.advance(Duration.ofHours(23));
            assertThat(herald.server().pushCleanup().runOnce().expiredMessages()).isZero();
            clock.advance(Duration.ofHours(2));
            var first = herald.server().pushCleanup().runOnce();
            assertThat(first.expiredMessages()).isEqualTo(1);
            assertThat(first.staleSubscriptions()).isZero();
            ApiResponse fetched = herald.anonymous().sendWithHeaders("GET", "/api/v1/push/messages/" + contact, null,
                    Map.of("X-Herald-Contact-Secret", secret));
            assertThat(fetched.status()).isEqualTo(200);
            assertThat(fetched.json()).isEmpty();

            // the fetch above counted as seen; 30 days without a sign of the browser and it is gone
            clock.advance(Duration.ofDays(29));
            assertThat(herald.server().pushCleanup().runOnce().staleSubscriptions()).isZero();
            clock.advance(Duration.ofDays(2));
            assertThat(herald.server().pushCleanup().runOnce().staleSubscriptions()).isEqualTo(1);
            assertThat(api.get("/api/v1/recipients/user:7/push-subscriptions").json().get("subscriptions")).isEmpty();
        }
    }

    @Test
    void withWebPushOffItsDeliveriesAreSkippedAndItsApiIsAbsent() {
        try (TestHerald herald = TestHerald.builder().env("HERALD_WEBPUSH_ENABLED", "false").start()) {
            ApiClient api = herald.api();
            ApiResponse r = api.post("/api/v1/notifications", "{\"to\":\"user:8\",\"channels\":[\"webpush\"],\"text\":\"x\"}");
            assertThat(r.json().get("deliveries").get(0).get("status").asText()).isEqualTo("skipped");
            assertThat(r.json().get("deliveries").get(0).get("reason").asText()).contains("not enabled");
            assertThat(herald.anonymous().get("/api/v1/push/vapid-public-key").status()).isEqualTo(404);
        }
    }
}
