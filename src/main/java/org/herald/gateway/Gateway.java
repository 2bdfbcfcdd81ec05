package org.herald.gateway;

/**
 * Something that takes a message out of Herald for one channel (an SMTP server, later an SMSC, an HTTP SMS API, an
 * external module). Implementations may block; they report, never throw, how a send went.
 */
public interface Gateway {
    String id();

    String channel();

    String module();

    /** What it can do, in the words of BILLmanager's modules: outgoing, ingoing, check_connection, … */
    default java.util.List<String> features() {
        return java.util.List.of("outgoing", "check_connection");
    }

    /** Sends one message. */
    SendResult send(OutgoingMessage message);

    /** Whether the gateway is reachable and accepts Herald (connect, authenticate); null error when it does. */
    String check();
}
