package org.herald.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.herald.telephony.BlfState;
import org.herald.telephony.BlfTopic;

/** {@code GET /api/v1/blf}: every extension's state, for the panel and for scripts (server key or token with topic blf). */
public final class BlfRoutes {
    private final BlfState state;

    /** @param state null when no PBX is configured (the panel is off) */
    public BlfRoutes(BlfState state) {
        this.state = state;
    }

    public void mount(Router router, Handlers h, Auth auth) {
        router.get("/api/v1/blf").handler(auth.serverKeyOrTopic(BlfTopic.TOPIC)).handler(this::get);
    }

    private void get(RoutingContext ctx) {
        if (state == null) {
            JsonErrors.send(ctx.response(), 404, "not_found", "the BLF panel is off: no PBX is configured in blf.pbxs", null);
            return;
        }
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(state.viewJson());
    }
}
