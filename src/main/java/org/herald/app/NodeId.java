package org.herald.app;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import org.herald.config.QueueConfig;

/** The id this process claims deliveries, holds leases and joins the cluster under. */
final class NodeId {
    private NodeId() {}

    /** {@code queue.node_id}, else host, pid and a random suffix. */
    static String of(QueueConfig queue) {
        if (queue.nodeId() != null) return queue.nodeId();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "herald";
        }
        // pid alone repeats across containers (often 1); a random suffix keeps node ids apart
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-"
                + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt(0x10000));
    }
}
