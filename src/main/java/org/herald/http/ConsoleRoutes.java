package org.herald.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.herald.hub.Hub;
import org.herald.store.DeliveryStore;

/** {@code GET /api/v1/stats} (server key): what the operator console shows at a glance. */
public final class ConsoleRoutes {
    static final int MAX_ONLINE_LISTED = 500;

    private final DeliveryStore deliveries;
    private final Hub hub;
    private final boolean blfEnabled;

    public ConsoleRoutes(DeliveryStore deliveries, Hub hub, boolean blfEnabled) {
        this.deliveries = deliveries;
        this.hub = hub;
        this.blfEnabled = blfEnabled;
    }

    public void mount(Router router, Handlers h, Auth auth) {
        router.get("/api/v1/stats").handler(auth.serverKey()).handler(h.blocking(this::stats));
    }

    /** The counts scan the deliveries table: taken at most every few seconds, however many consoles are open. */
    static final long COUNTS_MAX_AGE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(4);
    private volatile Map<String, Map<String, Long>> counts;
    private volatile long countedAt;

    private Map<String, Map<String, Long>> counts() {
        Map<String, Map<String, Long>> c = counts;
        if (c == null || System.nanoTime() - countedAt > COUNTS_MAX_AGE_NANOS) {
            c = deliveries.countByStatusAndChannel();
            counts = c;
            countedAt = System.nanoTime();
        }
        return c;
    }

    private Reply stats(RoutingContext ctx) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("deliveries", counts());
        TreeSet<String> online = new TreeSet<>();
        hub.sessions().forEach(s -> online.add(s.recipient().toString()));
        Map<String, Object> presence = new LinkedHashMap<>();
        presence.put("connections", hub.size());
        presence.put("recipients", online.size());
        presence.put("online", List.copyOf(online).subList(0, Math.min(online.size(), MAX_ONLINE_LISTED)));
        out.put("presence", presence);
        out.put("blf", blfEnabled);
        return Reply.ok(out);
    }
}
