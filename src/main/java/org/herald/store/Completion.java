package org.herald.store;

import java.time.Instant;
import org.herald.core.DeliveryStatus;

/**
 * The result of one attempt, as the dispatcher decided it: the delivery's new status, when it is due again (for
 * {@code queued}), the error, and the attempt's timing for the attempt log.
 */
public record Completion(
        ClaimedDelivery claimed,
        String node,
        DeliveryStatus status,
        Instant dueAt,
        String error,
        String gateway,
        String outcome,
        Instant startedAt,
        Instant finishedAt) {}
