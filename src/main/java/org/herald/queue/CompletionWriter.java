package org.herald.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.herald.store.Completion;
import org.herald.store.DeliveryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes attempt results in batches: one transaction for all completions that arrived while the previous one was
 * being written (group commit). A batch that cannot be written is kept and tried again; the claims stay held until
 * then, and if the node dies meanwhile the lease sweeper requeues them, so no result turns into silence.
 */
final class CompletionWriter {
    private static final Logger log = LoggerFactory.getLogger(CompletionWriter.class);
    private static final int MAX_BATCH = 256;

    private final DeliveryStore store;
    private final IntConsumer onWritten;
    private final BlockingQueue<Completion> pending = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    CompletionWriter(DeliveryStore store, IntConsumer onWritten) {
        this.store = store;
        this.onWritten = onWritten;
        this.thread = Thread.ofVirtual().name("herald-completions").unstarted(this::loop);
    }

    void start() {
        thread.start();
    }

    void submit(Completion c) {
        pending.add(c);
    }

    /** Writes what is pending and stops. */
    void stop() throws InterruptedException {
        running = false;
        thread.join();
    }

    private void loop() {
        List<Completion> batch = new ArrayList<>(MAX_BATCH);
        while (running || !pending.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    Completion first = pending.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) continue;
                    batch.add(first);
                    pending.drainTo(batch, MAX_BATCH - 1);
                }
                store.complete(batch);
                int n = batch.size();
                batch.clear();
                onWritten.accept(n);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("could not record {} attempt results, retrying in 1 s: {}", batch.size(), e.toString());
                if (!running) {
                    log.error("shutting down with {} unrecorded results; their leases will requeue them", batch.size());
                    return;
                }
                sleep();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
