package org.herald.queue;

import org.herald.store.DeliveryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Periodically expires deliveries past their time to live and requeues claims whose lease ran out. */
public final class Sweeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sweeper.class);
    private static final int CHUNK = 500;

    private final DeliveryStore store;
    private final QueueSettings settings;
    private final Runnable onRequeued;
    private final Thread thread;
    private final java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);

    public Sweeper(DeliveryStore store, QueueSettings settings, Runnable onRequeued) {
        this.store = store;
        this.settings = settings;
        this.onRequeued = onRequeued;
        this.thread = Thread.ofVirtual().name("herald-sweeper").unstarted(this::loop);
    }

    public void start() {
        thread.start();
    }

    /** One pass; returns the number of deliveries changed. */
    public int sweepOnce() {
        int changed = 0;
        int n;
        do {
            n = store.expireDue(CHUNK);
            changed += n;
        } while (n == CHUNK);
        int recovered = store.recoverExpiredLeases(settings.maxAttempts(), CHUNK);
        if (recovered > 0) {
            log.warn("took over {} deliveries whose claim expired (a node died or stalled)", recovered);
            onRequeued.run();
        }
        return changed + recovered;
    }

    private void loop() {
        try {
            while (stop.getCount() > 0) {
                try {
                    sweepOnce();
                } catch (RuntimeException e) {
                    if (stop.getCount() > 0) log.error("sweep failed: {}", e.toString());
                }
                stop.await(settings.sweepInterval().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops after the sweep in progress (never interrupts it: that would break its database connection). */
    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
