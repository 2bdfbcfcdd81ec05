package org.herald.hub;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * How a session writes to its client (centrifuge's transport). Frame writes happen on {@link #executor()} (the
 * connection's event loop); flushes are coalesced, so frames published back to back leave in one system call.
 */
public interface Transport {
    /** The thread that owns the connection, the same object every time; {@link #writeFrame} must be called on it. */
    Executor executor();

    boolean inExecutor();

    /**
     * Queues one encoded frame, taking over one reference to it. Returns false (and releases it) when the client
     * already has more than its bound of unread bytes waiting.
     */
    boolean writeFrame(ByteBuf frame);

    /**
     * Like {@link #writeFrame}, and the frame (with anything written before it) goes to the socket now instead of at
     * the next coalesced flush. A transport that flushes every write needs nothing more.
     */
    default boolean writeFrameNow(ByteBuf frame) {
        return writeFrame(frame);
    }

    /**
     * Writes many frames at the client's pace: whenever the outbound buffer is full, waits until it drains, then
     * goes on. Runs {@code then} on the executor when all are written (not when the connection closes first).
     */
    void writePaced(List<String> frames, Runnable then);

    /** Sends an error frame naming the reason, then closes with its code. */
    void close(CloseReason reason, String message);

    String remoteAddress();
}
