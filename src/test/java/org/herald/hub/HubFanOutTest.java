package org.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.herald.testing.ApiClient;
import org.herald.testing.TestHerald;
import org.herald.testing.WsClient;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Topic events published back to back to more connections than one flush chunk of an event loop. */
class HubFanOutTest {

    @Test
    void connectionsAreSpreadOverOneEventLoopPerCore() {
        int cores = Runtime.getRuntime().availableProcessors();
        Assumptions.assumeTrue(cores > 1, "one core: one event loop");
        try (TestHerald herald = TestHerald.start()) {
            ApiClient api = herald.api();
            List<WsClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 4 * cores; i++) {
                    String token = api.post("/api/v1/tokens", "{\"recipient\":\"user:" + i + "\"}").json().get("token").asText();
                    WsClient ws = WsClient.open(herald.baseUrl(), "token=" + token);
                    clients.add(ws);
                    ws.awaitConnected();
                }
                Set<Object> loops = new HashSet<>();
                for (Session s : herald.server().hub().sessions()) loops.add(s.transport().executor());
                assertThat(loops).hasSize(cores);
            } finally {
                clients.forEach(WsClient::close);
            }
        }
    }

    @Test
    void everyConnectionGetsEveryEventOnceAndInEachPublishersOrderWhenPublishesOutrunTheFlushes() {
        int connections = 3 * LoopFlusher.CHUNK + 17;
        int publishers = 8;
        int eachPublishes = 10;
        // a small outbound buffer: frames waiting for the loop's flusher must not count as a slow client
        try (TestHerald herald = TestHerald.builder().env("HERALD_HUB_OUTBOUND_BUFFER_BYTES", "4096")
                .env("HERALD_HUB_MAX_CONNECTIONS_PER_IP", "10000").start()) {
            ApiClient api = herald.api();
            List<WsClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < connections; i++) {
                    String token = api.post("/api/v1/tokens", "{\"recipient\":\"user:" + i + "\",\"topics\":[\"wide\"]}")
                            .json().get("token").asText();
                    WsClient ws = WsClient.open(herald.baseUrl(), "token=" + token);
                    clients.add(ws);
                    ws.awaitConnected();
                    ws.send("{\"type\":\"subscribe\",\"topic\":\"wide\"}");
                    assertThat(ws.nextOfType("subscribed").get("topic").asText()).isEqualTo("wide");
                }
                // several publishers at once: write passes queue up behind the flushes, frames wait unflushed
                String pad = "x".repeat(1000);
                try (ExecutorService pool = Executors.newFixedThreadPool(publishers)) {
                    for (int p = 0; p < publishers; p++) {
                        int publisher = p;
                        pool.submit(() -> {
                            for (int k = 0; k < eachPublishes; k++) {
                                assertThat(api.post("/api/v1/topics/wide/events", "{\"data\":{\"p\":" + publisher
                                        + ",\"k\":" + k + ",\"pad\":\"" + pad + "\"}}").status()).isEqualTo(202);
                            }
                        });
                    }
                }
                for (int i = 0; i < connections; i++) {
                    WsClient ws = clients.get(i);
                    int[] next = new int[publishers];
                    for (int n = 0; n < publishers * eachPublishes; n++) {
                        JsonNode f = ws.next(Duration.ofSeconds(20));
                        assertThat(f.get("type").asText()).as("connection %d, frame %d: %s", i, n, f).isEqualTo("event");
                        int p = f.get("data").get("p").asInt();
                        assertThat(f.get("data").get("k").asInt()).as("connection %d, publisher %d", i, p).isEqualTo(next[p]++);
                    }
                    ws.send("{\"type\":\"ping\"}");
                    assertThat(ws.next().get("type").asText()).as("connection %d: nothing after the last event", i)
                            .isEqualTo("pong");
                }
            } finally {
                clients.forEach(WsClient::close);
            }
        }
    }
}
