package org.herald.telephony;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.herald.cluster.Leadership;
import org.herald.config.BlfConfig;
import org.herald.config.PbxConfig;
import org.herald.hub.Bus;
import org.herald.hub.TopicSnapshots;
import org.herald.telephony.ami.AmiConnector;

/**
 * The BLF panel's server side: one AMI connector per PBX feeding one state, exported to the hub and memcached. With
 * several nodes on one database, a PBX's connector runs only on the node that holds the lease {@code ami:<pbx id>}.
 */
public final class Telephony implements AutoCloseable {
    /** What a PBX shows on a node that does not hold its AMI connection. */
    public static final String NOT_HERE = "another node holds the AMI connection";

    private final BlfState state;
    private final List<PbxConfig> pbxs;
    /** The running ones; changed under this object's lock, read without it (BLF listeners ask {@link #holds}). */
    private final Map<String, AmiConnector> connectors = new java.util.concurrent.ConcurrentHashMap<>();
    private boolean closed; // guarded by this
    /** Set when another node's state is mirrored here: told of a PBX this node no longer holds, instead of NOT_HERE. */
    private volatile java.util.function.Consumer<String> onHandedOver;
    private MemcachedExport memcached;

    public Telephony(BlfConfig config, Bus bus, TopicSnapshots snapshots, Clock clock) {
        this.state = new BlfState(Operators.load(config.operators(), config.operatorsCsv()), clock);
        state.addListener(new BlfTopic(bus, state, snapshots));
        if (!config.memcached().isEmpty()) {
            memcached = new MemcachedExport(config.memcached(), config.memcachedPrefix(), state);
            state.addListener(memcached);
        }
        this.pbxs = List.copyOf(config.pbxs());
        for (PbxConfig p : pbxs) state.register(p.id());
    }

    /** The name of the lease whose holder runs the AMI connection to {@code pbx}. */
    public static String leaseName(String pbx) {
        return "ami:" + pbx;
    }

    /** Connects to every PBX now: the only node on its database. */
    public Telephony start() {
        for (PbxConfig p : pbxs) connect(p);
        return this;
    }

    /**
     * Connects to each PBX while this node holds its lease in {@code leadership} (call before leadership starts), and
     * shows it as held elsewhere ({@link #NOT_HERE}) while another node does.
     */
    public Telephony start(Leadership leadership) {
        for (PbxConfig p : pbxs) {
            leadership.add(leaseName(p.id()), new Leadership.Listener() {
                @Override
                public void onElected(String name) {
                    connect(p);
                }

                @Override
                public void onDemoted(String name) {
                    disconnect(p.id());
                }
            });
        }
        return this;
    }

    private synchronized void connect(PbxConfig p) {
        if (closed || connectors.containsKey(p.id())) return;
        AmiConnector c = new AmiConnector(p, state);
        connectors.put(p.id(), c);
        c.start();
    }

    /** Closes the PBX's connection (another node takes it over); its last states stay, shown as not connected here. */
    private void disconnect(String pbx) {
        synchronized (this) {
            AmiConnector c = connectors.remove(pbx);
            if (c != null) c.close();
            if (closed) return;
        }
        // Outside this lock: the state's listeners ask holds() under the state's lock.
        if (onHandedOver != null) onHandedOver.accept(pbx);
        else state.pbxStatus(pbx, false, NOT_HERE);
    }

    /** True while this node holds the PBX's AMI connection. */
    public boolean holds(String pbx) {
        return connectors.containsKey(pbx);
    }

    /** The PBXs of the configuration. */
    public List<String> pbxIds() {
        return pbxs.stream().map(PbxConfig::id).toList();
    }

    /** Mirrors the states of PBXs held elsewhere: {@code handedOver} is told of a PBX this node stops holding. */
    public void mirroredBy(java.util.function.Consumer<String> handedOver) {
        this.onHandedOver = handedOver;
    }

    /** Re-reads names and groups (configuration list and CSV file) and applies them to the tiles. */
    public void reloadOperators(BlfConfig config) {
        state.operators(Operators.load(config.operators(), config.operatorsCsv()));
    }

    public BlfState state() {
        return state;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            connectors.values().forEach(AmiConnector::close);
            connectors.clear();
        }
        if (memcached != null) memcached.close();
    }
}
