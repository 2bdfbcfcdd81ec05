package org.herald.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.herald.cluster.ClusterNode;

/** GET /api/v1/cluster (server key): this node, whether Redis answers, and the nodes Redis knows. */
public final class ClusterRoutes {
    private final String node;
    private final ClusterNode cluster;
    private final java.util.function.IntSupplier localConnections;

    /** @param cluster null for a single node */
    public ClusterRoutes(String node, ClusterNode cluster, java.util.function.IntSupplier localConnections) {
        this.node = node;
        this.cluster = cluster;
        this.localConnections = localConnections;
    }

    public void mount(Router router, Handlers h, Auth auth) {
        router.get("/api/v1/cluster").handler(auth.serverKey()).handler(h.blocking(this::info));
    }

    private Reply info(RoutingContext ctx) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", node);
        if (cluster == null) {
            out.put("redis", null);
            out.put("nodes", List.of(Map.of("id", node, "alive", true, "connections", localConnections.getAsInt())));
            return Reply.ok(out);
        }
        out.put("redis", cluster.redisReachable() ? "ok" : "unreachable");
        out.put("nodes", cluster.members().stream().map(m -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("id", m.id());
            one.put("alive", m.alive());
            one.put("last_heartbeat", m.lastHeartbeat().toString());
            one.put("connections", m.connections());
            return one;
        }).toList());
        return Reply.ok(out);
    }
}
