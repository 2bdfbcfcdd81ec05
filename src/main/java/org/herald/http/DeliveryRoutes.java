package org.herald.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import org.herald.core.Delivery;
import org.herald.core.DeliveryStatus;
import org.herald.core.RecipientId;
import org.herald.store.DeliveryQuery;
import org.herald.store.DeliveryStore;

/** GET /api/v1/deliveries, GET /api/v1/deliveries/{id}, POST /api/v1/deliveries/{id}/retry. */
final class DeliveryRoutes {
    private final DeliveryStore deliveries;
    private final Duration retryTtl;
    private final Runnable wakeDispatcher;

    private final java.util.function.Predicate<String> knownChannel;

    DeliveryRoutes(DeliveryStore deliveries, Duration retryTtl, Runnable wakeDispatcher, java.util.function.Predicate<String> knownChannel) {
        this.knownChannel = knownChannel;
        this.deliveries = deliveries;
        this.retryTtl = retryTtl;
        this.wakeDispatcher = wakeDispatcher;
    }

    void mount(Router router, Handlers h, Auth auth) {
        router.get("/api/v1/deliveries").handler(auth.serverKey()).handler(h.blocking(this::list));
        router.get("/api/v1/deliveries/:id").handler(auth.serverKey()).handler(h.blocking(this::get));
        router.post("/api/v1/deliveries/:id/retry").handler(auth.serverKey()).handler(h.blocking(this::retry));
    }

    private Reply list(RoutingContext ctx) {
        var q = ctx.queryParams();
        String status = q.get("status");
        if (status != null) {
            try {
                DeliveryStatus.fromWord(status);
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "invalid_parameter", e.getMessage(), "status");
            }
        }
        String channel = q.get("channel");
        if (channel != null && !knownChannel.test(channel)) {
            throw new ApiException(400, "unknown_channel", "unknown channel '" + channel + "'", "channel");
        }
        String to = q.get("to");
        if (to != null) {
            try {
                to = RecipientId.parse(to).toString();
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "invalid_recipient", e.getMessage(), "to");
            }
        }
        int limit = Bodies.limit(ctx, 50, 500);
        var list = deliveries.list(new DeliveryQuery(status, channel, to, q.get("notification"), q.get("before"), limit));
        return Reply.ok(Map.of("deliveries", list.stream().map(Views::delivery).toList()));
    }

    private Reply get(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Delivery d = deliveries.find(id).orElseThrow(() -> ApiException.notFound("delivery " + id));
        Map<String, Object> view = Views.delivery(d);
        view.put("attempt_log", deliveries.attempts(id));
        return Reply.ok(view);
    }

    private Reply retry(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        return switch (deliveries.retry(id, retryTtl)) {
            case NOT_FOUND -> throw ApiException.notFound("delivery " + id);
            case NOT_RETRYABLE -> throw new ApiException(409, "not_retryable",
                    "only failed, expired or cancelled deliveries can be retried");
            case QUEUED -> {
                wakeDispatcher.run();
                yield Reply.status(202, Views.delivery(deliveries.find(id).orElseThrow()));
            }
        };
    }
}
