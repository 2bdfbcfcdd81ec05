package org.herald.store;

import java.time.Instant;
import org.herald.core.RecipientId;

/** A browser's push subscription (a "contact"): where to push and the keys to encrypt for. */
public record PushSubscription(String id, RecipientId recipient, String endpoint, String p256dh, String auth,
                               String userAgent, Instant createdAt, Instant lastSeenAt) {}
