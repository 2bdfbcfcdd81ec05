package org.herald.core;

import java.time.Instant;

/** One notification to one recipient over one channel: the unit that is queued, attempted, retried and reported. */
public record Delivery(
        String id,
        String notificationId,
        RecipientId recipient,
        String channel,
        DeliveryStatus status,
        int priority,
        int attempts,
        String lastError,
        String gateway,
        Instant createdAt,
        Instant dueAt,
        Instant expiresAt,
        Instant sentAt,
        Instant deliveredAt,
        Instant readAt) {
}
