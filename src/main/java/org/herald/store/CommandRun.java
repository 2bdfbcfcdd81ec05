package org.herald.store;

import java.time.Instant;
import java.util.List;
import org.herald.core.RecipientId;

/** One run of an allow-listed program: what was asked, and how it ended. */
public record CommandRun(String id, RecipientId recipient, String name, List<String> args, long timeoutMs, String status,
                         Integer exitCode, String output, boolean truncated, String error, String notificationId,
                         Instant createdAt, Instant startedAt, Instant finishedAt) {
    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String TIMED_OUT = "timed_out";
}
