import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Times Herald's claim of due deliveries (DeliveryStore.claim: the V1 query, and the per-priority probes of commit
 * 04b8335 with the V3 index) against a table holding N queued rows, and an alternative: an index in the ORDER BY's order, and on H2 a claim without FOR UPDATE (select the ids, then
 * UPDATE … WHERE id IN (…) AND status = 'queued': a row another node took in between is simply not updated).
 * Run by bench/claim-probe.sh: java -cp <driver jar> ClaimProbe.java JDBC_URL USER ROWS ROUNDS
 */
public class ClaimProbe {
    static final String TABLE = "CREATE TABLE deliveries (id VARCHAR(36) NOT NULL PRIMARY KEY, notification_id VARCHAR(36) NOT NULL, "
            + "recipient VARCHAR(170) NOT NULL, channel VARCHAR(32) NOT NULL, status VARCHAR(16) NOT NULL, priority INT NOT NULL, "
            + "due_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, attempts INT NOT NULL, last_error VARCHAR(2000), gateway VARCHAR(100), "
            + "claimed_by VARCHAR(100), lease_until BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, sent_at BIGINT, "
            + "delivered_at BIGINT, read_at BIGINT)";
    static final String[] INDEXES = {
        "CREATE INDEX deliveries_due ON deliveries (status, priority, due_at)",
        "CREATE INDEX deliveries_lease ON deliveries (status, lease_until)",
        "CREATE INDEX deliveries_notification ON deliveries (notification_id)",
        "CREATE INDEX deliveries_recipient ON deliveries (recipient, id)",
    };

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        int rows = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        boolean h2 = url.startsWith("jdbc:h2:");
        String limit = h2 ? " FETCH FIRST 32 ROWS ONLY" : " LIMIT 32";
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            setUp(c, rows);
            String current = "SELECT d.id FROM deliveries d WHERE d.status = 'queued' AND d.due_at <= ? "
                    + "ORDER BY d.priority DESC, d.due_at, d.id" + limit + " FOR UPDATE SKIP LOCKED";
            report("Herald V1: ORDER BY priority DESC, due_at, id … FOR UPDATE SKIP LOCKED", c, current, true, rounds);
            // Herald V3 (commit 04b8335): index (status, priority, due_at, id), one probe per priority 9..0
            try (Statement s = c.createStatement()) {
                s.execute("CREATE INDEX deliveries_claim_v3 ON deliveries (status, priority, due_at, id)");
                s.execute("DROP INDEX deliveries_due");
                if (!h2) s.execute("ANALYZE deliveries");
            }
            c.commit();
            String perPriority = "SELECT d.id FROM deliveries d WHERE d.status = 'queued' AND d.priority = ? AND d.due_at <= ? "
                    + "ORDER BY d.due_at, d.id" + (h2 ? " FETCH FIRST 32 ROWS ONLY" : " LIMIT 32") + " FOR UPDATE SKIP LOCKED";
            report("Herald V3 (04b8335): index (status, priority, due_at, id), a probe per priority … FOR UPDATE SKIP LOCKED",
                    c, PER_PRIORITY + perPriority, true, rounds);
            try (Statement s = c.createStatement()) {
                s.execute("DROP INDEX deliveries_claim_v3");
                s.execute("CREATE INDEX deliveries_due ON deliveries (status, priority, due_at)");
            }
            c.commit();
            String alternative;
            try (Statement s = c.createStatement()) {
                if (h2) {
                    s.execute("CREATE INDEX deliveries_claim ON deliveries (status, priority DESC, due_at, id)");
                    alternative = "SELECT d.id FROM deliveries d WHERE d.status = 'queued' AND d.due_at <= ? "
                            + "ORDER BY d.status, d.priority DESC, d.due_at, d.id" + limit;
                } else {
                    s.execute("CREATE INDEX deliveries_claim ON deliveries (priority DESC, due_at, id) WHERE status = 'queued'");
                    s.execute("ANALYZE deliveries");
                    alternative = current;
                }
            }
            c.commit();
            report(h2 ? "index (status, priority DESC, due_at, id), ORDER BY status first, no FOR UPDATE; UPDATE … AND status = 'queued'"
                      : "partial index (priority DESC, due_at, id) WHERE status = 'queued', same query", c, alternative, !h2, rounds);
        }
    }

    /** Marks a query to be run once per priority, 9 down to 0, until 32 ids are found (first parameter: priority). */
    static final String PER_PRIORITY = "per-priority:";

    static void setUp(Connection c, int rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS deliveries");
            s.execute(TABLE);
            for (String i : INDEXES) s.execute(i);
        }
        c.setAutoCommit(false);
        long now = System.currentTimeMillis();
        try (PreparedStatement p = c.prepareStatement("INSERT INTO deliveries (id, notification_id, recipient, channel, status, priority, "
                + "due_at, expires_at, attempts, created_at, updated_at) VALUES (?, ?, ?, 'inbox', 'queued', 5, ?, ?, 0, ?, ?)")) {
            for (int i = 0; i < rows; i++) {
                p.setString(1, String.format("00000000-0000-7000-8000-%012d", i));
                p.setString(2, String.format("00000000-0000-7000-9000-%012d", i / 100));
                p.setString(3, "user:" + i);
                p.setLong(4, now - 1000);
                p.setLong(5, now + 86_400_000L);
                p.setLong(6, now);
                p.setLong(7, now);
                p.addBatch();
                if (i % 1000 == 999) p.executeBatch();
            }
            p.executeBatch();
        }
        c.commit();
    }

    /** Claims 32 rows per round like DeliveryStore.claim: select ids, mark them sending, commit. */
    static void report(String label, Connection c, String select, boolean forUpdate, int rounds) throws SQLException {
        boolean perPriority = select.startsWith(PER_PRIORITY);
        if (perPriority) select = select.substring(PER_PRIORITY.length());
        String explain = perPriority ? select.replaceFirst("\\?", "5").replace("?", "9999999999999") : select.replace("?", "9999999999999");
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN " + explain)) {
            StringBuilder plan = new StringBuilder();
            while (rs.next()) plan.append(rs.getString(1).replaceAll("\\s+", " ").trim()).append(" | ");
            System.out.println("  plan: " + plan);
        }
        c.commit();
        double[] sel = new double[rounds], upd = new double[rounds], com = new double[rounds];
        int claimed = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            List<String> ids = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(select)) {
                for (int prio = 9; prio >= (perPriority ? 0 : 9) && ids.size() < 32; prio--) {
                    int i = 1;
                    if (perPriority) p.setInt(i++, prio);
                    p.setLong(i, System.currentTimeMillis());
                    try (ResultSet rs = p.executeQuery()) { while (rs.next() && ids.size() < 32) ids.add(rs.getString(1)); }
                }
            }
            long t1 = System.nanoTime();
            String in = String.join(",", ids.stream().map(id -> "'" + id + "'").toList());
            try (Statement s = c.createStatement()) {
                claimed += s.executeUpdate("UPDATE deliveries SET status = 'sending', claimed_by = 'probe', attempts = attempts + 1 "
                        + "WHERE id IN (" + (in.isEmpty() ? "''" : in) + ")" + (forUpdate ? "" : " AND status = 'queued'"));
            }
            long t2 = System.nanoTime();
            c.commit();
            long t3 = System.nanoTime();
            sel[r] = (t1 - t0) / 1e6; upd[r] = (t2 - t1) / 1e6; com[r] = (t3 - t2) / 1e6;
        }
        System.out.printf("| %s | %.2f | %.2f | %.2f | %.2f | %d |%n", label, median(sel), median(upd), median(com),
                median(sel) + median(upd) + median(com), claimed);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
