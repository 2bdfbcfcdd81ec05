package org.herald.store;

import java.sql.SQLException;

/** A database operation that failed; the {@link SQLException} is the cause. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, SQLException cause) {
        super(message, cause);
    }
}
