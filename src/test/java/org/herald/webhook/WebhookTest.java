package org.herald.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.herald.core.Json;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** delivery.status events reach a real HTTP receiver, signed, and are retried when it fails. */
class WebhookTest {
    private static final String SECRET = "webhook-secret-0123456789";

    record Received(String signature, String body) {}

    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresToAnswer = new AtomicInteger();

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = failuresToAnswer.getAndDecrement() > 0 ? 500 : 204;
            if (status == 204) received.add(new Received(exchange.getRequestHeaders().getFirst("X-Herald-Signature"), body));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private TestHerald herald() {
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        return TestHerald.builder()
                .env("HERALD_WEBHOOKS", "[{\"url\":\"" + url + "\",\"secret\":\"" + SECRET + "\",\"events\":[\"delivery.status\"]}]")
                .env("HERALD_WEBHOOK_DELIVERY_BACKOFF_BASE", "50ms")
                .start();
    }

    private List<JsonNode> events() {
        return received.stream().map(r -> {
            try {
                return Json.MAPPER.readTree(r.body());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void eachStatusChangeIsPostedSignedWithHmacSha256() {
        try (TestHerald herald = herald()) {
            String id = herald.api().post("/api/v1/notifications", "{\"to\":\"admin:1\",\"text\":\"x\",\"channels\":[\"inbox\",\"email\"]}")
                    .json().get("id").asText();
            await().atMost(Duration.ofSeconds(15)).until(() -> received.size() >= 2);
            for (Received r : received) {
                assertThat(r.signature()).isEqualTo("sha256=" + WebhookSender.sign(SECRET, r.body()));
            }
            assertThat(events()).allSatisfy(e -> {
                assertThat(e.get("event").asText()).isEqualTo("delivery.status");
                assertThat(e.get("delivery").get("notification_id").asText()).isEqualTo(id);
            });
            assertThat(events().stream().map(e -> e.get("delivery").get("channel").asText() + ":" + e.get("delivery").get("status").asText()))
                    .containsExactlyInAnyOrder("email:skipped", "inbox:delivered");
            JsonNode delivered = events().stream().filter(e -> e.get("delivery").get("status").asText().equals("delivered")).findFirst().orElseThrow();
            assertThat(delivered.get("delivery").get("gateway").asText()).as("the gateway after the change").isEqualTo("inbox");
            assertThat(delivered.get("delivery").get("attempts").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aFailingReceiverGetsTheEventAgainLater() {
        failuresToAnswer.set(2);
        try (TestHerald herald = herald()) {
            herald.api().post("/api/v1/notifications", "{\"to\":\"admin:2\",\"text\":\"x\"}");
            await().atMost(Duration.ofSeconds(15)).until(() -> received.size() == 1);
            assertThat(failuresToAnswer.get()).isNegative();
            assertThat(events().getFirst().get("delivery").get("status").asText()).isEqualTo("delivered");
        }
    }
}
