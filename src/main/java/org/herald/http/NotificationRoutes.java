package org.herald.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.herald.core.Notification;
import org.herald.pipeline.AcceptedNotification;
import org.herald.pipeline.NotificationRequestParser;
import org.herald.pipeline.NotificationService;
import org.herald.store.DeliveryStore;
import org.herald.store.NotificationStore;

/** POST/GET/DELETE /api/v1/notifications. */
final class NotificationRoutes {
    private final NotificationService service;
    private final NotificationRequestParser parser;
    private final NotificationStore notifications;
    private final DeliveryStore deliveries;

    NotificationRoutes(NotificationService service, NotificationRequestParser parser, NotificationStore notifications, DeliveryStore deliveries) {
        this.service = service;
        this.parser = parser;
        this.notifications = notifications;
        this.deliveries = deliveries;
    }

    void mount(Router router, Handlers h, Auth auth) {
        router.post("/api/v1/notifications").handler(auth.serverKey()).handler(h.blocking(this::create));
        router.get("/api/v1/notifications/:id").handler(auth.serverKey()).handler(h.blocking(this::get));
        router.delete("/api/v1/notifications/:id").handler(auth.serverKey()).handler(h.blocking(this::cancel));
    }

    private Reply create(RoutingContext ctx) {
        var request = parser.parse(Bodies.json(ctx), ctx.request().getHeader("Idempotency-Key"));
        AcceptedNotification accepted = service.accept(request);
        return Reply.rawJson(202, accepted.responseJson(),
                accepted.replayed() ? Map.of("Idempotent-Replayed", "true") : Map.of());
    }

    private Reply get(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Notification n = notifications.find(id).orElseThrow(() -> ApiException.notFound("notification " + id));
        return Reply.ok(Views.notification(n, deliveries.forNotification(id)));
    }

    private Reply cancel(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Notification n = notifications.find(id).orElseThrow(() -> ApiException.notFound("notification " + id));
        deliveries.cancelQueued(id);
        return Reply.ok(Views.notification(n, deliveries.forNotification(id)));
    }
}
