package org.herald.http;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ExecutorService;
import org.herald.core.InvalidRequestException;
import org.herald.core.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a route's work on a virtual thread (JDBC blocks) and writes the answer back on the request's event loop, or
 * runs work that never blocks on the event loop itself. Refusals become JSON errors; anything unexpected becomes a
 * 500 with a reference to the log line, never a trace.
 */
public final class Handlers {
    private static final Logger log = LoggerFactory.getLogger(Handlers.class);

    /** What a route does: its answer, or an exception that becomes a JSON error. */
    @FunctionalInterface
    public interface RouteWork {
        Reply handle(RoutingContext ctx) throws Exception;
    }

    private final ExecutorService executor;

    public Handlers(ExecutorService executor) {
        this.executor = executor;
    }

    public Handler<RoutingContext> blocking(RouteWork handler) {
        return ctx -> {
            Context context = Vertx.currentContext();
            executor.execute(() -> {
                Reply reply;
                try {
                    reply = handler.handle(ctx);
                } catch (Throwable t) {
                    context.runOnContext(v -> fail(ctx, t));
                    return;
                }
                context.runOnContext(v -> write(ctx, reply));
            });
        };
    }

    /** Work that never blocks (no JDBC, no waiting), run on the request's event loop: no thread hop. */
    public Handler<RoutingContext> onLoop(RouteWork handler) {
        return ctx -> {
            Reply reply;
            try {
                reply = handler.handle(ctx);
            } catch (Throwable t) {
                fail(ctx, t);
                return;
            }
            write(ctx, reply);
        };
    }

    static void write(RoutingContext ctx, Reply reply) {
        var response = ctx.response();
        if (response.ended() || response.closed()) return;
        response.setStatusCode(reply.status());
        reply.headers().forEach(response::putHeader);
        if (reply.body() == null) {
            response.end();
            return;
        }
        response.putHeader("Content-Type", reply.contentType());
        response.end(reply.raw() ? (String) reply.body() : Json.write(reply.body()));
    }

    public static void fail(RoutingContext ctx, Throwable t) {
        if (t instanceof ApiException e) {
            JsonErrors.send(ctx.response(), e);
        } else if (t instanceof InvalidRequestException e) {
            int status = "idempotency_conflict".equals(e.code()) ? 409 : 400;
            JsonErrors.send(ctx.response(), status, e.code(), e.getMessage(), e.field());
        } else {
            String ref = Long.toHexString(System.nanoTime());
            log.error("internal error on {} {} (ref {})", ctx.request().method(), ctx.request().path(), ref, t);
            JsonErrors.send(ctx.response(), 500, "internal", "internal error; the server log has the details (ref " + ref + ")", null);
        }
    }
}
