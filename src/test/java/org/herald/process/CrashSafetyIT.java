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

        // Slow dispatch (one attempt at a time, one claim per round trip) so that a backlog builds up to be killed.
        HeraldProcess first = node("before-crash", true);
        long firstReady = System.nanoTime();
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
        // Kill right after seeing attempts in flight, so that (most of the time) the dead process leaves claims behind.
        List<String> sendingAtKill = new ArrayList<>();
        await("attempts in flight").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> {
            first.getJson("/api/v1/deliveries?status=sending&limit=50").get("deliveries")
                    .forEach(d -> sendingAtKill.add(d.get("id").asText()));
            return !sendingAtKill.isEmpty();
        });
        int exit = first.kill();
        long killedAt = System.nanoTime();
        int acceptedBeforeKill = accepted.size();
        for (Future<?> f : running) f.get();
        clients.shutdown();

        assertThat(exit).as("exit status of the killed process (128 + SIGKILL)").isEqualTo(137);
        assertThat(first.log()).as("no graceful shutdown ran").doesNotContain("dispatcher stopped");
        assertThat(queued.get("deliveries").size()).as("deliveries still waiting in the queue at the moment of the kill").isPositive();
        assertThat(refused).as("answers other than 202").isEmpty();

        // Same data directory, new process (dispatching faster now). Clients retry what went unanswered with the same
        // idempotency key.
        HeraldProcess second = node("after-crash", false);
        long restartedAt = System.nanoTime();
        ExecutorService retries = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> retried = new ArrayList<>();
        for (int n : unanswered) {
            retried.add(retries.submit(() -> {
                HttpResponse<String> r = post(second, n);
                assertThat(r.statusCode()).as("retry of notification %d after the restart: %s", n, r.body()).isEqualTo(202);
                accepted.put(n, accepted(r));
                return null;
            }));
        }
        for (Future<?> f : retried) f.get();
        retries.shutdown();
        long retriedAt = System.nanoTime();
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
        assertThat(problems).withFailMessage("deliveries not delivered after the restart: %d, the first ones:%n%s", problems.size(),
                String.join("\n", problems.subList(0, Math.min(10, problems.size())))).isEmpty();

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

        for (String id : takenOver) {
            JsonNode d = deliveries.get(id);
            System.out.printf("CrashSafetyIT: delivery %s: %d attempts, last error %s, attempt log %s%n", id,
                    d.get("attempts").asInt(), d.get("last_error"), d.get("attempt_log"));
        }
        assertThat(second.stop()).as("exit status after SIGTERM").isIn(0, 143);
        for (HeraldProcess p : List.of(first, second)) p.warningsAndErrors().forEach(l -> System.out.println(p.name() + ": " + l));
        System.out.printf("CrashSafetyIT: %d accepted before the kill, %d unanswered and retried (%d of them had been stored), "
                        + "%d queued at the kill (first page), %d sending just before the kill %s, %d attempted again after the restart %s; "
                        + "seconds from the test start: first node ready %.1f, killed %.1f, restarted %.1f, retries accepted %.1f, "
                        + "queue drained %.1f, checked %.1f%n",
                acceptedBeforeKill, unanswered.size(), accepted.values().stream().filter(Accepted::replayed).count(),
                queued.get("deliveries").size(), sendingAtKill.size(), sendingAtKill, takenOver.size(), takenOver,
                (firstReady - t0) / 1e9, (killedAt - t0) / 1e9, (restartedAt - t0) / 1e9, (retriedAt - t0) / 1e9,
                (drainedAt - t0) / 1e9, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Reproduces a bug in src/main: a timed-out attempt is cancelled with {@code future.cancel(true)}, which interrupts
     * the channel's thread; an interrupt that lands inside an H2 write makes H2 close the embedded database, after which
     * every request fails with 500 ("The database has been closed") until Herald is restarted. Attempts that take
     * longer than attempt_timeout are forced here with a 1 ms timeout. Enable once AttemptRunner no longer interrupts.
     */
    @Test
    void theEmbeddedDatabaseSurvivesAttemptsThatTimeOut() throws Exception {
        HeraldProcess node = HeraldProcess.builder("timeouts", work)
                .env("HERALD_QUEUE_ATTEMPT_TIMEOUT", "1ms")
                .env("HERALD_QUEUE_BACKOFF_BASE", "100ms")
                .env("HERALD_QUEUE_BACKOFF_MAX", "1s")
                .start();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int n = 1; n <= 300; n++) {
                int number = n;
                statuses.add(clients.submit(() -> post(node, number).statusCode()));
            }
            for (Future<Integer> f : statuses) assertThat(f.get()).as("answer to a POST while attempts time out").isEqualTo(202);
        } finally {
            clients.shutdownNow();
        }
        await("some attempts timed out").atMost(Duration.ofSeconds(30))
                .until(() -> node.log().contains("attempt timed out after 1 ms"));
        assertThat(node.getJson("/api/v1/deliveries?limit=5").get("deliveries")).isNotEmpty();
        assertThat(node.log()).doesNotContain("The database has been closed");
    }

    /**
     * A node on the embedded H2 database under {@code work/data}, the same for every start. Slow: one attempt at a
     * time, one claim per round trip (so the kill lands mid-dispatch). Otherwise the default concurrency.
     */
    private HeraldProcess node(String name, boolean slowDispatch) {
        HeraldProcess.Builder b = HeraldProcess.builder(name, work);
        if (slowDispatch) b.env("HERALD_QUEUE_CONCURRENCY", "1").env("HERALD_QUEUE_BATCH_SIZE", "1");
        return b.start();
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
