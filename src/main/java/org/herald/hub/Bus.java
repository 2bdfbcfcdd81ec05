package org.herald.hub;

import org.herald.core.RecipientId;

/**
 * How a message reaches the sessions that should see it, wherever they are connected. Delivery through the bus is
 * at most once: a session that misses a notification gets it by replay (from the database) when it reconnects.
 * {@link LocalBus} reaches the sessions of this process; a cluster bus (Redis) those of every node.
 */
public interface Bus {
    /**
     * A notification frame for every session of the recipient. Returns the sessions it was handed to, as far as this
     * node knows: 0 when the recipient is not connected anywhere (or only on nodes this one cannot reach now).
     */
    int toRecipient(RecipientId recipient, long seq, String deliveryId, String frame);

    /** An event frame for every session subscribed to the topic. Does not block: event loops call it. */
    void toTopic(String topic, String frame);
}
