package org.herald.queue;

import java.time.Duration;
import org.herald.config.QueueConfig;
import org.herald.core.Durations;

/** The dispatcher's settings with durations parsed. */
public record QueueSettings(
        String node,
        int batchSize,
        int concurrency,
        Duration pollInterval,
        Duration lease,
        Duration attemptTimeout,
        int maxAttempts,
        Duration backoffBase,
        Duration backoffMax,
        Duration sweepInterval,
        Duration shutdownGrace) {

    public static QueueSettings from(QueueConfig q, String node) {
        return new QueueSettings(node, q.batchSize(), q.concurrency(), Durations.parse(q.pollInterval()),
                Durations.parse(q.lease()), Durations.parse(q.attemptTimeout()), q.maxAttempts(),
                Durations.parse(q.backoffBase()), Durations.parse(q.backoffMax()), Durations.parse(q.sweepInterval()),
                Durations.parse(q.shutdownGrace()));
    }
}
