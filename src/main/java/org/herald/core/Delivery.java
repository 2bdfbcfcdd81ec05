package org.herald.core;

import java.time.Instant;

/**
 * One notification to one recipient over one channel: the unit that is queued, attempted, retried and reported.
 * {@code seq} is the recipient's sequence number for browser deliveries (null for other channels).
 */
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
        Instant readAt,
        Long seq) {

    /** The same delivery with another status, attempt count, error and gateway (for events about a change). */
    public Delivery with(DeliveryStatus newStatus, int newAttempts, String newError, String newGateway) {
        return new Delivery(id, notificationId, recipient, channel, newStatus, priority, newAttempts, newError, newGateway,
                createdAt, dueAt, expiresAt, sentAt, deliveredAt, readAt, seq);
    }
}
