package org.herald.hub;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.herald.core.RecipientId;

/**
 * One client connection of a recipient. Until its replay is written, live notifications are held back (so the
 * client sees the backlog first, and nothing published meanwhile is lost); then they flow straight to the transport.
 * Writes may come from any thread; they are carried out on the connection's event loop.
 */
public final class Session {
    /** Live notifications held back while a replay is written; past this the client is too slow. */
    static final int MAX_HELD = 10_000;
    /** Longer than an attempt may take (queue.attempt_timeout, 30 s by default). */
    private static final long REPLAYED_MEMORY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(90);

    private record Held(String frame, String deliveryId) {}

    private final String id;
    private final RecipientId recipient;
    private final Transport transport;
    /** Replaced on every change: a session joins few topics, and rarely. */
    private volatile List<String> topics = List.of();
    private final Set<String> allowedTopics;
    private List<Held> held = new ArrayList<>();
    /** The highest sequence number handed to this session (replayed or live). */
    private long lastSeq;
    /**
     * Deliveries a replay or catch-up wrote, for a while after it: an attempt that was in flight when the replay read
     * the database still publishes its frame live, and the client should not get it twice.
     */
    private Set<String> replayed = Set.of();
    private long replayedUntil;
    /** Where a catch-up starts: the last sequence number when the bus was lost; -1 when it was not. */
    private long catchUpSince = -1;
    /** Deliveries that still reached this session after the bus was lost (from this node): a catch-up skips them. */
    private Set<String> sinceLost;
    private volatile boolean closed;
    private volatile Runnable onClose = () -> { };
    private volatile Runnable catchUp = () -> { };

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

    /** The topics this session has joined, as they are now. */
    public List<String> topics() {
        return topics;
    }

    /** False when the session had joined the topic already. */
    synchronized boolean addTopic(String topic) {
        if (topics.contains(topic)) return false;
        List<String> more = new ArrayList<>(topics);
        more.add(topic);
        topics = List.copyOf(more);
        return true;
    }

    /** False when the session had not joined the topic. */
    synchronized boolean removeTopic(String topic) {
        if (!topics.contains(topic)) return false;
        List<String> fewer = new ArrayList<>(topics);
        fewer.remove(topic);
        topics = List.copyOf(fewer);
        return true;
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
    public void deliver(long seq, String deliveryId, String frame) {
        boolean overflow = false;
        synchronized (this) {
            lastSeq = Math.max(lastSeq, seq);
            if (!replayed.isEmpty() && replayed.contains(deliveryId)) {
                if (System.nanoTime() - replayedUntil < 0) return;
                replayed = Set.of();
            }
            if (held != null) {
                held.add(new Held(frame, deliveryId));
                overflow = held.size() > MAX_HELD;
                if (!overflow) return;
            } else if (sinceLost != null && sinceLost.size() < MAX_HELD) {
                sinceLost.add(deliveryId);
            }
        }
        if (overflow) close(CloseReason.TOO_SLOW, CloseReason.TOO_SLOW.description());
        else write(frame);
    }

    /**
     * Writes the connected frame, the backlog and {@code endFrame} (when not null) at the client's pace, then what was
     * published meanwhile and is not already in the backlog.
     */
    public void finishReplay(String connectedFrame, BacklogFrames backlog, String endFrame) {
        List<String> frames = new ArrayList<>(backlog.frames().size() + 2);
        frames.add(connectedFrame);
        frames.addAll(backlog.frames());
        if (endFrame != null) frames.add(endFrame);
        synchronized (this) {
            lastSeq = Math.max(lastSeq, backlog.through());
        }
        transport.writePaced(frames, () -> drainHeld(new HashSet<>(backlog.deliveryIds())));
    }

    /** The highest sequence number this session has been handed. */
    public synchronized long lastSeq() {
        return lastSeq;
    }

    /** The bus went down: what is published elsewhere from now on may not reach this session. */
    synchronized void busLost() {
        if (catchUpSince < 0) {
            catchUpSince = lastSeq;
            sinceLost = new HashSet<>();
        }
    }

    /** Where the coming catch-up reads from (and forgets it): everything after it is read again. */
    public synchronized long takeCatchUpSince() {
        long since = catchUpSince < 0 ? lastSeq : catchUpSince;
        catchUpSince = -1;
        if (sinceLost == null) sinceLost = new HashSet<>();
        return since;
    }

    /**
     * Holds live notifications back for a catch-up (see {@link #catchUp()}); false when a replay is still being
     * written, which the caller then leaves alone.
     */
    public synchronized boolean holdForCatchUp() {
        if (held != null || closed) return false;
        held = new ArrayList<>();
        return true;
    }

    /** Writes what the session missed (read again from the database), except what reached it anyway, then what was published meanwhile. */
    public void finishCatchUp(BacklogFrames backlog) {
        List<String> frames = backlog.frames();
        List<String> ids = backlog.deliveryIds();
        List<String> missed = new ArrayList<>(frames.size());
        Set<String> seen = new HashSet<>(ids);
        synchronized (this) {
            lastSeq = Math.max(lastSeq, backlog.through());
            for (int i = 0; i < frames.size(); i++) {
                if (sinceLost == null || !sinceLost.contains(ids.get(i))) missed.add(frames.get(i));
            }
            sinceLost = null;
        }
        transport.writePaced(missed, () -> drainHeld(seen));
    }

    /**
     * How this session fetches what it may have missed while the cluster bus was down (set by its connection);
     * {@link Hub#catchUpAll()} runs it for every session.
     */
    public void onCatchUp(Runnable action) {
        this.catchUp = action;
    }

    void catchUp() {
        if (!closed) catchUp.run();
    }

    /** Writes, at the client's pace too, what was published during the replay; then lets live frames through. */
    private void drainHeld(Set<String> seen) {
        List<String> frames = new ArrayList<>();
        synchronized (this) {
            for (Held h : held) if (seen.add(h.deliveryId())) frames.add(h.frame());
            held.clear();
            if (frames.isEmpty()) {
                held = null;
                replayed = seen.isEmpty() ? Set.of() : seen;
                replayedUntil = System.nanoTime() + REPLAYED_MEMORY_NANOS;
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

    /** Like {@link #writeOnLoop}, sent at once rather than at the loop's next coalesced flush. */
    void writeNowOnLoop(ByteBuf frame) {
        if (closed) {
            frame.release();
            return;
        }
        if (!transport.writeFrameNow(frame)) close(CloseReason.TOO_SLOW, CloseReason.TOO_SLOW.description());
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
