package org.herald.gateway;

import java.util.Map;

/**
 * A message for a gateway: the delivery it belongs to, the address (email, phone), subject, text, the text's HTML
 * form (null when there is none; gateways that cannot carry HTML ignore it), and all the recipient's contacts
 * (external modules get them all, as BILLmanager gives its modules the user).
 */
public record OutgoingMessage(String deliveryId, String to, String subject, String text, String html, Map<String, String> contacts) {
    public OutgoingMessage {
        contacts = contacts == null ? Map.of() : Map.copyOf(contacts);
    }

    public OutgoingMessage(String deliveryId, String to, String subject, String text, String html) {
        this(deliveryId, to, subject, text, html, Map.of());
    }

    public OutgoingMessage(String deliveryId, String to, String subject, String text) {
        this(deliveryId, to, subject, text, null, Map.of());
    }
}
