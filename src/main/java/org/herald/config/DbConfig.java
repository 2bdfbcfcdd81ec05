package org.herald.config;

import java.util.Objects;

public record DbConfig(
        @Doc(value = "JDBC URL of the database: jdbc:h2:file:..., jdbc:postgresql://..., jdbc:mariadb://... or jdbc:mysql://.... Empty: an H2 file database under data_dir.",
                aliases = "HERALD_DB_URL")
        String url,
        @Doc("Database user (PostgreSQL, MariaDB/MySQL).")
        String user,
        @Doc(value = "Database password.", secret = true)
        String password,
        @Doc("Largest number of pooled database connections.")
        Integer poolSize) {

    /** Enough for the dispatcher, the sweepers and concurrent API requests on a small machine. */
    public static final int DEFAULT_POOL_SIZE = 16;

    public DbConfig {
        url = url == null || url.isBlank() ? null : url;
        user = Objects.requireNonNullElse(user, "");
        password = Objects.requireNonNullElse(password, "");
        poolSize = Objects.requireNonNullElse(poolSize, DEFAULT_POOL_SIZE);
    }
}
