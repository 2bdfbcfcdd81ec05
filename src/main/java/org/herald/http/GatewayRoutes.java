package org.herald.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.herald.gateway.GatewayRegistry;
import org.herald.gateway.module.ModuleDescriptor;
import org.herald.gateway.module.ModuleGateway;

/**
 * {@code GET /api/v1/gateways}, {@code POST /api/v1/gateways/{id}/check} and, for external modules,
 * {@code GET /api/v1/gateways/{id}/form}: the settings form of the module's descriptor with labels and its formtune.
 */
public final class GatewayRoutes {
    private final GatewayRegistry gateways;

    public GatewayRoutes(GatewayRegistry gateways) {
        this.gateways = gateways;
    }

    public void mount(Router router, Handlers h, Auth auth) {
        router.get("/api/v1/gateways").handler(auth.serverKey()).handler(h.blocking(ctx -> Reply.ok(Map.of("gateways", gateways.describe()))));
        router.post("/api/v1/gateways/:id/check").handler(auth.serverKey()).handler(h.blocking(this::check));
        router.get("/api/v1/gateways/:id/form").handler(auth.serverKey()).handler(h.blocking(this::form));
    }

    private Reply form(RoutingContext ctx) throws InterruptedException {
        String id = ctx.pathParam("id");
        var g = gateways.get(id).orElseThrow(() -> ApiException.notFound("gateway " + id));
        if (!(g instanceof ModuleGateway module)) throw ApiException.notFound("settings form of gateway " + id + " (not an external module)");
        String lang = ctx.queryParams().get("lang") == null ? "en" : ctx.queryParams().get("lang");
        Map<String, Object> out = new LinkedHashMap<>();
        ModuleDescriptor d = module.descriptor();
        out.put("plugin", d == null ? null : d.plugin());
        out.put("fields", d == null ? List.of() : d.fields().stream().map(f -> {
            Map<String, Object> field = new LinkedHashMap<>();
            field.put("name", f.name());
            field.put("type", f.type());
            field.put("required", f.required());
            field.put("label", d.label(f.name(), lang));
            return field;
        }).toList());
        out.put("formtune", module.formtune());
        return Reply.ok(out);
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
