package org.herald.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The connection pool, the query layer and the schema migrations of one database. */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final Jdbi jdbi;

    public Database(String url, String user, String password, int poolSize) {
        this.dialect = Dialect.of(url);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        if (user != null && !user.isEmpty()) hc.setUsername(user);
        if (password != null && !password.isEmpty()) hc.setPassword(password);
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(Math.min(2, poolSize));
        hc.setPoolName("herald-db");
        hc.setConnectionTimeout(10_000);
        hc.setInitializationFailTimeout(-1);
        // READ COMMITTED everywhere: claims lock only the rows they take (no gap locks on MariaDB).
        hc.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        if (dialect == Dialect.POSTGRESQL) {
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
            // A generic plan cached while a table was empty keeps scanning it whole once it has rows (measured on
            // the claim's UPDATE … WHERE id IN (…)): plan every execution for its values.
            hc.addDataSourceProperty("options", "-c plan_cache_mode=force_custom_plan");
        }
        this.dataSource = new HikariDataSource(hc);
        this.jdbi = Jdbi.create(dataSource);
        jdbi.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
    }

    /** Applies pending Flyway migrations of this database's dialect. */
    public void migrate() {
        var result = Flyway.configure()
                .dataSource(dataSource)
                .locations(dialect.migrationLocation())
                .baselineOnMigrate(false)
                .load()
                .migrate();
        if (result.migrationsExecuted > 0) {
            log.info("database schema migrated to version {} ({} migrations)", result.targetSchemaVersion, result.migrationsExecuted);
        }
    }

    /** True when a connection can be had and runs a query (isValid alone says yes for a closed H2 database). */
    public boolean isReachable() {
        try (Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            s.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** A pooled connection in auto-commit mode, for the few hot reads that skip Jdbi's per-statement set-up. */
    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    public Dialect dialect() {
        return dialect;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
