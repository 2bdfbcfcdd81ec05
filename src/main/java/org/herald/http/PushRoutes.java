package org.herald.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.herald.auth.PushContactSecrets;
import org.herald.channel.webpush.EndpointPolicy;
import org.herald.channel.webpush.P256;
import org.herald.channel.webpush.VapidKeys;
import org.herald.core.Json;
import org.herald.core.RecipientId;
import org.herald.store.DeliveryStore;
import org.herald.store.PushMessageStore;
import org.herald.store.PushSubscription;
import org.herald.store.PushSubscriptionStore;

/**
 * Web Push for browsers: the VAPID public key, subscribing (client token), unsubscribing (its owner), a new endpoint
 * after {@code pushsubscriptionchange} and fetch-mode messages (both with the subscription's secret); for the billing
 * system, a recipient's subscriptions (server key).
 */
public final class PushRoutes {
    public static final String SECRET_HEADER = "X-Herald-Contact-Secret";

    private final VapidKeys vapid;
    private final EndpointPolicy endpoints;
    private final PushSubscriptionStore subscriptions;
    private final PushMessageStore messages;
    private final DeliveryStore deliveries;
    private final PushContactSecrets secrets;
    private final int maxPerRecipient;

    public PushRoutes(VapidKeys vapid, EndpointPolicy endpoints, PushSubscriptionStore subscriptions, PushMessageStore messages,
                      DeliveryStore deliveries, PushContactSecrets secrets, int maxPerRecipient) {
        this.vapid = vapid;
        this.endpoints = endpoints;
        this.subscriptions = subscriptions;
        this.messages = messages;
        this.deliveries = deliveries;
        this.secrets = secrets;
        this.maxPerRecipient = maxPerRecipient;
    }

    public void mount(Router router, Handlers h, Auth auth) {
        String key = vapid.publicKeyBase64();
        router.get("/api/v1/push/vapid-public-key").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-cache")
                .end(Json.write(Map.of("key", key))));
        router.post("/api/v1/push/subscriptions").handler(auth.clientToken()).handler(h.blocking(this::subscribe));
        router.put("/api/v1/push/subscriptions/:contact").handler(h.blocking(this::replace));
        router.delete("/api/v1/push/subscriptions/:contact").handler(auth.clientToken()).handler(h.blocking(this::unsubscribe));
        router.get("/api/v1/push/messages/:contact").handler(h.blocking(this::fetch));
        router.get("/api/v1/recipients/:rid/push-subscriptions").handler(auth.serverKey()).handler(h.blocking(this::list));
    }

    private record Keys(String endpoint, String p256dh, String auth) {}

    private Reply subscribe(RoutingContext ctx) {
        RecipientId me = Auth.client(ctx).recipient();
        Keys k = parse(Bodies.json(ctx));
        String ua = ctx.request().getHeader("User-Agent");
        if (ua != null && ua.length() > 500) ua = ua.substring(0, 500);
        var saved = subscriptions.save(me, k.endpoint(), k.p256dh(), k.auth(), ua, maxPerRecipient);
        String id = saved.subscription().id();
        return Reply.status(saved.created() ? 201 : 200, Map.of("contact_id", id, "secret", secrets.secretFor(id)));
    }

    private Reply replace(RoutingContext ctx) {
        String id = authorizedContact(ctx);
        Keys k = parse(Bodies.json(ctx));
        if (!subscriptions.replace(id, k.endpoint(), k.p256dh(), k.auth())) throw forbidden();
        return Reply.ok(Map.of("contact_id", id));
    }

    private Reply unsubscribe(RoutingContext ctx) {
        String id = ctx.pathParam("contact");
        if (!subscriptions.delete(Auth.client(ctx).recipient(), id)) throw ApiException.notFound("push subscription " + id);
        return Reply.noContent();
    }

    private Reply fetch(RoutingContext ctx) {
        String id = authorizedContact(ctx);
        if (subscriptions.find(id).isEmpty()) throw forbidden();
        subscriptions.touch(id);
        List<Object> out = new ArrayList<>();
        for (PushMessageStore.Message m : messages.take(id)) {
            out.add(Json.readMap(m.payload()));
            deliveries.markDelivered(m.deliveryId());
        }
        return Reply.ok(out);
    }

    private Reply list(RoutingContext ctx) {
        RecipientId rid;
        try {
            rid = RecipientId.parse(ctx.pathParam("rid"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_recipient", "rid", e.getMessage());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (PushSubscription s : subscriptions.forRecipient(rid)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("contact_id", s.id());
            m.put("push_service", java.net.URI.create(s.endpoint()).getHost());
            m.put("user_agent", s.userAgent());
            m.put("created_at", s.createdAt().toString());
            m.put("last_seen_at", s.lastSeenAt().toString());
            out.add(m);
        }
        return Reply.ok(Map.of("subscriptions", out));
    }

    private String authorizedContact(RoutingContext ctx) {
        String id = ctx.pathParam("contact");
        if (!secrets.matches(id, ctx.request().getHeader(SECRET_HEADER))) throw forbidden();
        return id;
    }

    private static ApiException forbidden() {
        return new ApiException(403, "forbidden", "unknown push contact or wrong " + SECRET_HEADER);
    }

    /** Reads a browser's {@code PushSubscription.toJSON()}; every refusal names its field. */
    private Keys parse(JsonNode body) {
        if (!body.isObject()) throw ApiException.badRequest("bad_request", null, "the body must be a PushSubscription JSON object");
        JsonNode e = body.get("endpoint");
        String endpoint = e != null && e.isTextual() ? e.asText() : null;
        endpoints.check(endpoint).ifPresent(why -> {
            throw ApiException.badRequest("invalid_endpoint", "endpoint", "endpoint " + why);
        });
        JsonNode keys = body.get("keys");
        if (keys == null || !keys.isObject()) throw ApiException.badRequest("missing_field", "keys", "keys {p256dh, auth} are required");
        String p256dh = text(keys, "p256dh");
        byte[] point = decode(p256dh, "keys.p256dh");
        try {
            P256.publicKey(point);
        } catch (P256.InvalidPointException ex) {
            throw ApiException.badRequest("invalid_key", "keys.p256dh", "keys.p256dh " + ex.getMessage());
        }
        String auth = text(keys, "auth");
        byte[] secret = decode(auth, "keys.auth");
        if (secret.length != 16) {
            throw ApiException.badRequest("invalid_key", "keys.auth", "keys.auth must be 16 bytes, got " + secret.length);
        }
        return new Keys(endpoint, p256dh, auth);
    }

    private static String text(JsonNode keys, String name) {
        JsonNode v = keys.get(name);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw ApiException.badRequest("missing_field", "keys." + name, "keys." + name + " is required (base64url)");
        }
        return v.asText().trim();
    }

    private static byte[] decode(String b64u, String field) {
        try {
            return Base64.getUrlDecoder().decode(b64u);
        } catch (IllegalArgumentException ex) {
            throw ApiException.badRequest("invalid_key", field, field + " is not base64url");
        }
    }
}
