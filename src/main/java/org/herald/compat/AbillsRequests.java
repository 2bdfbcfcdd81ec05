package org.herald.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.herald.commands.CommandNotAllowedException;
import org.herald.commands.CommandRunner;
import org.herald.config.AbillsConfig;
import org.herald.core.InvalidRequestException;
import org.herald.core.Json;
import org.herald.core.Priority;
import org.herald.core.RecipientId;
import org.herald.hub.Hub;
import org.herald.pipeline.NotificationRequest;
import org.herald.pipeline.NotificationService;
import org.herald.store.CommandRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests of ABillS's internal API (what {@code websocket_backend.pl} answered on port 19444), answered from
 * Herald's own parts: messages go through the notification pipeline (browser channel: queued, retried, replayed on
 * reconnect), lists and socket counts come from live presence, commands from the allow-listed runner.
 * {@link #handle} returns the reply, or null for none (SILENT).
 */
public final class AbillsRequests {
    private static final Logger log = LoggerFactory.getLogger(AbillsRequests.class);
    static final Map<String, Object> PONG = Map.of("TYPE", "PONG");
    static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(600); // the source's default

    private final AbillsConfig config;
    private final Hub hub;
    private final NotificationService notifications;
    private final CommandRunner commands;
    private final Duration ttl;

    public AbillsRequests(AbillsConfig config, Hub hub, NotificationService notifications, CommandRunner commands, Duration ttl) {
        this.config = config;
        this.hub = hub;
        this.notifications = notifications;
        this.commands = commands;
        this.ttl = ttl;
    }

    /** The reply to one request; null when the request asked for none. */
    public Object handle(JsonNode request) {
        if (request == null || !request.isObject() || !request.path("TYPE").isTextual()) return error("INCORRECT REQUEST");
        if (config.token() != null && !config.token().equals(request.path("TOKEN").asText(null))) {
            log.warn("ABillS internal API: a request without the configured TOKEN was refused");
            return error("INCORRECT TOKEN");
        }
        boolean silent = request.path("SILENT").asBoolean(false) || request.path("SILENT").asInt(0) == 1;
        Object reply;
        try {
            reply = switch (request.get("TYPE").asText()) {
                case "PING" -> PONG;
                case "MESSAGE" -> message(request);
                case "REQUEST_LIST" -> list(request);
                case "COMMAND" -> command(request);
                case "PROXY" -> proxy(request);
                default -> error("UNKNOWN MESSAGE TYPE");
            };
        } catch (RequestException e) {
            reply = error(e.getMessage());
        } catch (InvalidRequestException e) {
            log.info("ABillS internal API: {} refused: {}", request.get("TYPE").asText(), e.getMessage());
            reply = error("Error while processing request");
        }
        if (reply instanceof Silent s) return s.reply() == null || silent ? null : s.reply();
        return silent ? null : reply;
    }

    /** A reply the request's DATA (0.75 form) asked to withhold. */
    private record Silent(Object reply) {}

    private Object message(JsonNode request) {
        JsonNode id = request.get("ID");
        JsonNode data = request.get("DATA");
        if (id == null || id.isNull() || data == null || data.isNull()) return error("Error while processing request");
        boolean silentInData = false;
        if (data.isTextual()) { // ABillS 0.75: DATA is a JSON string, SILENT inside it
            data = parse(data.asText());
            if (data == null || !data.isObject()) return error("Error while processing request");
            silentInData = data.path("SILENT").asInt(0) == 1;
        }
        if (!data.isObject()) return error("Error while processing request");
        String to = request.path("TO").asText("ADMIN");
        String kind = switch (to) {
            case "ADMIN" -> config.adminKind();
            case "USER" -> config.userKind();
            default -> null;
        };
        if (kind == null) return error("NOT IMPLEMENTED");
        List<RecipientId> recipients = id.asText().equals("*") ? hub.online(kind) : List.of(recipient(kind, id.asText()));
        List<Object> sockets = new ArrayList<>();
        for (RecipientId r : recipients) {
            int open = hub.connections(r);
            for (int i = 0; i < open; i++) sockets.add(1);
        }
        if (!recipients.isEmpty()) send(recipients, (ObjectNode) data);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("TYPE", "RESULT");
        reply.put("RESULT", sockets.isEmpty() ? null : sockets); // the source's answer when the admin has no socket
        return silentInData ? new Silent(null) : reply;
    }

    private void send(List<RecipientId> to, ObjectNode data) {
        data.remove("SILENT");
        if (!data.has("TYPE")) data.put("TYPE", "MESSAGE");
        Map<String, Object> fields = Json.MAPPER.convertValue(data, MAP);
        String text = data.path("TEXT").asText("");
        String title = data.hasNonNull("TITLE") ? data.get("TITLE").asText() : null;
        notifications.accept(new NotificationRequest(List.copyOf(to), data.get("TYPE").asText().toLowerCase(), title, text,
                fields, null, null, List.of("browser"), Priority.DEFAULT, ttl, null, null, null));
    }

    private Object list(JsonNode request) {
        String type = request.path("LIST_TYPE").asText(null);
        if (type == null) return error("UNDEFINED 'LIST_TYPE'");
        String kind = switch (type) {
            case "ADMINS" -> config.adminKind();
            case "USERS" -> config.userKind();
            default -> null;
        };
        if (kind == null) return error("UNKNOWN 'LIST_TYPE'");
        List<Object> ids = new ArrayList<>();
        for (RecipientId r : hub.online(kind)) ids.add(r.id().matches("\\d{1,18}") ? (Object) Long.parseLong(r.id()) : r.id());
        return Map.of("TYPE", "RESULT", "LIST", ids);
    }

    /**
     * COMMAND: answered with {@code 1} at once; when the program ends the admin gets SUCCESS or ERROR when the
     * request gave them (TYPE MESSAGE unless they say otherwise), else a MESSAGE titled with the program line.
     */
    private Object command(JsonNode request) {
        String program = request.path("PROGRAM").asText(null);
        JsonNode aid = request.get("AID");
        if (program == null || aid == null || aid.isNull()) return error("Error while processing request");
        if (commands.maxTimeout(program) == null) {
            log.warn("ABillS internal API: COMMAND {} is not on the allow-list (commands.programs)", program);
            return error("PROGRAM NOT ALLOWED");
        }
        List<String> args = new ArrayList<>();
        for (JsonNode a : request.path("PROGRAM_ARGS")) {
            // ABillS writes arguments as shell words ("-c 3"): split on white space, interpret nothing else
            args.addAll(Arrays.stream(a.asText().trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
        }
        Duration max = commands.maxTimeout(program);
        Duration timeout = request.path("ARGS").has("timeout")
                ? Duration.ofSeconds(Math.max(1, request.path("ARGS").path("timeout").asLong(600))) : DEFAULT_COMMAND_TIMEOUT;
        if (timeout.compareTo(max) > 0) timeout = max;
        RecipientId admin = recipient(config.adminKind(), aid.asText());
        JsonNode success = request.get("SUCCESS"), failure = request.get("ERROR"), id = request.get("ID");
        String line = String.join(" ", prepend(program, args));
        try {
            commands.submit(admin, program, args, timeout, run -> report(admin, run, success, failure, id, line));
        } catch (CommandNotAllowedException e) {
            return error("PROGRAM NOT ALLOWED");
        }
        return 1;
    }

    private void report(RecipientId admin, CommandRun run, JsonNode success, JsonNode failure, JsonNode id, String line) {
        boolean ok = CommandRun.SUCCEEDED.equals(run.status());
        JsonNode given = ok ? success : failure;
        ObjectNode message;
        if (given != null && given.isObject()) {
            message = given.deepCopy();
        } else {
            message = Json.MAPPER.createObjectNode();
            message.put("TYPE", "MESSAGE");
            message.put("TITLE", line);
            String out = run.output() == null || run.output().isBlank() ? (run.error() != null ? run.error() : "") : run.output();
            if (CommandRun.TIMED_OUT.equals(run.status())) out = out + (out.isEmpty() ? "" : "\n") + "(timed out)";
            message.put("TEXT", out);
            if (id != null) message.set("ID", id);
        }
        message.put("COMMAND_STATUS", run.status());
        send(List.of(admin), message);
    }

    private Object proxy(JsonNode request) {
        if ("ECHO".equals(request.path("PROXY_TO").asText())) return request.get("MESSAGE");
        return error("UNKNOWN PLUGIN");
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static RecipientId recipient(String kind, String id) {
        try {
            return new RecipientId(kind, id);
        } catch (IllegalArgumentException e) {
            throw new RequestException("Error while processing request");
        }
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP = new com.fasterxml.jackson.core.type.TypeReference<>() {};

    private static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    static Map<String, Object> error(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("TYPE", "ERROR");
        m.put("ERROR", message);
        return m;
    }

    private static final class RequestException extends RuntimeException {
        RequestException(String message) {
            super(message);
        }
    }
}
