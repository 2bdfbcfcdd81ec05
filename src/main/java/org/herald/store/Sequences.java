package org.herald.store;

import org.herald.core.RecipientId;
import org.jdbi.v3.core.Handle;

/**
 * Per-recipient sequence numbers, taken inside the caller's transaction. The row lock on the recipient's counter
 * orders concurrent accepts for one recipient; accepts for different recipients do not wait on each other.
 */
final class Sequences {
    private Sequences() {}

    static long next(Handle h, RecipientId recipient) {
        String id = recipient.toString();
        int updated = h.createUpdate("UPDATE recipient_sequences SET last_seq = last_seq + 1 WHERE recipient = :r").bind("r", id).execute();
        if (updated == 0) {
            // The recipient's first browser delivery. Another transaction may insert the counter at the same moment:
            // then our insert fails, we roll back to the savepoint (the transaction stays usable) and update instead.
            h.savepoint("herald_seq");
            try {
                h.createUpdate("INSERT INTO recipient_sequences (recipient, last_seq) VALUES (:r, 1)").bind("r", id).execute();
                h.releaseSavepoint("herald_seq");
                return 1;
            } catch (RuntimeException e) {
                if (!SqlErrors.isUniqueViolation(e)) throw e;
                h.rollbackToSavepoint("herald_seq");
                h.createUpdate("UPDATE recipient_sequences SET last_seq = last_seq + 1 WHERE recipient = :r").bind("r", id).execute();
            }
        }
        return h.createQuery("SELECT last_seq FROM recipient_sequences WHERE recipient = :r").bind("r", id).mapTo(Long.class).one();
    }

    static long last(Handle h, RecipientId recipient) {
        return h.createQuery("SELECT last_seq FROM recipient_sequences WHERE recipient = :r").bind("r", recipient.toString())
                .mapTo(Long.class).findOne().orElse(0L);
    }
}
