package org.herald.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.herald.core.Durations;
import org.herald.core.RecipientId;
import org.herald.auth.ClientTokens;

/** POST /api/v1/tokens: the billing system asks Herald to mint a client token. */
final class TokenRoutes {
    static final Duration DEFAULT_TTL = Duration.ofHours(12);

    private final ClientTokens tokens;
    private final Duration maxTtl;
    private final java.time.Clock clock;

    TokenRoutes(ClientTokens tokens, Duration maxTtl, java.time.Clock clock) {
        this.tokens = tokens;
        this.maxTtl = maxTtl;
        this.clock = clock;
    }

    void mount(Router router, Handlers h, Auth auth) {
        router.post("/api/v1/tokens").handler(auth.serverKey()).handler(h.blocking(this::mint));
    }

    private Reply mint(RoutingContext ctx) {
        JsonNode body = Bodies.json(ctx);
        if (!body.isObject()) throw ApiException.badRequest("bad_request", null, "the body must be a JSON object");
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!java.util.Set.of("recipient", "ttl", "topics").contains(f)) throw ApiException.badRequest("unknown_field", f, "unknown field '" + f + "'");
        }
        JsonNode r = body.get("recipient");
        if (r == null || !r.isTextual()) throw ApiException.badRequest("missing_field", "recipient", "recipient is required: 'kind:id'");
        RecipientId recipient;
        try {
            recipient = RecipientId.parse(r.asText());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_recipient", "recipient", e.getMessage());
        }
        Duration ttl = DEFAULT_TTL;
        JsonNode t = body.get("ttl");
        if (t != null && !t.isNull()) {
            try {
                ttl = Durations.parse(t.asText());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_field", "ttl", "ttl: " + e.getMessage());
            }
            if (ttl.isZero() || ttl.compareTo(maxTtl) > 0) {
                throw ApiException.badRequest("invalid_field", "ttl", "ttl must be between 1s and " + Durations.format(maxTtl));
            }
        }
        List<String> topics = new ArrayList<>();
        JsonNode tp = body.get("topics");
        if (tp != null && !tp.isNull()) {
            if (!tp.isArray()) throw ApiException.badRequest("invalid_field", "topics", "topics must be a list of strings");
            for (JsonNode n : tp) {
                if (!n.isTextual() || !n.asText().matches("[A-Za-z0-9._:-]{1,100}")) {
                    throw ApiException.badRequest("invalid_field", "topics", "topics must be names of [A-Za-z0-9._:-]");
                }
                topics.add(n.asText());
            }
        }
        String token = tokens.mint(recipient, ttl, topics);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", token);
        out.put("expires_at", clock.instant().plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        return Reply.status(201, out);
    }
}
