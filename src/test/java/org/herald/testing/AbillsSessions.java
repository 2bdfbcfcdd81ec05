package org.herald.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Map;

/**
 * ABillS's session table {@code web_online} (aid, sid) in a real MariaDB database of its own, and a Herald with the
 * ABillS listeners on free ports resolving admins' sessions from it.
 */
public final class AbillsSessions implements AutoCloseable {
    private final TestDatabase db;

    private AbillsSessions(TestDatabase db) {
        this.db = db;
    }

    /** A fresh database whose {@code web_online} holds these admins' sessions (aid → sid). */
    public static AbillsSessions withAdmins(Map<Integer, String> sessions) throws Exception {
        AbillsSessions s = new AbillsSessions(TestDatabase.create(TestDatabase.Kind.MARIADB));
        try (Connection c = s.connect()) {
            c.createStatement().execute("CREATE TABLE web_online (aid INT UNSIGNED NOT NULL, sid VARCHAR(32) NOT NULL, PRIMARY KEY (sid))");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO web_online VALUES (?, ?)")) {
                for (var e : sessions.entrySet()) {
                    insert.setInt(1, e.getKey());
                    insert.setString(2, e.getValue());
                    insert.executeUpdate();
                }
            }
        }
        return s;
    }

    public Connection connect() throws Exception {
        return DriverManager.getConnection(db.url(), db.user(), "");
    }

    /** Herald with ABillS compatibility on: internal API and admins' pages on free ports, sessions from here. */
    public TestHerald.Builder herald() {
        return TestHerald.builder()
                .env("HERALD_ABILLS_ENABLED", "true")
                .env("HERALD_ABILLS_INTERNAL_PORT", "0")
                .env("HERALD_ABILLS_BROWSER_PORT", "0")
                .env("HERALD_ABILLS_SESSION_DB_URL", db.url())
                .env("HERALD_ABILLS_SESSION_DB_USER", db.user());
    }

    @Override
    public void close() {
        db.close();
    }
}
