package org.herald.telephony;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.herald.config.BlfConfig;
import org.herald.config.PbxConfig;
import org.herald.hub.Bus;
import org.herald.hub.TopicSnapshots;
import org.herald.telephony.ami.AmiConnector;

/** The BLF panel's server side: one AMI connector per PBX feeding one state, exported to the hub and memcached. */
public final class Telephony implements AutoCloseable {
    private final BlfState state;
    private final List<AmiConnector> connectors = new ArrayList<>();
    private MemcachedExport memcached;

    public Telephony(BlfConfig config, Bus bus, TopicSnapshots snapshots, Clock clock) {
        this.state = new BlfState(Operators.load(config.operators(), config.operatorsCsv()), clock);
        state.addListener(new BlfTopic(bus, state, snapshots));
        if (!config.memcached().isEmpty()) {
            memcached = new MemcachedExport(config.memcached(), config.memcachedPrefix(), state);
            state.addListener(memcached);
        }
        for (PbxConfig p : config.pbxs()) connectors.add(new AmiConnector(p, state));
    }

    public Telephony start() {
        connectors.forEach(AmiConnector::start);
        return this;
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
        connectors.forEach(AmiConnector::close);
        if (memcached != null) memcached.close();
    }
}
