package org.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import org.herald.core.Json;
import org.herald.testing.ApiClient;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SMS through the generic HTTP gateway against a local HTTP server playing the SMS provider. */
class SmsGatewayTest {
    record Request(String method, String query, String authorization, String contentType, String body) {}

    static HttpServer provider;
    static final List<Request> requests = new CopyOnWriteArrayList<>();
    static final ConcurrentLinkedDeque<Integer> answers = new ConcurrentLinkedDeque<>();
    static final List<String> slowRefs = new CopyOnWriteArrayList<>();
    static TestHerald herald;
    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/send", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestHeaders().getFirst("Content-Type"),
                    new String(body, StandardCharsets.UTF_8)));
            Integer status = answers.poll();
            int code = status == null ? 200 : status;
            byte[] reply = (code == 200 ? "{\"message_id\":\"sms-" + requests.size() + "\"}" : "{\"error\":\"number blocked\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        provider.createContext("/slow", exchange -> {
            slowRefs.add(exchange.getRequestURI().getRawQuery());
            try {
                Thread.sleep(450); // longer than a send may wait for a free slot (300 ms here)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] reply = "{\"message_id\":\"slow\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        provider.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        provider.start();
        Map<String, String> settings = Map.of(
                "url", "http://127.0.0.1:" + provider.getAddress().getPort() + "/send?to={{to_digits}}&ref={{delivery_id}}",
                "content_type", "application/json",
                "body", "{\"to\":\"{{to}}\",\"text\":\"{{text}}\",\"key\":\"{{settings.api_key}}\"}",
                "header.Authorization", "Bearer {{settings.api_key}}",
                "api_key", "k-123");
        herald = TestHerald.builder()
                .env("HERALD_GATEWAYS", Json.write(List.of(Map.of("id", "sms-http", "channel", "sms", "module", "http", "settings", settings),
                        Map.of("id", "sms-paced", "channel", "sms", "module", "http", "provider", "paced", "rate_limit", 2,
                                "settings", settings),
                        Map.of("id", "sms-narrow", "channel", "sms", "module", "http", "provider", "narrow", "max_concurrency", 1,
                                "settings", Map.of("url", "http://127.0.0.1:" + provider.getAddress().getPort()
                                        + "/slow?ref={{delivery_id}}")))))
                // a send waits at most half of this for a rate-limit slot (here 300 ms; the slots of 2/s are 500 ms apart)
                .env("HERALD_QUEUE_ATTEMPT_TIMEOUT", "600ms")
                .env("HERALD_QUEUE_BACKOFF_BASE", "100ms")
                .env("HERALD_QUEUE_MAX_ATTEMPTS", "3")
                .start();
        api = herald.api();
    }

    @AfterAll
    static void stop() {
        herald.close();
        provider.stop(0);
    }

    static JsonNode awaitDelivery(String notificationId, String status) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/v1/notifications/" + notificationId).json()
                .get("deliveries").get(0), d -> d.get("status").asText().equals(status));
    }

    static String sms(String to, String text) {
        return api.post("/api/v1/notifications", Json.write(Map.of("to", to, "channels", List.of("sms"), "text", text)))
                .json().get("id").asText();
    }

    @Test
    void anSmsGoesToTheProviderAsItsTemplatesSay() throws Exception {
        api.put("/api/v1/recipients/user:61", "{\"contacts\":{\"phone\":\"+380501234567\"}}");
        String text = "Balance 1.20 UAH \"low\"\nTop up: https://isp.example/pay?a=1&b=2";
        JsonNode d = awaitDelivery(sms("user:61", text), "sent");
        assertThat(d.get("gateway").asText()).isEqualTo("sms-http");
        Request r = requests.stream().filter(x -> x.query().contains("380501234567")).findFirst().orElseThrow();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.query()).isEqualTo("to=380501234567&ref=" + d.get("id").asText());
        assertThat(r.authorization()).isEqualTo("Bearer k-123");
        assertThat(r.contentType()).isEqualTo("application/json");
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.get("to").asText()).isEqualTo("+380501234567");
        assertThat(body.get("text").asText()).isEqualTo(text);
        assertThat(body.get("key").asText()).isEqualTo("k-123");
    }

    @Test
    void providerErrorsAreRetriedOrFailTheDeliveryWithItsReply() {
        api.put("/api/v1/recipients/user:62", "{\"contacts\":{\"phone\":\"+380671112233\"}}");
        answers.add(503);
        JsonNode retried = awaitDelivery(sms("user:62", "first"), "sent");
        assertThat(retried.get("attempts").asInt()).isEqualTo(2);

        answers.add(400);
        JsonNode failed = awaitDelivery(sms("user:62", "second"), "failed");
        assertThat(failed.get("attempts").asInt()).isEqualTo(1);
        assertThat(failed.get("last_error").asText()).contains("HTTP 400").contains("number blocked");
    }

    @Test
    void aRateLimitedGatewaySpacesItsSendsAndDefersOneThatWouldWaitTooLong() {
        api.put("/api/v1/recipients/user:801", "{\"provider\":\"paced\",\"contacts\":{\"phone\":\"+380501110801\"}}");
        api.put("/api/v1/recipients/user:802", "{\"provider\":\"paced\",\"contacts\":{\"phone\":\"+380501110802\"}}");
        String body = Json.write(Map.of("to", List.of("user:801", "user:802"), "channels", List.of("sms"), "text", "Maintenance tonight"));
        String id = api.post("/api/v1/notifications", body).json().get("id").asText();
        JsonNode ds = await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/v1/notifications/" + id).json().get("deliveries"),
                d -> d.get(0).get("status").asText().equals("sent") && d.get(1).get("status").asText().equals("sent"));
        List<JsonNode> logs = List.of(attemptLog(ds.get(0)), attemptLog(ds.get(1)));
        // one went at once; the other found the next slot 500 ms away, was deferred, and went on a later attempt
        assertThat(logs).anySatisfy(log -> {
            assertThat(log.get(0).get("outcome").asText()).isEqualTo("retry");
            assertThat(log.get(0).get("error").asText()).contains("sms-paced").contains("rate limit of 2/s");
            assertThat(log.get(log.size() - 1).get("outcome").asText()).isEqualTo("sent");
        });
        java.time.Instant a = java.time.Instant.parse(ds.get(0).get("sent_at").asText());
        java.time.Instant b = java.time.Instant.parse(ds.get(1).get("sent_at").asText());
        assertThat(Duration.between(a, b).abs()).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void aSendThatWouldWaitTooLongForAFreeSlotIsDeferredAndEveryMessageGoesOutOnce() {
        List<String> to = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) { // two: the second is deferred once, within the 3 attempts allowed here
            api.put("/api/v1/recipients/user:81" + i, "{\"provider\":\"narrow\",\"contacts\":{\"phone\":\"+38050111081" + i + "\"}}");
            to.add("user:81" + i);
        }
        String id = api.post("/api/v1/notifications", Json.write(Map.of("to", to, "channels", List.of("sms"), "text", "Outage")))
                .json().get("id").asText();
        JsonNode ds = await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/notifications/" + id).json().get("deliveries"),
                d -> d.size() == 2 && d.get(0).get("status").asText().equals("sent") && d.get(1).get("status").asText().equals("sent"));
        List<String> ids = List.of(ds.get(0).get("id").asText(), ds.get(1).get("id").asText());
        // one slot, 450 ms per send, 300 ms of waiting allowed: the second was deferred, and neither went out twice
        assertThat(slowRefs).containsExactlyInAnyOrderElementsOf(ids.stream().map(d -> "ref=" + d).toList());
        assertThat(ids.stream().map(d -> api.get("/api/v1/deliveries/" + d).json().get("attempt_log")))
                .anySatisfy(log -> assertThat(log.get(0).get("error").asText()).contains("sms-narrow")
                        .contains("all 1 concurrent sends busy"));
    }

    static JsonNode attemptLog(JsonNode delivery) {
        return api.get("/api/v1/deliveries/" + delivery.get("id").asText()).json().get("attempt_log");
    }

    @Test
    void aRecipientWithoutAPhoneIsSkipped() {
        var r = api.post("/api/v1/notifications", "{\"to\":\"user:63\",\"channels\":[\"sms\"],\"text\":\"x\"}");
        assertThat(r.json().get("deliveries").get(0).get("status").asText()).isEqualTo("skipped");
        assertThat(r.json().get("deliveries").get(0).get("reason").asText()).isEqualTo("recipient has no phone contact");
    }
}
