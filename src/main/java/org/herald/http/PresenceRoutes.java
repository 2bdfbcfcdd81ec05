package org.herald.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.herald.core.RecipientId;
import org.herald.hub.Presence;

/** GET /api/v1/presence/{rid} and GET /api/v1/presence?kind=… (server key). */
public final class PresenceRoutes {
    private final Presence presence;

    public PresenceRoutes(Presence presence) {
        this.presence = presence;
    }

    public void mount(Router router, Handlers h, Auth auth) {
        router.get("/api/v1/presence/:rid").handler(auth.serverKey()).handler(h.blocking(this::one));
        router.get("/api/v1/presence").handler(auth.serverKey()).handler(h.blocking(this::list));
    }

    private Reply one(RoutingContext ctx) {
        RecipientId id = RecipientRoutes.rid(ctx);
        int n = presence.connections(id);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("recipient", id.toString());
        out.put("online", n > 0);
        out.put("connections", n);
        return Reply.ok(out);
    }

    private Reply list(RoutingContext ctx) {
        String kind = ctx.queryParams().get("kind");
        if (kind != null && !kind.matches("[a-z][a-z0-9_-]{0,31}")) {
            throw new ApiException(400, "invalid_parameter", "kind must match [a-z][a-z0-9_-]{0,31}", "kind");
        }
        return Reply.ok(Map.of("online", presence.online(kind).stream().map(RecipientId::toString).toList()));
    }
}
