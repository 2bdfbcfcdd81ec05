package org.herald.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.herald.store.IncomingStore;

/** {@code GET /api/v1/incoming?since=<id>&limit=} (server key): messages received through gateways, oldest first. */
public final class IncomingRoutes {
    private final IncomingStore incoming;

    public IncomingRoutes(IncomingStore incoming) {
        this.incoming = incoming;
    }

    public void mount(Router router, Handlers h, Auth auth) {
        router.get("/api/v1/incoming").handler(auth.serverKey()).handler(h.blocking(this::list));
    }

    private Reply list(RoutingContext ctx) {
        boolean latest = Bodies.bool(ctx, "latest");
        int limit = Bodies.limit(ctx, 100, 1000);
        var list = latest ? incoming.latest(limit) : incoming.list(ctx.queryParams().get("since"), limit);
        return Reply.ok(Map.of("messages", list.stream().map(IncomingStore::view).toList()));
    }
}
