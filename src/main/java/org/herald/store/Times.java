package org.herald.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Times are stored as epoch milliseconds. */
final class Times {
    private Times() {}

    static Long millis(Instant t) {
        return t == null ? null : t.toEpochMilli();
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }
}
