package org.herald.hub;

import org.herald.core.RecipientId;

/** The bus of a single Herald process: hands messages straight to the local hub. */
public final class LocalBus implements Bus {
    private final Hub hub;

    public LocalBus(Hub hub) {
        this.hub = hub;
    }

    @Override
    public void toRecipient(RecipientId recipient, String frame, String deliveryId) {
        hub.deliverLocal(recipient, frame, deliveryId);
    }

    @Override
    public void toTopic(String topic, String frame) {
        hub.publishLocal(topic, frame);
    }
}
