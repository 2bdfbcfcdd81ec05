package org.herald.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.herald.testing.ApiClient;
import org.herald.testing.ApiResponse;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpsApiTest {
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

    @Test
    void healthEndpointsAnswerWithoutCredentials() {
        ApiResponse live = herald.anonymous().get("/health/live");
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.json().get("status").asText()).isEqualTo("ok");
        ApiResponse ready = herald.anonymous().get("/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("checks").get("storage").asText()).isEqualTo("ok");
    }

    @Test
    void metricsNeedTheServerKeyAndCountAcceptedNotifications() {
        assertThat(herald.anonymous().get("/metrics").status()).isEqualTo(401);
        api.post("/api/v1/notifications", "{\"to\":\"admin:1\",\"text\":\"x\"}");
        ApiResponse metrics = api.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("Content-Type")).startsWith("text/plain");
        assertThat(metrics.text()).contains("herald_notifications_accepted_total").contains("jvm_memory_used_bytes");
    }

    @Test
    void theOpenApiDocumentDescribesEveryRouteTheServerMounts() {
        ApiResponse r = herald.anonymous().get("/api/v1/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        JsonNode paths = r.json().get("paths");
        for (String[] route : new String[][] {
                {"post", "/api/v1/notifications"}, {"get", "/api/v1/notifications/{id}"}, {"delete", "/api/v1/notifications/{id}"},
                {"get", "/api/v1/deliveries"}, {"get", "/api/v1/deliveries/{id}"}, {"post", "/api/v1/deliveries/{id}/retry"},
                {"put", "/api/v1/recipients/{rid}"}, {"get", "/api/v1/recipients/{rid}"}, {"delete", "/api/v1/recipients/{rid}"},
                {"put", "/api/v1/recipients/{rid}/subscriptions"}, {"get", "/api/v1/recipients/{rid}/subscriptions"},
                {"post", "/api/v1/tokens"}, {"get", "/api/v1/inbox"}, {"post", "/api/v1/inbox/{id}/read"},
                {"post", "/api/v1/inbox/read-all"}, {"delete", "/api/v1/inbox/{id}"},
                {"get", "/api/v1/presence/{rid}"}, {"get", "/api/v1/presence"}, {"get", "/api/v1/cluster"}, {"post", "/api/v1/topics/{topic}/events"}, {"get", "/ws"},
                {"get", "/api/v1/push/vapid-public-key"}, {"post", "/api/v1/push/subscriptions"},
                {"put", "/api/v1/push/subscriptions/{contact_id}"}, {"delete", "/api/v1/push/subscriptions/{contact_id}"},
                {"get", "/api/v1/push/messages/{contact_id}"}, {"get", "/api/v1/recipients/{rid}/push-subscriptions"},
                {"get", "/api/v1/blf"}, {"post", "/api/v1/commands"}, {"get", "/api/v1/commands"}, {"get", "/api/v1/commands/{id}"}, {"get", "/api/v1/stats"},
                {"get", "/api/v1/templates"}, {"put", "/api/v1/templates/{name}/{lang}/{file}"}, {"get", "/api/v1/templates/{name}/{lang}/{file}"},
                {"delete", "/api/v1/templates/{name}/{lang}/{file}"}, {"get", "/api/v1/gateways"}, {"post", "/api/v1/gateways/{id}/check"}, {"get", "/api/v1/incoming"},
                {"get", "/health/live"}, {"get", "/health/ready"}, {"get", "/metrics"}, {"get", "/api/v1/openapi.json"}}) {
            assertThat(paths.has(route[1])).as("path %s documented", route[1]).isTrue();
            assertThat(paths.get(route[1]).has(route[0])).as("%s %s documented", route[0], route[1]).isTrue();
        }
    }

    @Test
    void unknownPathsAndMethodsGetJsonErrors() {
        ApiResponse missing = api.get("/api/v1/nothing-here");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("error").asText()).isEqualTo("not_found");
        ApiResponse wrongMethod = api.send("PATCH", "/api/v1/notifications", "{}", null);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().get("error").asText()).isEqualTo("method_not_allowed");
    }

    @Test
    void aLargeJsonBodySentAsAFormLikeCurlDashDIsReadAsJson() {
        String body = "{\"to\":\"admin:1\",\"text\":\"" + "p".repeat(20_000) + "\"}";
        ApiResponse r = api.send("POST", "/api/v1/notifications", body, null, "application/x-www-form-urlencoded");
        assertThat(r.status()).as(r.text()).isEqualTo(202);
    }

    @Test
    void deliveryListFiltersAreValidated() {
        assertThat(api.get("/api/v1/deliveries?status=lost").json().get("field").asText()).isEqualTo("status");
        assertThat(api.get("/api/v1/deliveries?channel=fax").json().get("field").asText()).isEqualTo("channel");
        assertThat(api.get("/api/v1/deliveries?limit=0").json().get("field").asText()).isEqualTo("limit");
        assertThat(api.get("/api/v1/deliveries?to=x").json().get("field").asText()).isEqualTo("to");
    }
}
