package org.herald.hub;

/** How a session writes to its client (centrifuge's transport): write, and close with a reason. */
public interface Transport {
    /**
     * Queues one text frame. Returns false, writing nothing, when the client already has more than its bound of
     * unread bytes waiting.
     */
    boolean write(String frame);

    /**
     * Writes many frames at the client's pace: whenever the outbound buffer is full, waits until it drains, then goes
     * on. Runs {@code then} when all are written (not when the connection closes first).
     */
    void writePaced(java.util.List<String> frames, Runnable then);

    /** Sends an error frame naming the reason, then closes with its code. */
    void close(CloseReason reason, String message);

    String remoteAddress();
}
