package org.herald.store;

import org.herald.core.Delivery;
import org.herald.core.Notification;

/** A delivery this node holds a claim on, with the notification it carries. {@code delivery.attempts()} counts this attempt. */
public record ClaimedDelivery(Delivery delivery, Notification notification) {}
