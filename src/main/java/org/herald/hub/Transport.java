package org.herald.hub;

/** How a session writes to its client (centrifuge's transport): write, and close with a reason. */
public interface Transport {
    /**
     * Queues one text frame. Returns false, writing nothing, when the client already has more than its bound of
     * unread bytes waiting.
     */
    boolean write(String frame);

    /** Sends an error frame naming the reason, then closes with its code. */
    void close(CloseReason reason, String message);

    String remoteAddress();
}
