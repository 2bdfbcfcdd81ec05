package org.herald.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for accepted notifications: concurrent requests hand their notification to a few writer threads,
 * which store everything that arrived meanwhile in one transaction. The commit (an fsync on PostgreSQL, a chunk
 * write on H2) is paid once per batch instead of once per request; each caller still returns only after its own
 * notification is committed. A batch that fails is stored again one by one, so one bad item (a taken idempotency
 * key) fails only its own request.
 */
public final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final int MAX_BATCH = 256;

    private record Job(NotificationStore.NewNotification item, CompletableFuture<Void> done) {}

    private final NotificationStore store;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean running = true;

    public GroupCommitWriter(NotificationStore store, int writers) {
        this.store = store;
        for (int i = 0; i < writers; i++) {
            Thread t = Thread.ofVirtual().name("herald-accept-writer-" + i).start(this::loop);
            this.writers.add(t);
        }
    }

    /** Stores the notification; returns when it is committed. Throws what storing it threw. */
    public void insert(NotificationStore.NewNotification item) {
        if (!running) throw new IllegalStateException("Herald is stopping");
        Job job = new Job(item, new CompletableFuture<>());
        queue.add(job);
        try {
            job.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing a notification", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    private void loop() {
        List<Job> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Job first = queue.poll(100, TimeUnit.MILLISECONDS);
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

    private void write(List<Job> batch) {
        if (batch.size() > 1) {
            try {
                store.insertAll(batch.stream().map(Job::item).toList());
                batch.forEach(j -> j.done().complete(null));
                return;
            } catch (RuntimeException e) {
                log.debug("group commit of {} failed ({}); storing them one by one", batch.size(), e.toString());
            }
        }
        for (Job j : batch) {
            try {
                store.insert(j.item());
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
        for (Thread t : writers) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
