package org.herald.hub;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.herald.core.RecipientId;

/**
 * One client connection of a recipient. Until its replay is written, live notifications are held back (so the
 * client sees the backlog first, and nothing published meanwhile is lost); then they flow straight to the transport.
 */
public final class Session {
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

    /** Live notifications held back while a replay is written; past this the client is too slow. */
    static final int MAX_HELD = 10_000;

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
        write(connectedFrame);
        transport.writePaced(backlogFrames, () -> {
            Set<String> seen = new HashSet<>(backlogDeliveryIds);
            while (true) {
                List<Held> pending;
                synchronized (this) {
                    pending = held;
                    if (pending.isEmpty()) {
                        held = null;
                        return;
                    }
                    held = new ArrayList<>();
                }
                for (Held h : pending) {
                    if (seen.add(h.deliveryId())) write(h.frame());
                }
            }
        });
    }

    /** Any other frame (topic events, answers). */
    public void write(String frame) {
        if (closed) return;
        if (!transport.write(frame)) close(CloseReason.TOO_SLOW, CloseReason.TOO_SLOW.description());
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
