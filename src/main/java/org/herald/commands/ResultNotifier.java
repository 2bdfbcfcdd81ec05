package org.herald.commands;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.herald.core.Priority;
import org.herald.pipeline.AcceptedNotification;
import org.herald.pipeline.NotificationRequest;
import org.herald.pipeline.NotificationService;
import org.herald.store.CommandRun;
import org.herald.store.CommandStore;

/**
 * Tells the recipient how a command ended: a {@code command.result} notification through the normal pipeline (the
 * recipient's subscriptions, queue, retries), idempotent per command.
 */
public final class ResultNotifier implements Consumer<CommandRun> {
    public static final String TYPE = "command.result";
    /** Output shown in the notification; the whole captured output stays in GET /api/v1/commands/{id}. */
    static final int MAX_TEXT_CHARS = 8000;

    private final NotificationService notifications;
    private final CommandStore store;
    private final Duration ttl;

    public ResultNotifier(NotificationService notifications, CommandStore store, Duration ttl) {
        this.notifications = notifications;
        this.store = store;
        this.ttl = ttl;
    }

    @Override
    public void accept(CommandRun run) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("command_id", run.id());
        data.put("command", run.name());
        data.put("args", run.args());
        data.put("status", run.status());
        data.put("exit_code", run.exitCode());
        data.put("truncated", run.truncated());
        if (run.startedAt() != null && run.finishedAt() != null) {
            data.put("duration_ms", Duration.between(run.startedAt(), run.finishedAt()).toMillis());
        }
        if (run.error() != null) data.put("error", run.error());
        NotificationRequest req = new NotificationRequest(List.of(run.recipient()), TYPE, title(run), text(run), data, null,
                null, null, run.status().equals(CommandRun.SUCCEEDED) ? Priority.DEFAULT : Priority.DEFAULT + 2, ttl, null,
                null, "command-result:" + run.id());
        AcceptedNotification accepted = notifications.accept(req);
        store.setNotification(run.id(), accepted.id());
    }

    static String title(CommandRun run) {
        return switch (run.status()) {
            case CommandRun.SUCCEEDED -> run.name() + ": done";
            case CommandRun.TIMED_OUT -> run.name() + ": timed out after " + Duration.ofMillis(run.timeoutMs()).toSeconds() + " s";
            default -> run.name() + ": failed" + (run.exitCode() != null ? " (exit " + run.exitCode() + ")" : "");
        };
    }

    static String text(CommandRun run) {
        String out = run.output() == null || run.output().isBlank() ? (run.error() != null ? run.error() : "(no output)") : run.output();
        if (out.length() > MAX_TEXT_CHARS) out = out.substring(0, MAX_TEXT_CHARS) + "\n…";
        if (run.truncated() || out.endsWith("…")) out += "\n(output cut; the kept output is in GET /api/v1/commands/" + run.id() + ")";
        return out;
    }
}
