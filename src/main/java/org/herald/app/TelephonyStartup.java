package org.herald.app;

import java.time.Clock;
import java.time.Duration;
import org.herald.cluster.BlfReplication;
import org.herald.cluster.ClusterNode;
import org.herald.cluster.Leadership;
import org.herald.store.Database;
import org.herald.store.LeaseStore;
import org.herald.telephony.Telephony;

/**
 * How a node's BLF panel connects. The embedded H2 database has this process alone, so it connects at once (no lease
 * left by a crash to wait out). A shared database may have other nodes: each PBX's one AMI connection goes to the
 * holder of its lease, and in a cluster the PBXs held elsewhere are mirrored through Redis.
 */
final class TelephonyStartup {
    private TelephonyStartup() {
    }

    /**
     * Starts the connectors (or the leadership that runs them). Returns what must be closed before {@code telephony}
     * (the leadership: it steps down, then releases the leases), or null.
     *
     * @param cluster null for a node without {@code cluster.redis}
     */
    static AutoCloseable start(Telephony telephony, Database database, ClusterNode cluster, String node, Duration lease,
                               Clock clock) {
        if (!database.dialect().sharedByNodes()) {
            telephony.start();
            return null;
        }
        BlfReplication replication = cluster != null ? new BlfReplication(cluster, telephony) : null;
        Leadership leadership = new Leadership(new LeaseStore(database, clock), node, lease, clock);
        telephony.start(leadership);
        leadership.start(); // the first round runs here: a lone node connects at once
        if (replication != null) replication.loadAll();
        return leadership;
    }
}
