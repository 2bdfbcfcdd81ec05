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

    /** A notification for this recipient (the same frame goes to all its sessions). */
    public void deliver(String frame, String deliveryId) {
        synchronized (this) {
            if (held != null) {
                held.add(new Held(frame, deliveryId));
                return;
            }
        }
        write(frame);
    }

    /** Writes the connected frame and the backlog, then what was published meanwhile and not already in it. */
    public void finishReplay(String connectedFrame, List<String> backlogFrames, Set<String> backlogDeliveryIds) {
        write(connectedFrame);
        for (String f : backlogFrames) write(f);
        List<Held> pending;
        synchronized (this) {
            pending = held;
            held = null;
        }
        Set<String> seen = new HashSet<>(backlogDeliveryIds);
        for (Held h : pending) {
            if (seen.add(h.deliveryId())) write(h.frame());
        }
    }

    /** Any other frame (topic events, answers). */
    public void write(String frame) {
        if (closed) return;
        if (!transport.write(frame)) close(CloseReason.TOO_SLOW, CloseReason.TOO_SLOW.description());
    }

    public void close(CloseReason reason, String message) {
        if (closed) return;
        closed = true;
        transport.close(reason, message);
    }

    public boolean isClosed() {
        return closed;
    }
}
