package org.herald.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: concurrent callers hand their item to a few writer threads, which store everything that arrived
 * meanwhile in one transaction. The commit (an fsync on PostgreSQL, a chunk write on H2) is paid once per batch
 * instead of once per item; each caller still returns only after its own item is committed. A batch that fails is
 * stored again one by one, so one bad item (a taken idempotency key) fails only its own caller.
 *
 * @param <T> what is stored
 */
public final class GroupCommit<T> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    private static final int MAX_BATCH = 256;

    private record Job<T>(T item, CompletableFuture<Void> done) {}

    private final Consumer<List<T>> storeAll;
    private final Consumer<T> storeOne;
    private final BlockingQueue<Job<T>> queue = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean running = true;

    /**
     * @param storeAll stores a batch in one transaction (all or nothing)
     * @param storeOne stores one item; what it throws reaches that item's caller
     */
    public GroupCommit(String name, int writers, Consumer<List<T>> storeAll, Consumer<T> storeOne) {
        this.storeAll = storeAll;
        this.storeOne = storeOne;
        for (int i = 0; i < writers; i++) {
            this.writers.add(Thread.ofVirtual().name("herald-" + name + "-writer-" + i).start(this::loop));
        }
    }

    /** Stores the item; returns when it is committed. Throws what storing it threw. */
    public void insert(T item) {
        if (!running) throw new IllegalStateException("Herald is stopping");
        Job<T> job = new Job<>(item, new CompletableFuture<>());
        queue.add(job);
        Workers.await(job.done(), "storing");
    }

    private void loop() {
        List<Job<T>> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Job<T> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Job<T>> batch) {
        if (batch.size() > 1) {
            try {
                storeAll.accept(batch.stream().map(Job::item).toList());
                batch.forEach(j -> j.done().complete(null));
                return;
            } catch (RuntimeException e) {
                log.debug("group commit of {} failed ({}); storing them one by one", batch.size(), e.toString());
            }
        }
        for (Job<T> j : batch) {
            try {
                storeOne.accept(j.item());
                j.done().complete(null);
            } catch (RuntimeException e) {
                j.done().completeExceptionally(e);
            }
        }
    }

    /** Stores what is queued, then stops. */
    @Override
    public void close() {
        running = false;
        Workers.join(writers);
    }
}
