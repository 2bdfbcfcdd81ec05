package org.herald.store;

/** The few places where Herald's SQL differs between the supported databases. */
public enum Dialect {
    H2("h2"), POSTGRESQL("postgresql"), MYSQL("mysql");

    private final String migrationFolder;

    Dialect(String migrationFolder) {
        this.migrationFolder = migrationFolder;
    }

    public static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) return H2;
        if (jdbcUrl.startsWith("jdbc:postgresql:")) return POSTGRESQL;
        if (jdbcUrl.startsWith("jdbc:mariadb:") || jdbcUrl.startsWith("jdbc:mysql:")) return MYSQL;
        throw new IllegalArgumentException("unsupported database URL " + jdbcUrl);
    }

    public String migrationLocation() {
        return "classpath:db/migration/" + migrationFolder;
    }

    /**
     * Whether several Herald processes may share this database, so claims must lock rows. The embedded H2 file
     * database belongs to one process; its claims use a conditional update instead (H2's SKIP LOCKED is slow).
     */
    public boolean sharedByNodes() {
        return this != H2;
    }

    /** {@code SELECT … ORDER BY …} + this: the first n rows, locked, skipping rows another node holds. */
    public String limitForUpdateSkipLocked(int n) {
        return this == H2
                ? " FETCH FIRST " + n + " ROWS ONLY FOR UPDATE SKIP LOCKED"
                : " LIMIT " + n + " FOR UPDATE SKIP LOCKED";
    }

    public String limit(int n) {
        return this == H2 ? " FETCH FIRST " + n + " ROWS ONLY" : " LIMIT " + n;
    }
}
