package org.herald.gateway;

/** How one send through a gateway went. */
public sealed interface SendResult {
    /** Taken by the gateway; {@code reference} is its id for the message (e.g. the Message-ID). */
    record Accepted(String reference) implements SendResult {}

    /** Worth trying again (network, 4xx, the server busy). */
    record Temporary(String reason) implements SendResult {}

    /** Not sent: the gateway's rate limit has no room soon enough; worth trying after {@code after}. */
    record Deferred(String reason, java.time.Duration after) implements SendResult {}

    /** Trying again cannot help (a refused address, a 5xx, a configuration problem). */
    record Permanent(String reason) implements SendResult {}
}
