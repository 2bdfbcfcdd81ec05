package org.herald.store;

/** Another notification already holds this idempotency key. */
public final class DuplicateIdempotencyKeyException extends RuntimeException {
    public DuplicateIdempotencyKeyException(String key) {
        super("idempotency key already used: " + key);
    }
}
