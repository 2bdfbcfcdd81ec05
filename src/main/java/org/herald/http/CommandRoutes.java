package org.herald.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.herald.commands.CommandNotAllowedException;
import org.herald.commands.CommandRunner;
import org.herald.core.Durations;
import org.herald.core.RecipientId;
import org.herald.store.CommandRun;
import org.herald.store.CommandStore;

/** Background commands (server key): start one, read one, list the history. */
public final class CommandRoutes {
    private static final Set<String> FIELDS = Set.of("to", "command", "args", "timeout");
    private static final Set<String> STATUSES = Set.of(CommandRun.QUEUED, CommandRun.RUNNING, CommandRun.SUCCEEDED,
            CommandRun.FAILED, CommandRun.TIMED_OUT);

    private final CommandRunner runner;
    private final CommandStore store;

    public CommandRoutes(CommandRunner runner, CommandStore store) {
        this.runner = runner;
        this.store = store;
    }

    public void mount(Router router, Handlers h, Auth auth) {
        router.post("/api/v1/commands").handler(auth.serverKey()).handler(h.blocking(this::start));
        router.get("/api/v1/commands").handler(auth.serverKey()).handler(h.blocking(this::list));
        router.get("/api/v1/commands/:id").handler(auth.serverKey()).handler(h.blocking(this::get));
    }

    private Reply start(RoutingContext ctx) {
        JsonNode body = Bodies.json(ctx);
        if (!body.isObject()) throw ApiException.badRequest("bad_request", null, "the body must be a JSON object");
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw ApiException.badRequest("unknown_field", f, "unknown field '" + f + "'");
        }
        RecipientId to = recipient(body.get("to"));
        JsonNode c = body.get("command");
        if (c == null || !c.isTextual() || c.asText().isBlank()) {
            throw ApiException.badRequest("missing_field", "command", "command is required: a name from the allow-list");
        }
        List<String> args = new ArrayList<>();
        JsonNode a = body.get("args");
        if (a != null && !a.isNull()) {
            if (!a.isArray()) throw ApiException.badRequest("invalid_field", "args", "args must be a list of strings");
            for (JsonNode x : a) {
                if (!x.isTextual()) throw ApiException.badRequest("invalid_field", "args", "args must be a list of strings");
                args.add(x.asText());
            }
        }
        Duration timeout = null;
        JsonNode t = body.get("timeout");
        if (t != null && !t.isNull()) {
            try {
                timeout = Durations.parse(t.asText());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_field", "timeout", "timeout: " + e.getMessage());
            }
        }
        try {
            CommandRun run = runner.submit(to, c.asText(), args, timeout);
            return Reply.status(202, Map.of("id", run.id(), "status", run.status()));
        } catch (CommandNotAllowedException e) {
            throw new ApiException(403, "command_not_allowed", e.getMessage(), "command");
        }
    }

    private Reply get(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        return Reply.ok(view(store.find(id).orElseThrow(() -> ApiException.notFound("command " + id))));
    }

    private Reply list(RoutingContext ctx) {
        String to = ctx.queryParams().get("to");
        String status = ctx.queryParams().get("status");
        if (status != null && !STATUSES.contains(status)) {
            throw new ApiException(400, "invalid_parameter", "status must be one of " + STATUSES, "status");
        }
        RecipientId rid = null;
        if (to != null) {
            try {
                rid = RecipientId.parse(to);
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "invalid_parameter", e.getMessage(), "to");
            }
        }
        var runs = store.list(rid, status, ctx.queryParams().get("before"), Bodies.limit(ctx, 50, 500));
        return Reply.ok(Map.of("commands", runs.stream().map(CommandRoutes::view).toList()));
    }

    private static RecipientId recipient(JsonNode to) {
        if (to == null || !to.isTextual()) throw ApiException.badRequest("missing_field", "to", "to is required: the recipient 'kind:id' told the result");
        try {
            return RecipientId.parse(to.asText());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_recipient", "to", e.getMessage());
        }
    }

    static Map<String, Object> view(CommandRun r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("to", r.recipient().toString());
        m.put("command", r.name());
        m.put("args", r.args());
        m.put("timeout", Durations.format(Duration.ofMillis(r.timeoutMs())));
        m.put("status", r.status());
        m.put("exit_code", r.exitCode());
        m.put("output", r.output());
        m.put("truncated", r.truncated());
        m.put("error", r.error());
        m.put("notification_id", r.notificationId());
        m.put("created_at", r.createdAt().toString());
        m.put("started_at", r.startedAt() == null ? null : r.startedAt().toString());
        m.put("finished_at", r.finishedAt() == null ? null : r.finishedAt().toString());
        return m;
    }
}
