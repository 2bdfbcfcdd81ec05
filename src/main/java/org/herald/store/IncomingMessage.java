package org.herald.store;

import java.time.Instant;

/** A message that came back through a gateway: who sent it, what, and the delivery it answers when it is known. */
public record IncomingMessage(String id, String gateway, String channel, String sender, String recipient, String subject,
                              String body, String externalId, String deliveryId, Instant receivedAt) {}
