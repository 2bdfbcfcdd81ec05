package org.herald.channel.webpush;

import java.time.Duration;

/** What a push service answered to one push, in the terms the channel acts on. */
public sealed interface PushResult {
    /** 201: the service took the message. */
    record Accepted(int status) implements PushResult {}

    /** 404/410: the subscription no longer exists; delete it. */
    record Gone(int status, String reason) implements PushResult {}

    /** Retrying the same push cannot help (413, 400/401/403 configuration problems, other 4xx, redirects). */
    record Rejected(int status, String reason) implements PushResult {}

    /** 429, 5xx or a network error: try again, after {@code after} when the service said so (else back-off). */
    record RetryLater(String reason, Duration after) implements PushResult {}
}
