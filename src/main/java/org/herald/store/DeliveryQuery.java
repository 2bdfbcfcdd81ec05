package org.herald.store;

/** Filters of GET /api/v1/deliveries; null means any. Newest first, ids before {@code before}. */
public record DeliveryQuery(String status, String channel, String to, String notificationId, String before, int limit) {}
