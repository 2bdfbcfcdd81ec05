package org.herald.hub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import org.herald.core.RecipientId;

/** The registry of this process's sessions: by recipient, by topic, by client address. */
public final class Hub implements Presence {
    /** A recipient's sessions: a small array, replaced on every change (almost every recipient has one to three). */
    private final Map<RecipientId, Session[]> byRecipient = new ConcurrentHashMap<>();
    private final TopicSubscribers topics = new TopicSubscribers();
    private final Map<String, Integer> byAddress = new ConcurrentHashMap<>();
    private final List<BiConsumer<RecipientId, Boolean>> presenceListeners = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<RecipientId, Integer>> connectionListeners = new CopyOnWriteArrayList<>();
    private final int maxPerRecipient;
    private final int maxPerAddress;
    private volatile boolean busDown;

    public Hub(int maxPerRecipient, int maxPerAddress) {
        this.maxPerRecipient = maxPerRecipient;
        this.maxPerAddress = maxPerAddress;
    }

    /** Called with (recipient, true) on its first connection and (recipient, false) when its last one closes. */
    public void onPresenceChange(BiConsumer<RecipientId, Boolean> listener) {
        presenceListeners.add(listener);
    }

    /** Called with (recipient, +1) for every connection added and (recipient, -1) for every one removed. */
    public void onConnectionChange(BiConsumer<RecipientId, Integer> listener) {
        connectionListeners.add(listener);
    }

    /** Connections per recipient, of this node. */
    public Map<RecipientId, Integer> localCounts() {
        Map<RecipientId, Integer> out = new java.util.HashMap<>();
        byRecipient.forEach((r, sessions) -> out.put(r, sessions.length));
        return out;
    }

    /** Adds a session; false (nothing added) when its recipient or its address is at the connection limit. */
    public boolean register(Session s) {
        boolean[] addressOk = {true};
        byAddress.compute(s.remoteAddress(), (k, n) -> {
            int current = n == null ? 0 : n;
            if (current >= maxPerAddress) {
                addressOk[0] = false;
                return n;
            }
            return current + 1;
        });
        if (!addressOk[0]) return false;
        boolean[] added = {false};
        boolean[] first = {false};
        byRecipient.compute(s.recipient(), (k, sessions) -> {
            if (sessions == null) sessions = new Session[0];
            if (sessions.length >= maxPerRecipient || Arrays.asList(sessions).contains(s)) return sessions.length == 0 ? null : sessions;
            first[0] = sessions.length == 0;
            added[0] = true;
            Session[] more = Arrays.copyOf(sessions, sessions.length + 1);
            more[sessions.length] = s;
            return more;
        });
        if (!added[0]) {
            releaseAddress(s.remoteAddress());
            return false;
        }
        if (busDown) s.busLost();
        if (first[0]) presenceListeners.forEach(l -> l.accept(s.recipient(), true));
        connectionListeners.forEach(l -> l.accept(s.recipient(), +1));
        return true;
    }

    public void unregister(Session s) {
        boolean[] removed = {false};
        boolean[] last = {false};
        byRecipient.computeIfPresent(s.recipient(), (k, sessions) -> {
            int at = Arrays.asList(sessions).indexOf(s);
            if (at < 0) return sessions;
            removed[0] = true;
            last[0] = sessions.length == 1;
            if (last[0]) return null;
            Session[] fewer = new Session[sessions.length - 1];
            System.arraycopy(sessions, 0, fewer, 0, at);
            System.arraycopy(sessions, at + 1, fewer, at, fewer.length - at);
            return fewer;
        });
        for (String topic : s.topics()) leave(s, topic);
        if (removed[0]) {
            releaseAddress(s.remoteAddress());
            if (last[0]) presenceListeners.forEach(l -> l.accept(s.recipient(), false));
            connectionListeners.forEach(l -> l.accept(s.recipient(), -1));
        }
    }

    private void releaseAddress(String address) {
        byAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
    }

    public void join(Session s, String topic) {
        if (s.addTopic(topic)) topics.join(s, topic);
    }

    public void leave(Session s, String topic) {
        if (s.removeTopic(topic)) topics.leave(s, topic);
    }

    /** Writes a notification frame to every local session of the recipient; returns how many there were. */
    public int deliverLocal(RecipientId recipient, long seq, String deliveryId, String frame) {
        Session[] sessions = byRecipient.get(recipient);
        if (sessions == null) return 0;
        for (Session s : sessions) s.deliver(seq, deliveryId, frame);
        return sessions.length;
    }

    /**
     * Writes an event frame to every local subscriber of the topic: encoded once, then one task per event loop that
     * hands the shared bytes and that loop's subscribers to its {@link LoopFanOut}.
     */
    public void publishLocal(String topic, String frame) {
        ByteBuf[] encoded = {null};
        topics.forEachLoop(topic, (loop, subscribers) -> {
            if (encoded[0] == null) encoded[0] = EncodedFrame.text(frame);
            ByteBuf shared = encoded[0].retainedDuplicate();
            if (loop instanceof EventExecutor netty) {
                netty.execute(() -> LoopFanOut.current(netty).publish(shared, subscribers.get()));
            } else { // a transport whose thread is not a Netty loop (none joins topics today): no per-loop fan-out
                loop.execute(() -> LoopFanOut.writeForNextFlush(shared, subscribers.get()));
            }
        });
        if (encoded[0] != null) encoded[0].release();
    }

    @Override
    public int connections(RecipientId recipient) {
        Session[] sessions = byRecipient.get(recipient);
        return sessions == null ? 0 : sessions.length;
    }

    @Override
    public List<RecipientId> online(String kind) {
        List<RecipientId> out = new ArrayList<>();
        for (RecipientId r : byRecipient.keySet()) if (kind == null || r.kind().equals(kind)) out.add(r);
        out.sort((a, b) -> a.toString().compareTo(b.toString()));
        return out;
    }

    /** Recipients with at least one connection to this node. */
    public int recipients() {
        return byRecipient.size();
    }

    public int size() {
        int n = 0;
        for (Session[] s : byRecipient.values()) n += s.length;
        return n;
    }

    public Collection<Session> sessions() {
        List<Session> all = new ArrayList<>();
        byRecipient.values().forEach(sessions -> all.addAll(Arrays.asList(sessions)));
        return all;
    }

    /**
     * Every session reads again what it may have missed: after the cluster bus was unreachable, notifications published
     * on other nodes did not reach this one (they are in the database, by sequence number).
     */
    public void catchUpAll() {
        busDown = false;
        for (Session s : sessions()) s.catchUp();
    }

    /** The cluster bus is unreachable: every session (also those that connect meanwhile) will need a catch-up. */
    public void busLost() {
        busDown = true;
        for (Session s : sessions()) s.busLost();
    }

    /** Closes every session (server shutdown): clients reconnect elsewhere or later. */
    public void closeAll(CloseReason reason) {
        for (Session s : sessions()) s.close(reason, reason.description());
    }
}
