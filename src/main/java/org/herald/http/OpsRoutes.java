package org.herald.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Health, metrics and the OpenAPI document. */
final class OpsRoutes {
    private final BooleanSupplier storageReachable;
    private final PrometheusMeterRegistry metrics;
    private final boolean metricsPublic;
    private final String openApi;

    OpsRoutes(BooleanSupplier storageReachable, PrometheusMeterRegistry metrics, boolean metricsPublic) {
        this.storageReachable = storageReachable;
        this.metrics = metrics;
        this.metricsPublic = metricsPublic;
        this.openApi = resource("/openapi.json");
    }

    void mount(Router router, Handlers h, Auth auth) {
        router.get("/health/live").handler(ctx -> Handlers.write(ctx, Reply.ok(Map.of("status", "ok"))));
        router.get("/health/ready").handler(h.blocking(this::ready));
        var metricsRoute = router.get("/metrics");
        if (!metricsPublic) metricsRoute.handler(auth.serverKey());
        metricsRoute.handler(h.blocking(ctx -> Reply.text("text/plain; version=0.0.4; charset=utf-8", metrics.scrape())));
        router.get("/api/v1/openapi.json").handler(openApiHandler());
    }

    private Reply ready(RoutingContext ctx) {
        boolean db = storageReachable.getAsBoolean();
        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("storage", db ? "ok" : "unreachable");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", db ? "ready" : "not_ready");
        out.put("checks", checks);
        return Reply.status(db ? 200 : 503, out);
    }

    private Handler<RoutingContext> openApiHandler() {
        return ctx -> ctx.response().putHeader("Content-Type", "application/json").end(openApi);
    }

    private static String resource(String path) {
        try (InputStream in = OpsRoutes.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing resource " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
