package org.herald.queue;

import java.time.Duration;
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
    private volatile boolean running = true;

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
        while (running) {
            try {
                sweepOnce();
            } catch (RuntimeException e) {
                log.error("sweep failed: {}", e.toString());
            }
            try {
                Thread.sleep(settings.sweepInterval().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }

    Duration interval() {
        return settings.sweepInterval();
    }
}
