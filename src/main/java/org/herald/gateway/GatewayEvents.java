package org.herald.gateway;

import java.util.List;

/**
 * What gateways report back to Herald outside a send: the ids a gateway gave a message (so that its receipt finds
 * the delivery later), receipts, and messages that came in through it.
 */
public interface GatewayEvents {
    /** A send through {@code gateway} for {@code deliveryId} was given these ids (one per SMS segment). */
    void sentAs(String gateway, List<String> messageIds, String deliveryId);

    /** The gateway reports the fate of one of its messages: delivered, or failed with the reason. */
    void receipt(String gateway, String messageId, boolean delivered, String error);

    /** A message came in through the gateway (an SMS, a module's ingoing message). */
    void incoming(String gateway, String channel, String sender, String recipient, String subject, String body, String externalId);

    /** For gateways built where nothing listens (tools, tests of one gateway). */
    GatewayEvents NONE = new GatewayEvents() {
        @Override public void sentAs(String gateway, List<String> messageIds, String deliveryId) {}
        @Override public void receipt(String gateway, String messageId, boolean delivered, String error) {}
        @Override public void incoming(String gateway, String channel, String sender, String recipient, String subject, String body,
                                       String externalId) {}
    };
}
