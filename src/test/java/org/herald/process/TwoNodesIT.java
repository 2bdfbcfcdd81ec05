package org.herald.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.herald.testing.TestDatabase;
import org.herald.testing.TestDatabase.Kind;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two Herald processes on one shared database (PostgreSQL, MariaDB) take deliveries from the same queue. Checked in
 * the database itself afterwards: every delivery was claimed and attempted exactly once (or, had a retry happened,
 * never by two attempts at the same time), and both nodes did part of the work.
 */
@ExtendWith(HeraldProcess.LogsOnFailure.class)
class TwoNodesIT {
    private static final int NOTIFICATIONS = 50;
    private static final int RECIPIENTS = 100;
    private static final int DELIVERIES = NOTIFICATIONS * RECIPIENTS;
    private static final int CLIENTS = 4;

    /** One row of delivery_attempts. */
    record Attempt(String deliveryId, int attempt, String node, long startedAt, long finishedAt, String outcome, String error) {}

    @ParameterizedTest(name = "on {0}")
    @EnumSource(value = Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void twoNodesOnOneDatabaseShareTheQueueAndAttemptEveryDeliveryOnce(Kind kind, @TempDir Path work) throws Exception {
        long t0 = System.nanoTime();
        try (TestDatabase db = TestDatabase.create(kind)) {
            // Both start at once on the empty database: their schema migrations race too.
            CompletableFuture<HeraldProcess> startA = CompletableFuture.supplyAsync(() -> node("node-a", work, db));
            CompletableFuture<HeraldProcess> startB = CompletableFuture.supplyAsync(() -> node("node-b", work, db));
            try {
                List<HeraldProcess> nodes = List.of(startA.join(), startB.join());
                long startedAt = System.nanoTime();
                Set<String> accepted = postAll(nodes);
                assertThat(accepted).hasSize(DELIVERIES);

                try (Connection c = DriverManager.getConnection(db.url(), db.user(), "")) {
                    await("all " + DELIVERIES + " deliveries delivered").atMost(Duration.ofSeconds(75))
                            .pollInterval(Duration.ofMillis(500))
                            .untilAsserted(() -> assertThat(countByStatus(c)).isEqualTo(Map.of("delivered", (long) DELIVERIES)));
                    long deliveredAt = System.nanoTime();

                    assertThat(ids(c, "SELECT id FROM deliveries")).as("deliveries in the database").isEqualTo(accepted);
                    assertThat(ids(c, "SELECT id FROM deliveries WHERE claimed_by IS NOT NULL OR lease_until IS NOT NULL"))
                            .as("deliveries still holding a claim").isEmpty();

                    Map<String, List<Attempt>> attempts = attemptsByDelivery(c);
                    assertThat(attempts.keySet()).as("deliveries with at least one recorded attempt").isEqualTo(accepted);
                    Map<String, Integer> claims = claimsByDelivery(c);
                    List<String> problems = new ArrayList<>();
                    int retried = 0;
                    for (var e : attempts.entrySet()) {
                        String id = e.getKey();
                        List<Attempt> log = e.getValue();
                        if (log.size() > 1 && ++retried <= 10) System.out.println("TwoNodesIT on " + kind + ": retried " + log);
                        if (claims.get(id) != log.size()) {
                            problems.add(id + " was claimed " + claims.get(id) + " times but has " + log.size() + " attempts: " + log);
                        }
                        for (int i = 1; i < log.size(); i++) {
                            if (log.get(i).startedAt() < log.get(i - 1).finishedAt()) {
                                problems.add(id + ": attempts overlap in time: " + log.get(i - 1) + " and " + log.get(i));
                            }
                        }
                        for (int i = 0; i < log.size(); i++) {
                            String expected = i == log.size() - 1 ? "delivered" : "retry";
                            if (!expected.equals(log.get(i).outcome())) {
                                problems.add(id + ": attempt " + (i + 1) + " of " + log.size() + " has outcome "
                                        + log.get(i).outcome() + ", expected " + expected + ": " + log);
                            }
                        }
                    }
                    assertThat(problems).withFailMessage("deliveries attempted more than once or concurrently: %d, the first ones:%n%s",
                            problems.size(), String.join("\n", problems.subList(0, Math.min(10, problems.size())))).isEmpty();

                    Map<String, Long> byNode = countByNode(c);
                    assertThat(byNode.keySet()).as("nodes that made attempts").containsExactlyInAnyOrder("node-a", "node-b");
                    assertThat(byNode.values()).as("attempts per node %s", byNode).allSatisfy(n -> assertThat(n).isPositive());

                    assertThat(ids(c, "SELECT i.id FROM inbox_items i JOIN deliveries d ON d.id = i.id AND d.recipient = i.recipient"))
                            .as("inbox items, one per delivery").isEqualTo(accepted);

                    System.out.printf("TwoNodesIT on %s: nodes ready after %.1f s, %d deliveries delivered %.1f s after the first POST, "
                                    + "attempts per node %s, %d deliveries needed more than one attempt; checked after %.1f s%n",
                            kind, (startedAt - t0) / 1e9, DELIVERIES, (deliveredAt - startedAt) / 1e9, byNode, retried,
                            (System.nanoTime() - t0) / 1e9);
                }
            } finally {
                // Stopped before the database is dropped, also when only one of them started.
                for (CompletableFuture<HeraldProcess> started : List.of(startA, startB)) {
                    HeraldProcess n;
                    try {
                        n = started.join();
                    } catch (RuntimeException e) {
                        continue;
                    }
                    long stopping = System.nanoTime();
                    int exit = n.stop();
                    System.out.printf("%s stopped with status %d in %.1f s%n", n, exit, (System.nanoTime() - stopping) / 1e9);
                    n.warningsAndErrors().forEach(l -> System.out.println(n.name() + ": " + l));
                }
            }
        }
    }

    private static HeraldProcess node(String name, Path work, TestDatabase db) {
        return HeraldProcess.builder(name, work.resolve(name)).database(db.url(), db.user()).start();
    }

    /**
     * Posts the notifications, alternating between the nodes, each to {@code RECIPIENTS} recipients of its own.
     * Returns the ids of all deliveries the 202s announced.
     */
    private static Set<String> postAll(List<HeraldProcess> nodes) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int n = 1; n <= NOTIFICATIONS; n++) {
                int number = n;
                HeraldProcess node = nodes.get(n % nodes.size());
                futures.add(pool.submit(() -> {
                    List<String> to = new ArrayList<>();
                    for (int r = 1; r <= RECIPIENTS; r++) to.add("user:" + number + "-" + r);
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("to", to);
                    body.put("type", "cluster.test");
                    body.put("title", "Bulk " + number);
                    body.put("text", "Bulk notification " + number);
                    body.put("channels", List.of("inbox"));
                    HttpResponse<String> r = node.send("POST", "/api/v1/notifications", body, Map.of("Idempotency-Key", "bulk-" + number));
                    assertThat(r.statusCode()).as("POST of notification %d to %s: %s", number, node, r.body()).isEqualTo(202);
                    List<String> ids = new ArrayList<>();
                    for (JsonNode d : HeraldProcess.JSON.readTree(r.body()).get("deliveries")) {
                        assertThat(d.get("status").asText()).isEqualTo("queued");
                        ids.add(d.get("id").asText());
                    }
                    assertThat(ids).hasSize(RECIPIENTS);
                    return ids;
                }));
            }
            Set<String> all = new TreeSet<>();
            for (Future<List<String>> f : futures) all.addAll(f.get());
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<String, Long> countByStatus(Connection c) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT status, COUNT(*) FROM deliveries GROUP BY status")) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
    }

    private static Map<String, Long> countByNode(Connection c) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT node, COUNT(*) FROM delivery_attempts GROUP BY node")) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
    }

    private static Set<String> ids(Connection c, String sql) throws SQLException {
        Set<String> out = new TreeSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) assertThat(out.add(rs.getString(1))).as("%s returned %s twice", sql, rs.getString(1)).isTrue();
        }
        return out;
    }

    /** deliveries.attempts: how many times each delivery was claimed (a claim counts one attempt). */
    private static Map<String, Integer> claimsByDelivery(Connection c) throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, attempts FROM deliveries")) {
            while (rs.next()) out.put(rs.getString(1), rs.getInt(2));
        }
        return out;
    }

    /** Every row of delivery_attempts, grouped by delivery, each group sorted by start time. */
    private static Map<String, List<Attempt>> attemptsByDelivery(Connection c) throws SQLException {
        Map<String, List<Attempt>> out = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT delivery_id, attempt, node, started_at, finished_at, outcome, error FROM delivery_attempts")) {
            while (rs.next()) {
                Attempt a = new Attempt(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                        rs.getString(6), rs.getString(7));
                out.computeIfAbsent(a.deliveryId(), k -> new ArrayList<>()).add(a);
            }
        }
        out.values().forEach(l -> l.sort(Comparator.comparingLong(Attempt::startedAt).thenComparingInt(Attempt::attempt)));
        return out;
    }
}
