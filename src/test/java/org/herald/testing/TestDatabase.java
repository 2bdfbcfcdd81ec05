package org.herald.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh, empty database on one of the machine's real servers (or an H2 file), dropped on close. Every test class
 * gets its own, so tests never see each other's rows.
 */
public final class TestDatabase implements AutoCloseable {
    public enum Kind { H2, POSTGRESQL, MARIADB }

    private static final String PG_ADMIN = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final String MARIADB_ADMIN = "jdbc:mariadb://127.0.0.1:3306/";

    private final Kind kind;
    private final String name;
    private final String url;
    private final String user;

    private TestDatabase(Kind kind, String name, String url, String user) {
        this.kind = kind;
        this.name = name;
        this.url = url;
        this.user = user;
    }

    public static TestDatabase create(Kind kind) {
        String name = "herald_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return switch (kind) {
            case H2 -> new TestDatabase(kind, name, "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "");
            case POSTGRESQL -> {
                admin(PG_ADMIN, "postgres", "CREATE DATABASE " + name);
                yield new TestDatabase(kind, name, "jdbc:postgresql://127.0.0.1:5432/" + name, "postgres");
            }
            case MARIADB -> {
                admin(MARIADB_ADMIN, "root", "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
                yield new TestDatabase(kind, name, "jdbc:mariadb://127.0.0.1:3306/" + name, "root");
            }
        };
    }

    /** An H2 file database under {@code dir} (survives the process, as the embedded default does). */
    public static String h2File(java.nio.file.Path dir) {
        return "jdbc:h2:file:" + dir.resolve("herald").toAbsolutePath() + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    }

    public Kind kind() {
        return kind;
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    @Override
    public void close() {
        switch (kind) {
            case H2 -> {
                try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN");
                } catch (SQLException ignored) {
                    // already gone
                }
            }
            case POSTGRESQL -> admin(PG_ADMIN, "postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            case MARIADB -> admin(MARIADB_ADMIN, "root", "DROP DATABASE IF EXISTS " + name);
        }
    }

    private static void admin(String url, String user, String sql) {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test database server at " + url + " refused '" + sql + "': " + e.getMessage(), e);
        }
    }
}
