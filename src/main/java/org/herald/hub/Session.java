package org.herald.hub;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.herald.core.RecipientId;

/**
 * One client connection of a recipient. Until its replay is written, live notifications are held back (so the
 * client sees the backlog first, and nothing published meanwhile is lost); then they flow straight to the transport.
 * Writes may come from any thread; they are carried out on the connection's event loop.
 */
public final class Session {
    /** Live notifications held back while a replay is written; past this the client is too slow. */
    static final int MAX_HELD = 10_000;

    private record Held(String frame, String deliveryId) {}

    private final String id;
    private final RecipientId recipient;
    private final Transport transport;
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private final Set<String> allowedTopics;
    private List<Held> held = new ArrayList<>();
    private volatile boolean closed;
    private volatile Runnable onClose = () -> { };

    public Session(String id, RecipientId recipient, Set<String> allowedTopics, Transport transport) {
        this.id = id;
        this.recipient = recipient;
        this.allowedTopics = Set.copyOf(allowedTopics);
        this.transport = transport;
    }

    public String id() {
        return id;
    }

    public RecipientId recipient() {
        return recipient;
    }

    public Set<String> topics() {
        return topics;
    }

    public boolean mayJoin(String topic) {
        return allowedTopics.contains(topic);
    }

    public String remoteAddress() {
        return transport.remoteAddress();
    }

    Transport transport() {
        return transport;
    }

    /** A notification for this recipient (the same frame goes to all its sessions). */
    public void deliver(String frame, String deliveryId) {
        boolean overflow = false;
        synchronized (this) {
            if (held != null) {
                held.add(new Held(frame, deliveryId));
                overflow = held.size() > MAX_HELD;
                if (!overflow) return;
            }
        }
        if (overflow) close(CloseReason.TOO_SLOW, CloseReason.TOO_SLOW.description());
        else write(frame);
    }

    /**
     * Writes the connected frame and the backlog at the client's pace, then what was published meanwhile and is
     * not already in the backlog.
     */
    public void finishReplay(String connectedFrame, List<String> backlogFrames, Set<String> backlogDeliveryIds) {
        List<String> frames = new ArrayList<>(backlogFrames.size() + 1);
        frames.add(connectedFrame);
        frames.addAll(backlogFrames);
        transport.writePaced(frames, () -> drainHeld(new HashSet<>(backlogDeliveryIds)));
    }

    /** Writes, at the client's pace too, what was published during the replay; then lets live frames through. */
    private void drainHeld(Set<String> seen) {
        List<String> frames = new ArrayList<>();
        synchronized (this) {
            for (Held h : held) if (seen.add(h.deliveryId())) frames.add(h.frame());
            held.clear();
            if (frames.isEmpty()) {
                held = null;
                return;
            }
        }
        transport.writePaced(frames, () -> drainHeld(seen));
    }

    /** Any other frame (answers, errors); encoded for this connection alone. */
    public void write(String frame) {
        writeShared(EncodedFrame.text(frame));
    }

    /** An encoded frame; takes over one reference to it. */
    public void writeShared(ByteBuf frame) {
        if (closed) {
            frame.release();
        } else if (transport.inExecutor()) {
            writeOnLoop(frame);
        } else {
            transport.executor().execute(() -> writeOnLoop(frame));
        }
    }

    /** On the connection's event loop: write, or close as too slow when the client is too far behind. */
    void writeOnLoop(ByteBuf frame) {
        if (closed) {
            frame.release();
            return;
        }
        if (!transport.writeFrame(frame)) close(CloseReason.TOO_SLOW, CloseReason.TOO_SLOW.description());
    }

    /** Runs once when the session closes (the hub forgets it at once, not when the TCP close completes). */
    public void onClose(Runnable action) {
        this.onClose = action;
    }

    public void close(CloseReason reason, String message) {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        onClose.run();
        transport.close(reason, message);
    }

    public boolean isClosed() {
        return closed;
    }
}
