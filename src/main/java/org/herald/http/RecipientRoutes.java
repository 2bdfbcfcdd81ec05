package org.herald.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.herald.core.RecipientId;
import org.herald.store.RecipientStore;

/** /api/v1/recipients/{rid} and its subscriptions. */
final class RecipientRoutes {
    private static final Set<String> FIELDS = Set.of("name", "lang", "provider", "contacts");
    private static final Pattern CONTACT_KEY = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern PHONE = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern TYPE = Pattern.compile("\\*|[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");

    private final RecipientStore recipients;

    private final java.util.function.Predicate<String> knownChannel;

    RecipientRoutes(RecipientStore recipients, java.util.function.Predicate<String> knownChannel) {
        this.recipients = recipients;
        this.knownChannel = knownChannel;
    }

    void mount(Router router, Handlers h, Auth auth) {
        router.put("/api/v1/recipients/:rid").handler(auth.serverKey()).handler(h.blocking(this::put));
        router.get("/api/v1/recipients/:rid").handler(auth.serverKey()).handler(h.blocking(this::get));
        router.delete("/api/v1/recipients/:rid").handler(auth.serverKey()).handler(h.blocking(this::delete));
        router.put("/api/v1/recipients/:rid/subscriptions").handler(auth.serverKey()).handler(h.blocking(this::putSubscriptions));
        router.get("/api/v1/recipients/:rid/subscriptions").handler(auth.serverKey()).handler(h.blocking(this::getSubscriptions));
    }

    static RecipientId rid(RoutingContext ctx) {
        try {
            return RecipientId.parse(ctx.pathParam("rid"));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_recipient", e.getMessage(), "rid");
        }
    }

    private Reply put(RoutingContext ctx) {
        RecipientId id = rid(ctx);
        JsonNode body = Bodies.json(ctx);
        if (!body.isObject()) throw ApiException.badRequest("bad_request", null, "the body must be a JSON object");
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw ApiException.badRequest("unknown_field", f, "unknown field '" + f + "'");
        }
        String name = text(body, "name", 500);
        String lang = text(body, "lang", 16);
        String provider = text(body, "provider", 100);
        Map<String, Object> contacts = contacts(body.get("contacts"));
        boolean created = recipients.put(id, name, lang, provider, contacts);
        return Reply.status(created ? 201 : 200, Views.recipient(recipients.find(id).orElseThrow()));
    }

    private Reply get(RoutingContext ctx) {
        RecipientId id = rid(ctx);
        return Reply.ok(Views.recipient(recipients.find(id).orElseThrow(() -> ApiException.notFound("recipient " + id))));
    }

    private Reply delete(RoutingContext ctx) {
        RecipientId id = rid(ctx);
        if (!recipients.delete(id)) throw ApiException.notFound("recipient " + id);
        return Reply.noContent();
    }

    private Reply putSubscriptions(RoutingContext ctx) {
        RecipientId id = rid(ctx);
        JsonNode body = Bodies.json(ctx);
        if (!body.isObject()) throw ApiException.badRequest("bad_request", null, "the body must be an object: type -> {channel: true|false}");
        Map<String, Map<String, Boolean>> subs = new LinkedHashMap<>();
        for (var type : (Iterable<Map.Entry<String, JsonNode>>) body::fields) {
            String t = type.getKey();
            if (!TYPE.matcher(t).matches()) throw ApiException.badRequest("invalid_field", t, "'" + t + "' is not a notification type (or \"*\")");
            if (!type.getValue().isObject()) throw ApiException.badRequest("invalid_field", t, t + " must be an object: {channel: true|false}");
            Map<String, Boolean> channels = new LinkedHashMap<>();
            for (var ch : (Iterable<Map.Entry<String, JsonNode>>) type.getValue()::fields) {
                String field = t + "." + ch.getKey();
                if (!knownChannel.test(ch.getKey())) throw ApiException.badRequest("unknown_channel", field, "unknown channel '" + ch.getKey() + "'");
                if (!ch.getValue().isBoolean()) throw ApiException.badRequest("invalid_field", field, field + " must be true or false");
                channels.put(ch.getKey(), ch.getValue().asBoolean());
            }
            subs.put(t, channels);
        }
        recipients.putSubscriptions(id, subs);
        return Reply.ok(recipients.subscriptions(id));
    }

    private Reply getSubscriptions(RoutingContext ctx) {
        return Reply.ok(recipients.subscriptions(rid(ctx)));
    }

    private static String text(JsonNode body, String field, int max) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual() || n.asText().length() > max) throw ApiException.badRequest("invalid_field", field, field + " must be a string of at most " + max + " characters");
        return n.asText();
    }

    private static Map<String, Object> contacts(JsonNode node) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) return out;
        if (!node.isObject()) throw ApiException.badRequest("invalid_field", "contacts", "contacts must be an object such as {\"email\":\"…\",\"phone\":\"+380…\"}");
        for (var e : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            String field = "contacts." + e.getKey();
            if (!CONTACT_KEY.matcher(e.getKey()).matches()) throw ApiException.badRequest("invalid_field", field, "contact types match [a-z][a-z0-9_]{0,31}");
            if (e.getValue().isNull()) continue;
            if (!e.getValue().isTextual() || e.getValue().asText().length() > 500) throw ApiException.badRequest("invalid_field", field, field + " must be a string");
            String v = e.getValue().asText();
            if (e.getKey().equals("email") && !EMAIL.matcher(v).matches()) throw ApiException.badRequest("invalid_field", field, "'" + v + "' is not an email address");
            if (e.getKey().equals("phone") && !PHONE.matcher(v).matches()) throw ApiException.badRequest("invalid_field", field, "'" + v + "' is not a phone number in E.164 form (+ and 7 to 15 digits)");
            out.put(e.getKey(), v);
        }
        return out;
    }
}
