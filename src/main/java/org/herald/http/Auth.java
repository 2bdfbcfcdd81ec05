package org.herald.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ExecutorService;
import org.herald.auth.ApiKeys;
import org.herald.auth.ClientTokens;
import org.herald.auth.ClientTokens.ClientPrincipal;

/** Route guards: a server API key ({@code Authorization: Bearer <key>}) or a client token (same header). */
public final class Auth {
    private static final String PRINCIPAL = "herald.client";

    private final ApiKeys apiKeys;
    private final ClientTokens tokens;
    private final ExecutorService executor;

    public Auth(ApiKeys apiKeys, ClientTokens tokens, ExecutorService executor) {
        this.apiKeys = apiKeys;
        this.tokens = tokens;
        this.executor = executor;
    }

    /** Lets the request through with a valid server API key; 401 otherwise. The key check may read the database. */
    public Handler<RoutingContext> serverKey() {
        return ctx -> {
            String key = bearer(ctx);
            if (key == null) {
                JsonErrors.send(ctx.response(), 401, "unauthorized", "a server API key is required: Authorization: Bearer <key>", null);
                return;
            }
            if (apiKeys.isKnown(key)) {
                ctx.next(); // the common case: no thread hop
                return;
            }
            var context = io.vertx.core.Vertx.currentContext();
            executor.execute(() -> {
                boolean ok;
                try {
                    ok = apiKeys.isValid(key);
                } catch (RuntimeException e) {
                    context.runOnContext(v -> Handlers.fail(ctx, e));
                    return;
                }
                context.runOnContext(v -> {
                    if (ok) ctx.next();
                    else JsonErrors.send(ctx.response(), 401, "unauthorized", "invalid server API key", null);
                });
            });
        };
    }

    /** Lets the request through with a valid client token, and keeps its principal for the handler; 401 otherwise. */
    public Handler<RoutingContext> clientToken() {
        return ctx -> {
            try {
                ctx.put(PRINCIPAL, tokens.verify(bearer(ctx)));
                ctx.next();
            } catch (ClientTokens.InvalidTokenException e) {
                JsonErrors.send(ctx.response(), 401, "unauthorized", e.getMessage(), null);
            }
        };
    }

    /**
     * A server API key, or a client token whose {@code topics} claim holds {@code topic} (a panel page reads what its
     * WebSocket topic shows). 401 without a valid credential, 403 for a token without the topic.
     */
    public Handler<RoutingContext> serverKeyOrTopic(String topic) {
        Handler<RoutingContext> server = serverKey();
        return ctx -> {
            String credential = bearer(ctx);
            if (credential != null && credential.chars().filter(ch -> ch == '.').count() == 2) {
                try {
                    ClientPrincipal p = tokens.verify(credential);
                    if (!p.topics().contains(topic)) {
                        JsonErrors.send(ctx.response(), 403, "forbidden", "the client token lacks topic '" + topic + "'", null);
                        return;
                    }
                    ctx.put(PRINCIPAL, p);
                    ctx.next();
                } catch (ClientTokens.InvalidTokenException e) {
                    if (apiKeys.isKnown(credential)) ctx.next(); // a configured server key that happens to look like a JWT
                    else JsonErrors.send(ctx.response(), 401, "unauthorized", e.getMessage(), null);
                }
                return;
            }
            server.handle(ctx);
        };
    }

    public static ClientPrincipal client(RoutingContext ctx) {
        return ctx.get(PRINCIPAL);
    }

    private static String bearer(RoutingContext ctx) {
        String h = ctx.request().getHeader("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        String v = h.substring(7).trim();
        return v.isEmpty() ? null : v;
    }
}
