package org.herald.process;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.herald.testing.WsClient;

/**
 * One browser of a cluster test: a WebSocket to some node that acks every notification, counts every delivery id
 * and topic event it gets, and — like herald.js — reconnects to the node {@code fallback} names when its connection
 * drops, resuming from the highest sequence number up to which it received everything.
 */
final class ClusterPeer implements AutoCloseable {
    final String recipient;
    final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final TreeSet<Long> above = new TreeSet<>();
    private final Supplier<HeraldProcess> fallback;
    private final Thread pump;
    private volatile HeraldProcess node;
    private volatile WsClient ws;
    private volatile boolean closed;
    private long watermark;
    final AtomicInteger reconnects = new AtomicInteger();

    ClusterPeer(String recipient, HeraldProcess node, Supplier<HeraldProcess> fallback) throws Exception {
        this.recipient = recipient;
        this.fallback = fallback;
        connect(node, null);
        this.pump = Thread.ofVirtual().name("peer-" + recipient).start(this::pump);
    }

    HeraldProcess node() {
        return node;
    }

    private void connect(HeraldProcess to, Long since) throws Exception {
        HttpResponse<String> r = to.send("POST", "/api/v1/tokens", Map.of("recipient", recipient, "topics", List.of("news", "blf")), Map.of());
        if (r.statusCode() != 201 && r.statusCode() != 200) throw new AssertionError("token from " + to + ": " + r.body());
        String token = HeraldProcess.JSON.readTree(r.body()).get("token").asText();
        WsClient client = WsClient.open("http://127.0.0.1:" + to.port(), null);
        client.send("{\"type\":\"connect\",\"token\":\"" + token + "\"" + (since == null ? "" : ",\"since\":" + since) + "}");
        this.node = to;
        this.ws = client;
    }

    /** Subscribes to a topic on the current connection (and again after every reconnect). */
    void subscribe(String topic) {
        topics.add(topic);
        ws.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}");
    }

    private final List<String> topics = new CopyOnWriteArrayList<>();
    private volatile boolean connectedOnce;

    boolean connected() {
        return connectedOnce && !ws.isClosed();
    }

    private void pump() {
        while (!closed) {
            WsClient current = ws;
            if (current.isClosed()) {
                reconnect();
                continue;
            }
            JsonNode f;
            try {
                f = current.next(java.time.Duration.ofMillis(200));
            } catch (AssertionError nothingYet) {
                continue;
            }
            switch (f.path("type").asText()) {
                case "connected" -> connectedOnce = true;
                case "notification" -> {
                    String id = f.get("delivery").asText();
                    deliveries.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    received(f.get("seq").asLong());
                    try {
                        current.send("{\"type\":\"ack\",\"delivery\":\"" + id + "\"}");
                    } catch (RuntimeException closing) {
                        // the next round reconnects; the delivery is replayed there
                    }
                }
                case "event" -> events.add(f);
                default -> { }
            }
        }
    }

    private synchronized void received(long seq) {
        if (seq <= watermark) return;
        above.add(seq);
        while (above.remove(watermark + 1)) watermark++;
    }

    private synchronized long watermark() {
        return watermark;
    }

    private void reconnect() {
        try {
            Thread.sleep(200);
            connectedOnce = false;
            connect(fallback.get(), watermark());
            reconnects.incrementAndGet();
            for (String t : topics) ws.send("{\"type\":\"subscribe\",\"topic\":\"" + t + "\"}");
        } catch (Exception e) {
            // the node is not there yet; try again
        }
    }

    /** The events of one topic received so far. */
    List<JsonNode> events(String topic) {
        return events.stream().filter(e -> e.path("topic").asText().equals(topic)).toList();
    }

    /** How many times a delivery arrived (0: never). */
    int count(String deliveryId) {
        AtomicInteger n = deliveries.get(deliveryId);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        pump.join(2000);
        ws.close();
    }
}
