package org.herald.store;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Which delivery a gateway's message id belongs to (see V8__gateway_messages.sql). */
public final class GatewayMessageStore {
    private final Database db;
    private final Clock clock;

    public GatewayMessageStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** The ids one send through {@code gateway} was given (one per SMS segment). */
    public record Sent(String gateway, List<String> messageIds, String deliveryId) {}

    /** Stores the ids of several sends in one transaction (see {@link GroupCommit}). */
    public void rememberAll(List<Sent> sends) {
        long now = clock.millis();
        db.jdbi().useTransaction(h -> {
            var batch = h.prepareBatch("INSERT INTO gateway_messages (gateway, message_id, delivery_id, created_at) "
                    + "VALUES (:gateway, :message, :delivery, :now)");
            int rows = 0;
            for (Sent s : sends) {
                for (String id : s.messageIds()) {
                    batch.bind("gateway", s.gateway()).bind("message", id).bind("delivery", s.deliveryId()).bind("now", now).add();
                    rows++;
                }
            }
            if (rows > 0) batch.execute();
        });
    }

    public Optional<String> deliveryOf(String gateway, String messageId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT delivery_id FROM gateway_messages WHERE gateway = :gateway "
                        + "AND message_id = :message").bind("gateway", gateway).bind("message", messageId)
                .mapTo(String.class).findOne());
    }

    /** Forgets ids older than {@code before} (epoch millis): receipts do not come after days. */
    public int forgetBefore(long before) {
        return db.jdbi().withHandle(h -> h.createUpdate("DELETE FROM gateway_messages WHERE created_at < :before")
                .bind("before", before).execute());
    }
}
