package org.herald.queue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.herald.channel.ChannelRegistry;
import org.herald.store.ClaimedDelivery;
import org.herald.store.Completion;
import org.herald.store.DeliveryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes due deliveries from the database and runs their attempts. It claims only as many as it has free capacity
 * for, highest priority first, so an urgent delivery waits at most for one batch of attempts in flight, never for a
 * bulk mailing queued before it.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final DeliveryStore store;
    private final QueueSettings settings;
    private final ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();
    private final AttemptRunner runner;
    private final CompletionWriter writer;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final BlockingQueue<Boolean> wake = new ArrayBlockingQueue<>(1);
    private final Thread loop;
    private final MeterRegistry metrics;
    private volatile boolean running;

    public Dispatcher(DeliveryStore store, ChannelRegistry channels, QueueSettings settings, Clock clock, MeterRegistry metrics) {
        this.store = store;
        this.settings = settings;
        this.metrics = metrics;
        Backoff backoff = new Backoff(settings.backoffBase(), settings.backoffMax(),
                bound -> java.util.concurrent.ThreadLocalRandom.current().nextLong(bound));
        this.runner = new AttemptRunner(channels, settings, backoff, clock, attempts);
        this.writer = new CompletionWriter(store, n -> {
            inFlight.addAndGet(-n);
            wake();
        });
        this.loop = Thread.ofVirtual().name("herald-dispatcher").unstarted(this::claimLoop);
        metrics.gauge("herald_dispatcher_in_flight", inFlight);
    }

    public void start() {
        running = true;
        writer.start();
        loop.start();
        log.info("dispatcher started on node {} (concurrency {}, batch {})", settings.node(), settings.concurrency(), settings.batchSize());
    }

    /** Asks the dispatcher to look for due deliveries now (after a local accept, or when capacity frees up). */
    public void wake() {
        wake.offer(Boolean.TRUE);
    }

    public int inFlight() {
        return inFlight.get();
    }

    private void claimLoop() {
        Duration errorBackoff = settings.pollInterval();
        // Refill in batches: while the attempts in flight are slow (a gateway at its concurrency cap), completions
        // free one slot at a time, and a claim query per freed slot would cost more than the sends themselves.
        int refill = Math.max(1, Math.min(settings.batchSize(), settings.concurrency() / 4));
        while (running) {
            int busy = inFlight.get();
            int free = settings.concurrency() - busy;
            int want = free < refill && busy > 0 ? 0 : Math.min(free, settings.batchSize());
            int got = 0;
            if (want > 0) {
                try {
                    List<ClaimedDelivery> claimed = store.claim(settings.node(), want, settings.lease());
                    got = claimed.size();
                    for (ClaimedDelivery c : claimed) {
                        inFlight.incrementAndGet();
                        attempts.execute(() -> attempt(c));
                    }
                    errorBackoff = settings.pollInterval();
                } catch (RuntimeException e) {
                    log.error("could not claim deliveries (database unreachable?), retrying in {} ms: {}", errorBackoff.toMillis(), e.toString());
                    sleep(errorBackoff);
                    errorBackoff = errorBackoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : errorBackoff.multipliedBy(2);
                    continue;
                }
            }
            if (got == want && want > 0) continue;
            try {
                wake.poll(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void attempt(ClaimedDelivery c) {
        Timer.Sample sample = Timer.start(metrics);
        Completion result;
        try {
            result = runner.run(c);
        } catch (RuntimeException e) {
            log.error("attempt of delivery {} crashed", c.delivery().id(), e);
            inFlight.decrementAndGet();
            return;
        }
        sample.stop(metrics.timer("herald_delivery_attempt_seconds", "channel", c.delivery().channel(), "outcome", result.outcome()));
        writer.submit(result);
    }

    /**
     * Stops claiming, lets in-flight attempts finish within the shutdown grace, records their results, and hands
     * back to the queue whatever is still held.
     */
    @Override
    public void close() {
        if (!running) return;
        running = false;
        wake();
        try {
            loop.join();
            long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
            while (inFlight.get() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
            if (inFlight.get() > 0) {
                log.warn("{} attempts still running after the shutdown grace; their claims go back to the queue", inFlight.get());
            }
            attempts.shutdown(); // not shutdownNow: interrupting a thread inside JDBC can close an H2 database
            writer.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            int released = store.releaseClaims(settings.node());
            if (released > 0) log.info("released {} unfinished claims back to the queue", released);
        } catch (RuntimeException e) {
            log.warn("could not release claims on shutdown (their leases will expire): {}", e.toString());
        }
        log.info("dispatcher stopped");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
