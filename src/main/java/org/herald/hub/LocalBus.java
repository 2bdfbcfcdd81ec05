package org.herald.hub;

import org.herald.core.RecipientId;

/** The bus of a single Herald process: hands messages straight to the local hub. */
public final class LocalBus implements Bus {
    private final Hub hub;

    public LocalBus(Hub hub) {
        this.hub = hub;
    }

    @Override
    public int toRecipient(RecipientId recipient, long seq, String deliveryId, String frame) {
        return hub.deliverLocal(recipient, seq, deliveryId, frame);
    }

    @Override
    public void toTopic(String topic, String frame) {
        hub.publishLocal(topic, frame);
    }
}
