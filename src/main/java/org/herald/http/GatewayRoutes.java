package org.herald.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.herald.gateway.GatewayRegistry;

/** {@code GET /api/v1/gateways} and {@code POST /api/v1/gateways/{id}/check} (server key). */
public final class GatewayRoutes {
    private final GatewayRegistry gateways;

    public GatewayRoutes(GatewayRegistry gateways) {
        this.gateways = gateways;
    }

    public void mount(Router router, Handlers h, Auth auth) {
        router.get("/api/v1/gateways").handler(auth.serverKey()).handler(h.blocking(ctx -> Reply.ok(Map.of("gateways", gateways.describe()))));
        router.post("/api/v1/gateways/:id/check").handler(auth.serverKey()).handler(h.blocking(this::check));
    }

    private Reply check(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        var g = gateways.get(id).orElseThrow(() -> ApiException.notFound("gateway " + id));
        var c = gateways.check(g);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", c.error() == null);
        if (c.error() != null) out.put("error", c.error());
        return Reply.ok(out);
    }
}
