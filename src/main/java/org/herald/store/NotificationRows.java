package org.herald.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import org.herald.core.Json;
import org.herald.core.Notification;

final class NotificationRows {
    /** Columns of a notification under the prefix used by the claim join. */
    static final String PREFIXED = "n.id AS n_id, n.type AS n_type, n.title AS n_title, n.body AS n_body, n.html AS n_html, n.data AS n_data, "
            + "n.template AS n_template, n.lang AS n_lang, n.priority AS n_priority, n.provider AS n_provider, "
            + "n.created_at AS n_created_at, n.send_at AS n_send_at, n.expires_at AS n_expires_at";

    private NotificationRows() {}

    static Notification map(ResultSet rs, String prefix) throws SQLException {
        return new Notification(
                rs.getString(prefix + "id"),
                rs.getString(prefix + "type"),
                rs.getString(prefix + "title"),
                rs.getString(prefix + "body"),
                rs.getString(prefix + "html"),
                Json.readMap(rs.getString(prefix + "data")),
                rs.getString(prefix + "template"),
                rs.getString(prefix + "lang"),
                rs.getInt(prefix + "priority"),
                rs.getString(prefix + "provider"),
                Times.instant(rs, prefix + "created_at"),
                Times.instant(rs, prefix + "send_at"),
                Times.instant(rs, prefix + "expires_at"));
    }
}
