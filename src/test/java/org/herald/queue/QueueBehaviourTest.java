package org.herald.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.herald.core.Outcome;
import org.herald.testing.ApiClient;
import org.herald.testing.ScriptedChannel;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.Test;

/** The dispatcher as a billing system sees it: priorities, retries, back-off, permanent failures. */
class QueueBehaviourTest {

    private static TestHerald.Builder fastRetries() {
        return TestHerald.builder()
                .env("HERALD_QUEUE_BACKOFF_BASE", "20ms")
                .env("HERALD_QUEUE_BACKOFF_MAX", "100ms")
                .env("HERALD_QUEUE_MAX_ATTEMPTS", "3");
    }

    private static JsonNode delivery(ApiClient api, String notificationId) {
        return api.get("/api/v1/notifications/" + notificationId).json().get("deliveries").get(0);
    }

    private static String send(ApiClient api, String body) {
        var r = api.post("/api/v1/notifications", body);
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        return r.json().get("id").asText();
    }

    @Test
    void anUrgentNotificationOvertakesABulkMailingOfTenThousand() {
        ScriptedChannel sms = new ScriptedChannel("sms");
        try (TestHerald herald = TestHerald.builder().channel(sms)
                .env("HERALD_QUEUE_CONCURRENCY", "4").env("HERALD_QUEUE_BATCH_SIZE", "4")
                .env("HERALD_NOTIFICATIONS_MAX_RECIPIENTS", "10000").start()) {
            ApiClient api = herald.api();
            sms.hold();
            StringBuilder to = new StringBuilder("[");
            for (int i = 0; i < 10_000; i++) to.append(i == 0 ? "" : ",").append("\"user:").append(i).append('"');
            send(api, "{\"to\":" + to + "],\"text\":\"bulk\",\"channels\":[\"sms\"],\"priority\":1}");
            await().atMost(Duration.ofSeconds(10)).until(() -> sms.attempts().size() == 4);

            String urgent = send(api, "{\"to\":\"admin:1\",\"text\":\"link down\",\"channels\":[\"sms\"],\"priority\":9}");
            sms.release();
            await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(delivery(api, urgent).get("status").asText()));

            List<String> order = sms.attempts().stream().map(c -> c.delivery().recipient().toString()).toList();
            assertThat(order.indexOf("admin:1")).as("position of the urgent delivery among attempts").isBetween(4, 8);
            assertThat(api.get("/api/v1/deliveries?status=queued&limit=500").json().get("deliveries").size())
                    .as("bulk deliveries still waiting when the urgent one was done").isEqualTo(500);
        }
    }

    @Test
    void aTransientFailureIsRetriedWithBackOffAndThenSucceeds() {
        ScriptedChannel sms = new ScriptedChannel("sms").then(Outcome.retry("SMSC busy"), Outcome.retry("SMSC busy again"));
        try (TestHerald herald = fastRetries().channel(sms).start()) {
            ApiClient api = herald.api();
            String id = send(api, "{\"to\":\"user:1\",\"text\":\"balance low\",\"channels\":[\"sms\"]}");
            await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(delivery(api, id).get("status").asText()));
            JsonNode d = delivery(api, id);
            assertThat(d.get("attempts").asInt()).isEqualTo(3);
            assertThat(d.get("last_error").asText()).isEqualTo("SMSC busy again");
            assertThat(d.get("gateway").asText()).isEqualTo("sms-gw");
            JsonNode log = api.get("/api/v1/deliveries/" + d.get("id").asText()).json().get("attempt_log");
            assertThat(log.findValuesAsText("outcome")).containsExactly("retry", "retry", "delivered");
            assertThat(log.findValuesAsText("error").subList(0, 2)).containsExactly("SMSC busy", "SMSC busy again");
        }
    }

    @Test
    void deliveriesThatKeepFailingAreMarkedFailedAfterMaxAttemptsAndCanBeRetriedByHand() {
        ScriptedChannel sms = new ScriptedChannel("sms").then(Outcome.retry("down"), Outcome.retry("down"), Outcome.retry("still down"));
        try (TestHerald herald = fastRetries().channel(sms).start()) {
            ApiClient api = herald.api();
            String id = send(api, "{\"to\":\"user:2\",\"text\":\"x\",\"channels\":[\"sms\"]}");
            await().atMost(Duration.ofSeconds(10)).until(() -> "failed".equals(delivery(api, id).get("status").asText()));
            JsonNode d = delivery(api, id);
            assertThat(d.get("attempts").asInt()).isEqualTo(3);
            assertThat(d.get("last_error").asText()).isEqualTo("still down");
            assertThat(sms.attempts()).hasSize(3);

            var failed = api.get("/api/v1/deliveries?status=failed&channel=sms").json().get("deliveries");
            assertThat(failed.findValuesAsText("id")).contains(d.get("id").asText());

            var retried = api.post("/api/v1/deliveries/" + d.get("id").asText() + "/retry", null);
            assertThat(retried.status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(delivery(api, id).get("status").asText()));
            assertThat(sms.attempts()).hasSize(4);
        }
    }

    @Test
    void aPermanentFailureIsNotRetried() {
        ScriptedChannel sms = new ScriptedChannel("sms").then(Outcome.permanent("number does not exist"));
        try (TestHerald herald = fastRetries().channel(sms).start()) {
            ApiClient api = herald.api();
            String id = send(api, "{\"to\":\"user:3\",\"text\":\"x\",\"channels\":[\"sms\"]}");
            await().atMost(Duration.ofSeconds(10)).until(() -> "failed".equals(delivery(api, id).get("status").asText()));
            assertThat(delivery(api, id).get("attempts").asInt()).isEqualTo(1);
            assertThat(delivery(api, id).get("last_error").asText()).isEqualTo("number does not exist");
        }
    }

    @Test
    void aChannelCanAskToBeRetriedAfterAGivenTime() {
        ScriptedChannel sms = new ScriptedChannel("sms").then(Outcome.retryAfter("rate limited", Duration.ofHours(1)));
        try (TestHerald herald = fastRetries().channel(sms).start()) {
            ApiClient api = herald.api();
            String id = send(api, "{\"to\":\"user:4\",\"text\":\"x\",\"channels\":[\"sms\"]}");
            await().atMost(Duration.ofSeconds(10)).until(() -> delivery(api, id).get("attempts").asInt() == 1
                    && "queued".equals(delivery(api, id).get("status").asText()));
            JsonNode d = delivery(api, id);
            java.time.Instant due = java.time.Instant.parse(d.get("due_at").asText());
            assertThat(due).isAfter(java.time.Instant.now().plus(Duration.ofMinutes(59)));
            assertThat(d.get("last_error").asText()).isEqualTo("rate limited");
        }
    }

    @Test
    void aChannelThatThrowsIsRetriedAndTheErrorIsKept() {
        ScriptedChannel flaky = new ScriptedChannel("sms").thenThrow(new IllegalStateException("socket reset"));
        try (TestHerald herald = fastRetries().channel(flaky).start()) {
            ApiClient api = herald.api();
            String id = send(api, "{\"to\":\"user:5\",\"text\":\"x\",\"channels\":[\"sms\"]}");
            await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(delivery(api, id).get("status").asText()));
            assertThat(delivery(api, id).get("last_error").asText()).contains("socket reset");
            assertThat(delivery(api, id).get("attempts").asInt()).isEqualTo(2);
        }
    }

    @Test
    void anAttemptThatHangsTimesOutAndIsRetried() {
        ScriptedChannel sms = new ScriptedChannel("sms");
        try (TestHerald herald = fastRetries().env("HERALD_QUEUE_ATTEMPT_TIMEOUT", "200ms").env("HERALD_QUEUE_LEASE", "10s")
                .channel(sms).start()) {
            ApiClient api = herald.api();
            sms.hold();
            String id = send(api, "{\"to\":\"user:6\",\"text\":\"x\",\"channels\":[\"sms\"]}");
            await().atMost(Duration.ofSeconds(10)).until(() -> delivery(api, id).get("attempts").asInt() >= 2);
            sms.release();
            await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(delivery(api, id).get("status").asText()));
            assertThat(delivery(api, id).get("last_error").asText()).contains("timed out");
        }
    }

    @Test
    void retryingADeliveredDeliveryIsAConflictAndAnUnknownOneIs404() {
        try (TestHerald herald = TestHerald.start()) {
            ApiClient api = herald.api();
            String id = send(api, "{\"to\":\"user:7\",\"text\":\"x\"}");
            await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(delivery(api, id).get("status").asText()));
            var r = api.post("/api/v1/deliveries/" + delivery(api, id).get("id").asText() + "/retry", null);
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().get("error").asText()).isEqualTo("not_retryable");
            assertThat(api.post("/api/v1/deliveries/nope/retry", null).status()).isEqualTo(404);
        }
    }
}
