package org.herald.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.herald.channel.Channel;
import org.herald.channel.ChannelRegistry;
import org.herald.core.DeliveryStatus;
import org.herald.core.Outcome;
import org.herald.store.ClaimedDelivery;
import org.herald.store.Completion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one attempt of one claimed delivery through its channel and decides the delivery's next status. */
final class AttemptRunner {
    private static final Logger log = LoggerFactory.getLogger(AttemptRunner.class);

    private final ChannelRegistry channels;
    private final QueueSettings settings;
    private final Backoff backoff;
    private final Clock clock;
    private final ExecutorService executor;

    AttemptRunner(ChannelRegistry channels, QueueSettings settings, Backoff backoff, Clock clock, ExecutorService executor) {
        this.channels = channels;
        this.settings = settings;
        this.backoff = backoff;
        this.clock = clock;
        this.executor = executor;
    }

    Completion run(ClaimedDelivery c) {
        Instant started = clock.instant();
        var d = c.delivery();
        if (d.expiresAt().isBefore(started)) {
            return completion(c, DeliveryStatus.EXPIRED, null, "time to live passed before delivery", null, "expired", started);
        }
        Channel channel = channels.get(d.channel()).orElse(null);
        if (channel == null) {
            return completion(c, DeliveryStatus.FAILED, null, "channel " + d.channel() + " is not enabled on this server", null, "failed", started);
        }
        Outcome outcome = attempt(channel, c);
        return switch (outcome) {
            case Outcome.Sent s -> completion(c, DeliveryStatus.SENT, null, null, s.gateway(), "sent", started);
            case Outcome.Delivered s -> completion(c, DeliveryStatus.DELIVERED, null, null, s.gateway(), "delivered", started);
            case Outcome.Waiting w -> completion(c, DeliveryStatus.QUEUED, d.expiresAt(), w.reason(), null, "waiting", started);
            case Outcome.PermanentFailure f -> {
                log.warn("delivery {} to {} over {} failed permanently: {}", d.id(), d.recipient(), d.channel(), f.error());
                yield completion(c, DeliveryStatus.FAILED, null, f.error(), null, "failed", started);
            }
            case Outcome.Retry r -> {
                if (d.attempts() >= settings.maxAttempts()) {
                    log.warn("delivery {} to {} over {} failed after {} attempts: {}", d.id(), d.recipient(), d.channel(), d.attempts(), r.error());
                    yield completion(c, DeliveryStatus.FAILED, null, r.error(), null, "failed", started);
                }
                Duration wait = r.after() != null ? r.after() : backoff.after(d.attempts());
                log.info("delivery {} to {} over {}: attempt {} failed ({}), next in {} ms", d.id(), d.recipient(), d.channel(),
                        d.attempts(), r.error(), wait.toMillis());
                yield completion(c, DeliveryStatus.QUEUED, clock.instant().plus(wait), r.error(), null, "retry", started);
            }
        };
    }

    private Outcome attempt(Channel channel, ClaimedDelivery c) {
        Future<Outcome> future = executor.submit(() -> channel.deliver(c));
        try {
            Outcome o = future.get(settings.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return o != null ? o : Outcome.retry("channel " + channel.name() + " returned no outcome");
        } catch (TimeoutException e) {
            // Never interrupt: the channel may be inside JDBC or file I/O, and an interrupt closes H2's file channel
            // (the whole database with it). The abandoned call runs on; channels bound their own I/O with timeouts.
            future.cancel(false);
            return Outcome.retry("attempt timed out after " + settings.attemptTimeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return Outcome.retry(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            return Outcome.retry("attempt interrupted by shutdown");
        }
    }

    private Completion completion(ClaimedDelivery c, DeliveryStatus status, Instant due, String error, String gateway,
                                  String outcome, Instant started) {
        return new Completion(c, settings.node(), status, due, error, gateway, outcome, started, clock.instant());
    }
}
