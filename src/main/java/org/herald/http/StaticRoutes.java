package org.herald.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web assets under {@code src/main/resources/web/}: the JS client ({@code /herald.js}), the service worker
 * ({@code /herald-sw.js}) and pages such as the demo ({@code /demo/}). Plain files, no build step. They hold no
 * secrets; every call they make needs a client token.
 */
public final class StaticRoutes {
    private static final String JS = "text/javascript; charset=utf-8";

    public void mount(Router router, Handlers h, Auth auth) {
        router.get("/herald.js").handler(ctx -> file(ctx, "web/herald.js", JS));
        // a service worker is checked for updates on navigation; no-cache makes a new Herald's worker take over at once
        router.get("/herald-sw.js").handler(ctx -> {
            ctx.response().putHeader("Cache-Control", "no-cache");
            file(ctx, "web/herald-sw.js", JS);
        });
        page(router, "demo");
        page(router, "blf");
        page(router, "console");
    }

    /** {@code /name} redirects to {@code /name/}; {@code /name/…} is served from {@code web/name/}. */
    private static void page(Router router, String name) {
        StaticHandler files = StaticHandler.create("web/" + name).setCachingEnabled(true).setMaxAgeSeconds(300)
                .setDirectoryListing(false).setIncludeHidden(false);
        router.get("/" + name + "*").handler(ctx -> {
            if (ctx.request().path().equals("/" + name)) ctx.redirect("/" + name + "/");
            else ctx.next();
        });
        router.get("/" + name + "/*").handler(files);
    }

    private static void file(RoutingContext ctx, String resource, String contentType) {
        if (!ctx.response().headers().contains("Cache-Control")) ctx.response().putHeader("Cache-Control", "public, max-age=300");
        ctx.response().putHeader("Content-Type", contentType)
                .sendFile(resource).onFailure(e -> {
                    if (!ctx.response().ended()) JsonErrors.send(ctx.response(), 404, "not_found", "no such file", null);
                });
    }
}
