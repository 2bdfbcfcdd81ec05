package org.herald.gateway;

/** A message for a gateway: the delivery it belongs to, the address (email, phone), subject and text. */
public record OutgoingMessage(String deliveryId, String to, String subject, String text) {}
