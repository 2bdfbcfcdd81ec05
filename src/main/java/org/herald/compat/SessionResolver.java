package org.herald.compat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns an ABillS browser session id into the admin (or client) it belongs to, with ABillS's own query on ABillS's
 * database ({@code SELECT aid FROM web_online WHERE sid = ?} for admins). Answers are trusted for a short time (also "no such
 * session", so a flood of bad sids does not become a flood of queries); a logged-out session stops working when its
 * cache entry ends.
 */
public final class SessionResolver implements AutoCloseable {
    private record Cached(Optional<String> aid, Instant until) {}

    private final HikariDataSource db;
    private final String query;
    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public SessionResolver(String url, String user, String password, String query, Duration ttl, Clock clock) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setUsername(user);
        c.setPassword(password);
        c.setMaximumPoolSize(2);
        c.setMinimumIdle(0);
        c.setReadOnly(true);
        c.setPoolName("abills-sessions");
        c.setInitializationFailTimeout(-1); // ABillS's database may come up after Herald
        this.db = new HikariDataSource(c);
        this.query = query;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The AID of the session, or empty when ABillS does not know it. Throws when the database cannot be asked. */
    public Optional<String> adminOf(String sid) throws SQLException {
        if (sid == null || sid.isBlank() || sid.length() > 128) return Optional.empty();
        Instant now = clock.instant();
        Cached c = cache.get(sid);
        if (c != null && c.until().isAfter(now)) return c.aid();
        Optional<String> aid;
        try (Connection conn = db.getConnection(); PreparedStatement st = conn.prepareStatement(query)) {
            st.setString(1, sid);
            try (ResultSet rs = st.executeQuery()) {
                aid = rs.next() && rs.getString(1) != null ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
        if (cache.size() > 10_000) cache.clear();
        cache.put(sid, new Cached(aid, now.plus(ttl)));
        return aid;
    }

    @Override
    public void close() {
        db.close();
    }
}
