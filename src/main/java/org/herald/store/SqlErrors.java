package org.herald.store;

import java.sql.SQLException;

final class SqlErrors {
    private SqlErrors() {}

    /** A unique or primary key violation, on H2, PostgreSQL (23505) and MariaDB/MySQL (1062). */
    static boolean isUniqueViolation(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException e) {
                if ("23505".equals(e.getSQLState()) || e.getErrorCode() == 1062) return true;
            }
        }
        return false;
    }
}
