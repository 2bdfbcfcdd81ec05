package org.herald.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import org.herald.core.Delivery;
import org.herald.core.DeliveryStatus;
import org.herald.core.RecipientId;

final class DeliveryRows {
    static final String COLUMNS = "d.id, d.notification_id, d.recipient, d.channel, d.status, d.priority, d.attempts, d.last_error, "
            + "d.gateway, d.created_at, d.due_at, d.expires_at, d.sent_at, d.delivered_at, d.read_at, d.seq";

    private DeliveryRows() {}

    private static Long seq(ResultSet rs) throws SQLException {
        long v = rs.getLong("seq");
        return rs.wasNull() ? null : v;
    }

    static Delivery map(ResultSet rs) throws SQLException {
        return new Delivery(
                rs.getString("id"),
                rs.getString("notification_id"),
                RecipientId.parse(rs.getString("recipient")),
                rs.getString("channel"),
                DeliveryStatus.fromWord(rs.getString("status")),
                rs.getInt("priority"),
                rs.getInt("attempts"),
                rs.getString("last_error"),
                rs.getString("gateway"),
                Times.instant(rs, "created_at"),
                Times.instant(rs, "due_at"),
                Times.instant(rs, "expires_at"),
                Times.instant(rs, "sent_at"),
                Times.instant(rs, "delivered_at"),
                Times.instant(rs, "read_at"),
                seq(rs));
    }
}
