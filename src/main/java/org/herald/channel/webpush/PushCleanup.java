package org.herald.channel.webpush;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.herald.store.PushMessageStore;
import org.herald.store.PushSubscriptionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic (by default daily) clean-up: fetch-mode messages never fetched within their time to live,
 * subscriptions not seen for a long time (some push services accept pushes for dead subscriptions for months),
 * and the old record of pushes made.
 */
public final class PushCleanup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PushCleanup.class);
    /** How long the record of a push is kept: longer than any delivery stays retryable in practice. */
    static final Duration KEEP_PUSH_RECORDS = Duration.ofDays(30);

    private final PushSubscriptionStore subscriptions;
    private final PushMessageStore messages;
    private final Duration subscriptionMaxAge;
    private final Clock clock;
    private ScheduledExecutorService timer;

    public PushCleanup(PushSubscriptionStore subscriptions, PushMessageStore messages, Duration subscriptionMaxAge, Clock clock) {
        this.subscriptions = subscriptions;
        this.messages = messages;
        this.subscriptionMaxAge = subscriptionMaxAge;
        this.clock = clock;
    }

    /** What one run removed. */
    public record Result(int expiredMessages, int staleSubscriptions, int pushRecords) {}

    public void start(Duration interval) {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("push-cleanup").factory());
        timer.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                log.warn("push clean-up failed (next run in {}): {}", interval, e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Result runOnce() {
        Instant now = clock.instant();
        Result r = new Result(messages.deleteExpired(), subscriptions.deleteNotSeenSince(now.minus(subscriptionMaxAge)),
                subscriptions.deletePushesBefore(now.minus(KEEP_PUSH_RECORDS)));
        if (r.expiredMessages() + r.staleSubscriptions() > 0) {
            log.info("push clean-up: {} unfetched messages expired, {} subscriptions not seen for {} deleted",
                    r.expiredMessages(), r.staleSubscriptions(), subscriptionMaxAge);
        }
        return r;
    }

    @Override
    public void close() {
        if (timer != null) timer.shutdownNow();
    }
}
