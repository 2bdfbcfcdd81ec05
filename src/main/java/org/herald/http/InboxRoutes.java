package org.herald.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.herald.core.RecipientId;
import org.herald.store.DeliveryStore;
import org.herald.store.InboxStore;

/** The recipient's own inbox, with a client token: list, unread count, mark read, delete. */
final class InboxRoutes {
    private final InboxStore inbox;
    private final DeliveryStore deliveries;

    InboxRoutes(InboxStore inbox, DeliveryStore deliveries) {
        this.inbox = inbox;
        this.deliveries = deliveries;
    }

    void mount(Router router, Handlers h, Auth auth) {
        router.get("/api/v1/inbox").handler(auth.clientToken()).handler(h.blocking(this::list));
        router.post("/api/v1/inbox/read-all").handler(auth.clientToken()).handler(h.blocking(this::readAll));
        router.post("/api/v1/inbox/:id/read").handler(auth.clientToken()).handler(h.blocking(this::read));
        router.delete("/api/v1/inbox/:id").handler(auth.clientToken()).handler(h.blocking(this::delete));
    }

    private Reply list(RoutingContext ctx) {
        RecipientId me = Auth.client(ctx).recipient();
        boolean unread = Bodies.bool(ctx, "unread");
        int limit = Bodies.limit(ctx, 50, 200);
        var items = inbox.list(me, unread, ctx.queryParams().get("before"), limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items.stream().map(Views::inboxItem).toList());
        out.put("unread", inbox.unreadCount(me));
        return Reply.ok(out);
    }

    private Reply read(RoutingContext ctx) {
        RecipientId me = Auth.client(ctx).recipient();
        String id = ctx.pathParam("id");
        boolean changed = inbox.markRead(me, id).orElseThrow(() -> ApiException.notFound("inbox item " + id));
        if (changed) deliveries.markRead(id);
        return Reply.ok(Map.of("unread", inbox.unreadCount(me)));
    }

    private Reply readAll(RoutingContext ctx) {
        RecipientId me = Auth.client(ctx).recipient();
        List<String> ids = inbox.markAllRead(me);
        for (String id : ids) deliveries.markRead(id);
        return Reply.ok(Map.of("marked", ids.size(), "unread", inbox.unreadCount(me)));
    }

    private Reply delete(RoutingContext ctx) {
        RecipientId me = Auth.client(ctx).recipient();
        String id = ctx.pathParam("id");
        if (!inbox.delete(me, id)) throw ApiException.notFound("inbox item " + id);
        return Reply.noContent();
    }
}
