package org.herald.store;

import com.fasterxml.jackson.core.type.TypeReference;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.herald.core.Json;
import org.herald.core.RecipientId;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/** The history of background commands. */
public final class CommandStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final RowMapper<CommandRun> ROW = (rs, ctx) -> {
        int exit = rs.getInt("exit_code");
        Integer exitCode = rs.wasNull() ? null : exit;
        try {
            return new CommandRun(rs.getString("id"), RecipientId.parse(rs.getString("recipient")), rs.getString("name"),
                    Json.MAPPER.readValue(rs.getString("args"), STRINGS), rs.getLong("timeout_ms"), rs.getString("status"),
                    exitCode, rs.getString("output"), rs.getBoolean("truncated"), rs.getString("error"),
                    rs.getString("notification_id"), Times.instant(rs, "created_at"), Times.instant(rs, "started_at"),
                    Times.instant(rs, "finished_at"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("damaged args of command " + rs.getString("id"), e);
        }
    };

    private final Database db;
    private final Clock clock;

    public CommandStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public void insert(CommandRun c) {
        db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO commands (id, recipient, name, args, timeout_ms, status, truncated, "
                        + "created_at) VALUES (:id, :to, :name, :args, :timeout, :status, FALSE, :created)")
                .bind("id", c.id()).bind("to", c.recipient().toString()).bind("name", c.name())
                .bind("args", Json.write(c.args())).bind("timeout", c.timeoutMs()).bind("status", c.status())
                .bind("created", c.createdAt().toEpochMilli()).execute());
    }

    public void markRunning(String id) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE commands SET status = 'running', started_at = :now WHERE id = :id")
                .bind("now", clock.millis()).bind("id", id).execute());
    }

    public void finish(String id, String status, Integer exitCode, String output, boolean truncated, String error) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE commands SET status = :status, exit_code = :exit, output = :output, "
                        + "truncated = :truncated, error = :error, finished_at = :now WHERE id = :id")
                .bind("status", status).bind("exit", exitCode).bind("output", output).bind("truncated", truncated)
                .bind("error", error).bind("now", clock.millis()).bind("id", id).execute());
    }

    public void setNotification(String id, String notificationId) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE commands SET notification_id = :n WHERE id = :id")
                .bind("n", notificationId).bind("id", id).execute());
    }

    public Optional<CommandRun> find(String id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM commands WHERE id = :id").bind("id", id).map(ROW).findOne());
    }

    /** Newest first; {@code to}, {@code status} and {@code before} (an id) are optional filters. */
    public List<CommandRun> list(RecipientId to, String status, String before, int limit) {
        String sql = "SELECT * FROM commands WHERE 1 = 1" + (to != null ? " AND recipient = :to" : "")
                + (status != null ? " AND status = :status" : "") + (before != null ? " AND id < :before" : "")
                + " ORDER BY id DESC" + db.dialect().limit(limit);
        return db.jdbi().withHandle(h -> {
            Query q = h.createQuery(sql);
            if (to != null) q.bind("to", to.toString());
            if (status != null) q.bind("status", status);
            if (before != null) q.bind("before", before);
            return q.map(ROW).list();
        });
    }

    /**
     * Runs left queued or running by a Herald that stopped without finishing them, and long past their timeout:
     * they are failed with {@code reason}. Returns how many.
     */
    public int failAbandoned(Instant olderThan, String reason) {
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE commands SET status = 'failed', error = :reason, finished_at = :now "
                        + "WHERE status IN ('queued', 'running') AND created_at + timeout_ms < :cutoff")
                .bind("reason", reason).bind("now", clock.millis()).bind("cutoff", olderThan.toEpochMilli()).execute());
    }
}
