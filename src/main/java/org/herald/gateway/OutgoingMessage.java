package org.herald.gateway;

/**
 * A message for a gateway: the delivery it belongs to, the address (email, phone), subject, text and the text's HTML
 * form (null when there is none; gateways that cannot carry HTML ignore it).
 */
public record OutgoingMessage(String deliveryId, String to, String subject, String text, String html) {
    public OutgoingMessage(String deliveryId, String to, String subject, String text) {
        this(deliveryId, to, subject, text, null);
    }
}
