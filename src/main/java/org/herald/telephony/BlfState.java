package org.herald.telephony;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.herald.config.OperatorConfig;

/**
 * The current state of every extension of every PBX, and whether each PBX is connected. Keyed on (pbx, context,
 * exten): a repeated event changes nothing, a new state stamps {@code since}. A snapshot (ExtensionStateList) marks
 * what it saw; what it did not see is gone from the PBX and removed. Listeners hear of every real change, in order.
 */
public final class BlfState {
    /** What listeners (the hub topic, memcached) are told. Called in order, under the state's lock: be quick. */
    public interface Listener {
        void changed(List<Extension> extensions);

        void removed(List<ExtensionKey> keys);

        void pbx(PbxStatus status);
    }

    /** A PBX's connection as the panel shows it; {@code error} says why it is down. */
    public record PbxStatus(String pbx, boolean connected, Instant since, String error) {
        public Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", pbx);
            m.put("connected", connected);
            m.put("since", since.toString());
            m.put("error", error);
            return m;
        }
    }

    /** An open snapshot of one PBX: the hints seen since it began. */
    public static final class Snapshot {
        private final String pbx;
        private final Set<ExtensionKey> seen = new HashSet<>();
        /** Changes found while the snapshot runs, told in one batch when it ends (one frame, not one per extension). */
        private final List<Extension> changes = new ArrayList<>();

        private Snapshot(String pbx) {
            this.pbx = pbx;
        }
    }

    private Operators operators;
    private final Clock clock;
    private final TreeMap<ExtensionKey, Extension> extensions = new TreeMap<>();
    private final Map<String, PbxStatus> pbxs = new LinkedHashMap<>();
    private final List<Snapshot> open = new ArrayList<>();
    /** pbx → state interface → queue → paused */
    private final Map<String, Map<String, Map<String, Boolean>>> memberships = new HashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private Instant updatedAt;
    /** The view as JSON, made on the first read after a change (GET /api/v1/blf is read far more than it changes). */
    private String viewJson;

    public BlfState(Operators operators, Clock clock) {
        this.operators = operators;
        this.clock = clock;
        this.updatedAt = clock.instant();
    }

    /** New names and groups: every extension whose name or group changes is told to the listeners. */
    public synchronized void operators(Operators fresh) {
        this.operators = fresh;
        List<Extension> changed = new ArrayList<>();
        for (Map.Entry<ExtensionKey, Extension> entry : extensions.entrySet()) {
            Extension e = entry.getValue();
            OperatorConfig who = fresh.lookup(e.key());
            String name = who == null ? null : who.name(), group = who == null ? null : who.group();
            if (equal(name, e.name()) && equal(group, e.group())) continue;
            Extension updated = new Extension(e.key(), e.hint(), e.state(), e.since(), name, group, e.queues());
            entry.setValue(updated);
            changed.add(updated);
        }
        if (changed.isEmpty()) return;
        touched();
        for (Listener l : listeners) l.changed(changed);
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    /** A PBX is configured: it shows as disconnected until its first login. */
    public synchronized void register(String pbx) {
        pbxs.putIfAbsent(pbx, new PbxStatus(pbx, false, clock.instant(), "not connected yet"));
        viewJson = null;
    }

    /** Applies an ExtensionStatus (live or from a snapshot); returns whether anything changed. */
    public synchronized boolean apply(String pbx, String context, String exten, String hint, int code) {
        ExtensionKey key = new ExtensionKey(pbx, context, exten);
        ExtensionState state = ExtensionState.ofCode(code);
        if (state == ExtensionState.REMOVED) return remove(List.of(key));
        for (Snapshot s : open) if (s.pbx.equals(pbx)) s.seen.add(key);
        Extension old = extensions.get(key);
        if (old != null && old.state() == state && equal(old.hint(), hint)) return false;
        Instant now = clock.instant();
        OperatorConfig who = operators.lookup(key);
        Extension e = new Extension(key, hint, state, old != null && old.state() == state ? old.since() : now,
                who == null ? null : who.name(), who == null ? null : who.group(), queuesOf(pbx, hint));
        extensions.put(key, e);
        touched();
        Snapshot batching = openFor(pbx);
        if (batching != null) batching.changes.add(e);
        else for (Listener l : listeners) l.changed(List.of(e));
        return true;
    }

    /** A queue member as AMI reports it: its queue, its state interface (a device of some hint) and its pause. */
    public record QueueMember(String queue, String stateInterface, boolean paused) {}

    /**
     * A live QueueMemberStatus: the member's pause (and membership) shows on the extension whose hint holds its
     * state interface.
     */
    public synchronized void queueMember(String pbx, QueueMember m) {
        memberships.computeIfAbsent(pbx, p -> new HashMap<>()).computeIfAbsent(m.stateInterface(), d -> new TreeMap<>())
                .put(m.queue(), m.paused());
        refreshQueues(pbx);
    }

    /** The full member lists of {@code queues} (QueueStatus): memberships not in it are gone. */
    public synchronized void queueSnapshot(String pbx, Set<String> queues, List<QueueMember> members) {
        Map<String, Map<String, Boolean>> byDevice = memberships.computeIfAbsent(pbx, p -> new HashMap<>());
        byDevice.values().forEach(qs -> qs.keySet().removeAll(queues));
        for (QueueMember m : members) {
            if (queues.contains(m.queue())) byDevice.computeIfAbsent(m.stateInterface(), d -> new TreeMap<>()).put(m.queue(), m.paused());
        }
        refreshQueues(pbx);
    }

    private void refreshQueues(String pbx) {
        List<Extension> changed = new ArrayList<>();
        for (Map.Entry<ExtensionKey, Extension> entry : extensions.entrySet()) {
            if (!entry.getKey().pbx().equals(pbx)) continue;
            Extension e = entry.getValue();
            Map<String, Boolean> queues = queuesOf(pbx, e.hint());
            if (queues.equals(e.queues())) continue;
            Extension updated = new Extension(e.key(), e.hint(), e.state(), e.since(), e.name(), e.group(), queues);
            entry.setValue(updated);
            changed.add(updated);
        }
        if (changed.isEmpty()) return;
        touched();
        for (Listener l : listeners) l.changed(changed);
    }

    /** The queues of the members whose state interface is one of the hint's devices ({@code Custom:101&PJSIP/101}). */
    private Map<String, Boolean> queuesOf(String pbx, String hint) {
        Map<String, Map<String, Boolean>> byDevice = memberships.get(pbx);
        if (byDevice == null || hint == null || hint.isBlank()) return Map.of();
        Map<String, Boolean> out = new TreeMap<>();
        for (String device : hint.split("&")) {
            Map<String, Boolean> qs = byDevice.get(device.strip());
            if (qs != null) out.putAll(qs);
        }
        return out;
    }

    public synchronized Snapshot beginSnapshot(String pbx) {
        Snapshot s = new Snapshot(pbx);
        open.add(s);
        return s;
    }

    private Snapshot openFor(String pbx) {
        for (Snapshot s : open) if (s.pbx.equals(pbx)) return s;
        return null;
    }

    /** Tells the listeners what a snapshot changed, as one batch. */
    private void flush(Snapshot s) {
        if (s.changes.isEmpty()) return;
        // the latest state of each extension, in panel order
        TreeMap<ExtensionKey, Extension> latest = new TreeMap<>();
        for (Extension e : s.changes) if (extensions.get(e.key()) == e) latest.put(e.key(), e);
        s.changes.clear();
        if (!latest.isEmpty()) for (Listener l : listeners) l.changed(List.copyOf(latest.values()));
    }

    /** Ends a complete snapshot: the PBX's extensions it did not see are removed. Returns how many. */
    public synchronized int completeSnapshot(Snapshot s) {
        open.remove(s);
        flush(s);
        List<ExtensionKey> gone = new ArrayList<>();
        for (ExtensionKey k : extensions.keySet()) if (k.pbx().equals(s.pbx) && !s.seen.contains(k)) gone.add(k);
        remove(gone);
        return gone.size();
    }

    /** Drops a snapshot that did not complete (connection lost): removes nothing. */
    public synchronized void abandonSnapshot(Snapshot s) {
        open.remove(s);
        flush(s);
    }

    public synchronized void pbxStatus(String pbx, boolean connected, String error) {
        PbxStatus old = pbxs.get(pbx);
        if (old != null && old.connected() == connected && equal(old.error(), error)) return;
        PbxStatus now = new PbxStatus(pbx, connected, old != null && old.connected() == connected ? old.since() : clock.instant(), error);
        pbxs.put(pbx, now);
        viewJson = null;
        for (Listener l : listeners) l.pbx(now);
    }

    /** Takes an extension as the node holding its PBX's AMI connection has it (a cluster's other nodes mirror it). */
    public synchronized void mirror(Extension e) {
        if (e.equals(extensions.get(e.key()))) return;
        extensions.put(e.key(), e);
        touched();
        for (Listener l : listeners) l.changed(List.of(e));
    }

    /** Removes extensions the node holding their PBX removed. */
    public synchronized void mirrorRemoved(List<ExtensionKey> keys) {
        remove(keys);
    }

    /** Takes a PBX's connection status from the node that holds it. */
    public synchronized void mirrorPbx(PbxStatus status) {
        pbxs.put(status.pbx(), status);
        viewJson = null;
        for (Listener l : listeners) l.pbx(status);
    }

    private boolean remove(List<ExtensionKey> keys) {
        List<ExtensionKey> removed = new ArrayList<>();
        for (ExtensionKey k : keys) if (extensions.remove(k) != null) removed.add(k);
        if (removed.isEmpty()) return false;
        touched();
        for (Listener l : listeners) l.removed(removed);
        return true;
    }

    public synchronized List<Extension> extensions() {
        return List.copyOf(extensions.values());
    }

    public synchronized List<PbxStatus> pbxs() {
        return List.copyOf(pbxs.values());
    }

    /** True when every configured PBX is connected. */
    public synchronized boolean allConnected() {
        return pbxs.values().stream().allMatch(PbxStatus::connected);
    }

    /** {@link #view()} as JSON, kept until the next change. */
    public synchronized String viewJson() {
        if (viewJson == null) viewJson = org.herald.core.Json.write(view());
        return viewJson;
    }

    private void touched() {
        updatedAt = clock.instant();
        viewJson = null;
    }

    /** The body of {@code GET /api/v1/blf} and of the topic's {@code subscribed} snapshot. */
    public synchronized Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pbx_connected", allConnected());
        m.put("updated_at", updatedAt.toString());
        m.put("pbxs", pbxs.values().stream().map(PbxStatus::view).toList());
        m.put("extensions", extensions.values().stream().map(Extension::view).toList());
        return m;
    }

    private static boolean equal(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }
}
