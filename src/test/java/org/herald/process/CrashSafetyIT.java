package org.herald.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Nothing lost": a Herald on its embedded H2 file database is killed with SIGKILL while notifications are still
 * being accepted and dispatched, then started again on the same data directory. Every notification that got a 202
 * must still be there and end up delivered, without two attempts of one delivery running at the same time.
 */
@ExtendWith(HeraldProcess.LogsOnFailure.class)
class CrashSafetyIT {
    private static final int NOTIFICATIONS = 1_000;
    private static final int CLIENTS = 6;
    /** The kill comes once this many notifications were accepted (the clients are still sending the rest). */
    private static final int KILL_AFTER = NOTIFICATIONS / 2;

    @TempDir
    Path work;

    /** What a 202 told us: the notification's id and the ids of its deliveries. */
    record Accepted(String id, List<String> deliveries, boolean replayed) {}

    @Test
    void everyAcceptedNotificationIsDeliveredAfterAKillDashNine() throws Exception {
        long t0 = System.nanoTime();
        Map<Integer, Accepted> accepted = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Integer> unanswered = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> refused = new ConcurrentLinkedQueue<>();

        // Slow dispatch (2 attempts at a time, one claim per round trip) so that a backlog builds up to be killed.
        HeraldProcess first = node("before-crash");
        AtomicInteger next = new AtomicInteger(1);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            running.add(clients.submit(() -> {
                for (int n = next.getAndIncrement(); n <= NOTIFICATIONS; n = next.getAndIncrement()) {
                    try {
                        HttpResponse<String> r = post(first, n);
                        if (r.statusCode() == 202) accepted.put(n, accepted(r));
                        else refused.add(n + " -> " + r.statusCode() + " " + r.body());
                    } catch (IOException e) {
                        unanswered.add(n); // the server died under this request: it may or may not have been stored
                    }
                }
                return null;
            }));
        }

        await("half of the notifications accepted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> accepted.size() >= KILL_AFTER || !refused.isEmpty());
        assertThat(refused).as("answers other than 202 before the kill").isEmpty();
        JsonNode queued = first.getJson("/api/v1/deliveries?status=queued&limit=500");
        int exit = first.kill();
        int acceptedBeforeKill = accepted.size();
        for (Future<?> f : running) f.get();
        clients.shutdown();

        assertThat(exit).as("exit status of the killed process (128 + SIGKILL)").isEqualTo(137);
        assertThat(first.log()).as("no graceful shutdown ran").doesNotContain("dispatcher stopped");
        assertThat(queued.get("deliveries").size()).as("deliveries still waiting in the queue at the moment of the kill").isPositive();
        assertThat(refused).as("answers other than 202").isEmpty();

        // Same data directory, new process. Clients retry what went unanswered with the same idempotency key.
        HeraldProcess second = node("after-crash");
        long restartedAt = System.nanoTime();
        for (int n : unanswered) {
            HttpResponse<String> r = post(second, n);
            assertThat(r.statusCode()).as("retry of notification %d after the restart: %s", n, r.body()).isEqualTo(202);
            accepted.put(n, accepted(r));
        }
        assertThat(accepted).as("every notification accepted once, before or after the crash").hasSize(NOTIFICATIONS);

        Set<String> deliveryIds = new TreeSet<>();
        accepted.values().forEach(a -> deliveryIds.addAll(a.deliveries()));
        assertThat(deliveryIds).hasSize(NOTIFICATIONS);

        // None stuck: the queue drains, including the claims the dead process held.
        await("the queue drains after the restart").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    assertThat(second.getJson("/api/v1/deliveries?status=queued&limit=5").get("deliveries")).isEmpty();
                    assertThat(second.getJson("/api/v1/deliveries?status=sending&limit=5").get("deliveries")).isEmpty();
                });
        long drainedAt = System.nanoTime();

        // None lost: every accepted notification exists and each of its deliveries was delivered.
        Map<String, JsonNode> notifications = fetchAll(second, accepted.values().stream().map(Accepted::id).toList(),
                id -> "/api/v1/notifications/" + id);
        List<String> problems = new ArrayList<>();
        for (Accepted a : accepted.values()) {
            JsonNode n = notifications.get(a.id());
            List<String> ids = new ArrayList<>();
            for (JsonNode d : n.get("deliveries")) {
                ids.add(d.get("id").asText());
                if (!"delivered".equals(d.get("status").asText())) {
                    problems.add("delivery " + d.get("id").asText() + " of " + a.id() + " is " + d.get("status").asText()
                            + " (last error: " + d.get("last_error").asText() + ")");
                }
            }
            if (!ids.equals(a.deliveries())) problems.add("notification " + a.id() + " has deliveries " + ids + ", the 202 said " + a.deliveries());
        }
        assertThat(problems).as("deliveries not delivered after the restart").isEmpty();

        // No duplicates either: the idempotent retries did not create second notifications.
        assertThat(allDeliveryIds(second)).as("all deliveries in the database").isEqualTo(deliveryIds);

        // Attempt logs: each delivered delivery has its attempts recorded, and no two of them overlap in time.
        Map<String, JsonNode> deliveries = fetchAll(second, List.copyOf(deliveryIds), id -> "/api/v1/deliveries/" + id);
        List<String> takenOver = new ArrayList<>();
        for (JsonNode d : deliveries.values()) {
            String id = d.get("id").asText();
            List<JsonNode> log = new ArrayList<>();
            d.get("attempt_log").forEach(log::add);
            assertThat(log).as("attempt log of delivered delivery %s", id).isNotEmpty();
            assertThat(log.getLast().get("outcome").asText()).as("last attempt of %s: %s", id, log).isEqualTo("delivered");
            assertNoOverlap(id, log);
            if (d.get("attempts").asInt() > 1 || log.size() > 1) takenOver.add(id);
        }

        // A delivery whose attempt was cut short by the kill ran again; its inbox item must still be there only once.
        for (String id : takenOver) {
            JsonNode d = deliveries.get(id);
            JsonNode inbox = inboxOf(second, d.get("to").asText());
            assertThat(inbox.get("items")).as("inbox of %s after delivery %s was attempted again", d.get("to").asText(), id)
                    .hasSize(1);
            assertThat(inbox.get("items").get(0).get("id").asText()).isEqualTo(id);
        }

        assertThat(second.stop()).as("exit status after SIGTERM").isIn(0, 143);
        System.out.printf("CrashSafetyIT: %d accepted before the kill, %d unanswered and retried (%d of them had been stored), "
                        + "%d queued at the kill (first page), %d attempted again after the restart %s; "
                        + "queue drained %.1f s after the restart; total %.1f s%n",
                acceptedBeforeKill, unanswered.size(), accepted.values().stream().filter(Accepted::replayed).count(),
                queued.get("deliveries").size(), takenOver.size(), takenOver,
                (drainedAt - restartedAt) / 1e9, (System.nanoTime() - t0) / 1e9);
    }

    private HeraldProcess node(String name) {
        return HeraldProcess.builder(name, work)
                .env("HERALD_QUEUE_CONCURRENCY", "2")
                .env("HERALD_QUEUE_BATCH_SIZE", "1")
                .start();
    }

    private static HttpResponse<String> post(HeraldProcess node, int n) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("to", "user:" + n);
        body.put("type", "crash.test");
        body.put("title", "Notification " + n);
        body.put("text", "This is notification number " + n + " of " + NOTIFICATIONS);
        body.put("channels", List.of("inbox"));
        return node.send("POST", "/api/v1/notifications", body, Map.of("Idempotency-Key", "crash-" + n));
    }

    private static Accepted accepted(HttpResponse<String> r) throws IOException {
        JsonNode body = HeraldProcess.JSON.readTree(r.body());
        List<String> deliveries = new ArrayList<>();
        for (JsonNode d : body.get("deliveries")) {
            assertThat(d.get("status").asText()).as("delivery in the 202 %s", r.body()).isEqualTo("queued");
            deliveries.add(d.get("id").asText());
        }
        deliveries.sort(Comparator.naturalOrder());
        assertThat(deliveries).as("deliveries in the 202 %s", r.body()).hasSize(1);
        boolean replayed = r.headers().firstValue("Idempotent-Replayed").map("true"::equals).orElse(false);
        return new Accepted(body.get("id").asText(), deliveries, replayed);
    }

    /** GETs many resources with a few client threads; each must answer 200. */
    private static Map<String, JsonNode> fetchAll(HeraldProcess node, List<String> ids, java.util.function.Function<String, String> path)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            Map<String, Future<JsonNode>> futures = new LinkedHashMap<>();
            for (String id : ids) futures.put(id, pool.submit(() -> node.getJson(path.apply(id))));
            Map<String, JsonNode> out = new LinkedHashMap<>();
            for (var e : futures.entrySet()) out.put(e.getKey(), e.getValue().get());
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every delivery id in the database, through the paged list (newest first, {@code before} = last id seen). */
    private static Set<String> allDeliveryIds(HeraldProcess node) {
        Set<String> ids = new TreeSet<>();
        String before = null;
        while (true) {
            JsonNode page = node.getJson("/api/v1/deliveries?limit=500" + (before == null ? "" : "&before=" + before))
                    .get("deliveries");
            if (page.isEmpty()) return ids;
            for (JsonNode d : page) {
                assertThat(ids.add(d.get("id").asText())).as("delivery %s listed twice", d.get("id").asText()).isTrue();
                before = d.get("id").asText();
            }
        }
    }

    private static JsonNode inboxOf(HeraldProcess node, String recipient) throws IOException, InterruptedException {
        HttpResponse<String> t = node.send("POST", "/api/v1/tokens", Map.of("recipient", recipient, "ttl", "10m"), Map.of());
        assertThat(t.statusCode()).as("token for %s: %s", recipient, t.body()).isEqualTo(201);
        String token = HeraldProcess.JSON.readTree(t.body()).get("token").asText();
        HttpResponse<String> r = node.send("GET", "/api/v1/inbox?limit=200", null, Map.of(), "Bearer " + token);
        assertThat(r.statusCode()).as("inbox of %s: %s", recipient, r.body()).isEqualTo(200);
        return HeraldProcess.JSON.readTree(r.body());
    }

    /** Attempts sorted by start: each must start no earlier than the one before it finished. */
    static void assertNoOverlap(String deliveryId, List<JsonNode> log) {
        List<JsonNode> sorted = new ArrayList<>(log);
        sorted.sort(Comparator.comparing(a -> Instant.parse(a.get("started_at").asText())));
        for (int i = 1; i < sorted.size(); i++) {
            Instant previousEnd = Instant.parse(sorted.get(i - 1).get("finished_at").asText());
            Instant start = Instant.parse(sorted.get(i).get("started_at").asText());
            assertThat(start).as("attempt %s of delivery %s started before attempt %s finished: %s",
                            sorted.get(i).get("attempt"), deliveryId, sorted.get(i - 1).get("attempt"), log)
                    .isAfterOrEqualTo(previousEnd);
        }
    }
}
