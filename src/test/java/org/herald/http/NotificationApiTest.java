package org.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.herald.testing.ApiClient;
import org.herald.testing.ApiResponse;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NotificationApiTest {
    static TestHerald herald;
    static ApiClient api;

    @BeforeAll
    static void start() {
        herald = TestHerald.builder().env("HERALD_NOTIFICATIONS_MAX_CONTENT_BYTES", "1024")
                .env("HERALD_NOTIFICATIONS_MAX_RECIPIENTS", "3").start();
        api = herald.api();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    static JsonNode awaitStatus(String notificationId, String status) {
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> api.get("/api/v1/notifications/" + notificationId).json(),
                n -> n.get("deliveries").findValuesAsText("status").stream().allMatch(status::equals));
    }

    @Test
    void anAcceptedNotificationIsAnsweredWith202AndEndsUpDeliveredToTheInbox() {
        ApiResponse r = api.post("/api/v1/notifications",
                "{\"to\":[\"admin:42\",\"user:1001\"],\"type\":\"payment.received\",\"title\":\"Payment\",\"text\":\"Client 1001 paid 10.00 USD\",\"data\":{\"uid\":1001},\"priority\":7}");
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("deliveries")).hasSize(2);
        assertThat(r.json().get("deliveries").findValuesAsText("status")).containsOnly("queued");
        assertThat(r.json().get("deliveries").findValuesAsText("channel")).containsOnly("inbox");

        JsonNode n = awaitStatus(r.json().get("id").asText(), "delivered");
        assertThat(n.get("type").asText()).isEqualTo("payment.received");
        assertThat(n.get("data").get("uid").asInt()).isEqualTo(1001);
        JsonNode d = n.get("deliveries").get(0);
        assertThat(d.get("attempts").asInt()).isEqualTo(1);
        assertThat(d.get("priority").asInt()).isEqualTo(7);
        assertThat(d.get("gateway").asText()).isEqualTo("inbox");
        assertThat(d.get("sent_at").isNull()).isFalse();
        assertThat(d.get("delivered_at").isNull()).isFalse();
        assertThat(d.get("last_error").isNull()).isTrue();
    }

    @Test
    void aSingleRecipientMayBeGivenAsAStringAndDuplicatesAreMerged() {
        ApiResponse r = api.post("/api/v1/notifications", "{\"to\":[\"admin:7\",\"admin:7\"],\"text\":\"x\"}");
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("deliveries")).hasSize(1);
        assertThat(api.post("/api/v1/notifications", "{\"to\":\"admin:7\",\"text\":\"x\"}").json().get("deliveries")).hasSize(1);
    }

    @Test
    void theSameIdempotencyKeyWithTheSameBodyReturnsTheFirstAnswer() {
        String body = "{\"to\":\"admin:1\",\"text\":\"once\"}";
        ApiResponse first = api.post("/api/v1/notifications", body, "key-same-1");
        ApiResponse second = api.post("/api/v1/notifications", body, "key-same-1");
        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.text()).isEqualTo(first.text());
        assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
        ApiResponse list = api.get("/api/v1/deliveries?to=admin:1&limit=500");
        assertThat(list.json().get("deliveries").findValuesAsText("notification_id"))
                .filteredOn(id -> id.equals(first.json().get("id").asText())).hasSize(1);
    }

    @Test
    void theIdempotencyKeyMayAlsoBeAField() {
        ApiResponse first = api.post("/api/v1/notifications", "{\"to\":\"admin:1\",\"text\":\"f\",\"idempotency_key\":\"key-field-1\"}");
        ApiResponse again = api.post("/api/v1/notifications", "{\"to\":\"admin:1\",\"text\":\"f\",\"idempotency_key\":\"key-field-1\"}");
        assertThat(again.json().get("id")).isEqualTo(first.json().get("id"));
    }

    @Test
    void theSameIdempotencyKeyWithAnotherBodyIsAConflict() {
        api.post("/api/v1/notifications", "{\"to\":\"admin:1\",\"text\":\"one\"}", "key-conflict-1");
        ApiResponse r = api.post("/api/v1/notifications", "{\"to\":\"admin:1\",\"text\":\"two\"}", "key-conflict-1");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("error").asText()).isEqualTo("idempotency_conflict");
        assertThat(r.json().get("field").asText()).isEqualTo("idempotency_key");
    }

    @Test
    void aScheduledNotificationWaitsUntilSendAtAndCanBeCancelled() {
        String later = Instant.now().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
        ApiResponse r = api.post("/api/v1/notifications", "{\"to\":\"admin:5\",\"text\":\"later\",\"send_at\":\"" + later + "\"}");
        assertThat(r.status()).isEqualTo(202);
        String id = r.json().get("id").asText();
        JsonNode n = api.get("/api/v1/notifications/" + id).json();
        assertThat(n.get("deliveries").get(0).get("status").asText()).isEqualTo("queued");
        assertThat(n.get("deliveries").get(0).get("due_at").asText()).isEqualTo(later);

        ApiResponse cancelled = api.delete("/api/v1/notifications/" + id);
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("deliveries").get(0).get("status").asText()).isEqualTo("cancelled");
        assertThat(api.get("/api/v1/notifications/" + id).json().get("deliveries").get(0).get("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void cancellingLeavesDeliveredDeliveriesAlone() {
        String id = api.post("/api/v1/notifications", "{\"to\":\"admin:6\",\"text\":\"now\"}").json().get("id").asText();
        awaitStatus(id, "delivered");
        assertThat(api.delete("/api/v1/notifications/" + id).json().get("deliveries").get(0).get("status").asText()).isEqualTo("delivered");
    }

    @Test
    void anUnknownNotificationIs404() {
        ApiResponse r = api.get("/api/v1/notifications/01a20000-0000-7000-8000-000000000000");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).isEqualTo("not_found");
        assertThat(api.delete("/api/v1/notifications/nope").status()).isEqualTo(404);
    }

    @Test
    void aNotificationForAChannelThatIsNotEnabledIsSkippedWithAReason() {
        ApiResponse r = api.post("/api/v1/notifications", "{\"to\":\"admin:8\",\"text\":\"x\",\"channels\":[\"email\",\"inbox\"]}");
        assertThat(r.status()).isEqualTo(202);
        JsonNode email = r.json().get("deliveries").get(0);
        assertThat(email.get("channel").asText()).isEqualTo("email");
        assertThat(email.get("status").asText()).isEqualTo("skipped");
        assertThat(email.get("reason").asText()).contains("not enabled");
        assertThat(r.json().get("deliveries").get(1).get("status").asText()).isEqualTo("queued");
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("{\"text\":\"x\"}", "missing_field", "to"),
                Arguments.of("{\"to\":[],\"text\":\"x\"}", "invalid_field", "to"),
                Arguments.of("{\"to\":\"\",\"text\":\"x\"}", "invalid_recipient", "to"),
                Arguments.of("{\"to\":\"robot\",\"text\":\"x\"}", "invalid_recipient", "to"),
                Arguments.of("{\"to\":\"Admin:1\",\"text\":\"x\"}", "invalid_recipient", "to"),
                Arguments.of("{\"to\":[\"admin:1\",\"bad kind:2\"],\"text\":\"x\"}", "invalid_recipient", "to[1]"),
                Arguments.of("{\"to\":[\"a:1\",\"a:2\",\"a:3\",\"a:4\"],\"text\":\"x\"}", "too_many_recipients", "to"),
                Arguments.of("{\"to\":\"admin:1\"}", "missing_field", "text"),
                Arguments.of("{\"to\":\"admin:1\",\"text\":\"x\",\"priority\":10}", "invalid_field", "priority"),
                Arguments.of("{\"to\":\"admin:1\",\"text\":\"x\",\"priority\":-1}", "invalid_field", "priority"),
                Arguments.of("{\"to\":\"admin:1\",\"text\":\"x\",\"priority\":\"high\"}", "invalid_field", "priority"),
                Arguments.of("{\"to\":\"admin:1\",\"text\":\"x\",\"priority\":5.5}", "invalid_field", "priority"),
                Arguments.of("{\"to\":\"admin:1\",\"text\":\"x\",\"ttl\":\"soon\"}", "invalid_field", "ttl"),
                Arguments.of("{\"to\":\"admin:1\",\"text\":\"x\",\"ttl\":\"0s\"}", "invalid_field", "ttl"),
                Arguments.of("{\"to\":\"admin:1\",\"text\":\"x\",\"send_at\":\"tomorrow\"}", "invalid_field", "send_at"),
                Arguments.of("{\"to\":\"admin:1\",\"text\":\"x\",\"channels\":[\"pigeon\"]}", "unknown_channel", "channels[0]"),
                Arguments.of("{\"to\":\"admin:1\",\"text\":\"x\",\"channels\":\"inbox\"}", "invalid_field", "channels"),
                Arguments.of("{\"to\":\"admin:1\",\"text\":\"x\",\"data\":[1,2]}", "invalid_field", "data"),
                Arguments.of("{\"to\":\"admin:1\",\"text\":\"" + "x".repeat(1100) + "\"}", "content_too_large", "text"),
                Arguments.of("{\"to\":\"admin:1\",\"text\":\"x\",\"data\":{\"blob\":\"" + "y".repeat(1100) + "\"}}", "content_too_large", "data"),
                Arguments.of("{\"to\":\"admin:1\",\"text\":\"x\",\"priorty\":9}", "unknown_field", "priorty"),
                Arguments.of("{\"to\":\"admin:1\",\"template\":\"nope\"}", "unknown_template", "template"),
                Arguments.of("{\"to\":\"admin:1\",\"text\":7}", "invalid_field", "text"),
                Arguments.of("[1,2,3]", "bad_request", null));
    }

    @ParameterizedTest(name = "{1} on {2}: {0}")
    @MethodSource("badBodies")
    void aBadNotificationIsRefusedWith400NamingTheField(String body, String code, String field) {
        ApiResponse r = api.post("/api/v1/notifications", body);
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo(code);
        assertThat(r.json().get("message").asText()).isNotBlank();
        if (field == null) assertThat(r.json().has("field")).isFalse();
        else assertThat(r.json().get("field").asText()).isEqualTo(field);
    }

    @Test
    void malformedJsonIsRefusedWith400() {
        ApiResponse r = api.post("/api/v1/notifications", "{\"to\":\"admin:1\",");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("malformed_json");
        assertThat(r.text()).doesNotContain("Exception").doesNotContain("at org.");
    }

    @Test
    void aBodyOverTheHttpLimitIsRefusedWith413() {
        ApiResponse r = api.post("/api/v1/notifications", "{\"to\":\"admin:1\",\"text\":\"" + "z".repeat(300 * 1024) + "\"}");
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("error").asText()).isEqualTo("body_too_large");
    }

    @Test
    void withoutAValidServerKeyNothingIsAccepted() {
        ApiResponse none = herald.anonymous().post("/api/v1/notifications", "{\"to\":\"admin:1\",\"text\":\"x\"}");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("error").asText()).isEqualTo("unauthorized");
        assertThat(api.as("wrong-key-wrong-key").post("/api/v1/notifications", "{\"to\":\"admin:1\",\"text\":\"x\"}").status()).isEqualTo(401);
        assertThat(api.as("wrong-key-wrong-key").get("/api/v1/deliveries").status()).isEqualTo(401);
    }

    @Test
    void aClientTokenIsNotAServerKey() {
        String token = api.post("/api/v1/tokens", "{\"recipient\":\"admin:42\"}").json().get("token").asText();
        assertThat(api.as(token).post("/api/v1/notifications", "{\"to\":\"admin:1\",\"text\":\"x\"}").status()).isEqualTo(401);
    }
}
