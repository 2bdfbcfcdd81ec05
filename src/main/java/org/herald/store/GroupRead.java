package org.herald.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Group read, the read-side twin of {@link GroupCommit}: concurrent callers hand their keys to a few reader threads,
 * which look up everything that arrived meanwhile with one query. Under load the database answers one statement for
 * many callers instead of one each; an idle server pays one hand-off between threads.
 *
 * @param <K> the key looked up
 * @param <V> what is found for a key (keys with nothing found are absent from the answer)
 */
public final class GroupRead<K, V> implements AutoCloseable {
    /** Keys per query at most (an IN list of this many placeholders). */
    static final int MAX_KEYS = 200;

    private record Job<K, V>(List<K> keys, CompletableFuture<Map<K, V>> done) {}

    private final Function<Set<K>, Map<K, V>> readAll;
    private final BlockingQueue<Job<K, V>> queue = new LinkedBlockingQueue<>();
    private final List<Thread> readers = new ArrayList<>();
    private volatile boolean running = true;

    /**
     * @param readers reader threads; 0 reads on the caller's thread (an embedded database has no round trip to save)
     * @param readAll reads the given keys with one query
     */
    public GroupRead(String name, int readers, Function<Set<K>, Map<K, V>> readAll) {
        this.readAll = readAll;
        for (int i = 0; i < readers; i++) {
            this.readers.add(Thread.ofVirtual().name("herald-" + name + "-reader-" + i).start(this::loop));
        }
    }

    /** What is found for {@code keys}; throws what the query threw. */
    public Map<K, V> read(List<K> keys) {
        if (keys.isEmpty()) return Map.of();
        if (!running) throw new IllegalStateException("Herald is stopping");
        if (readers.isEmpty() || keys.size() >= MAX_KEYS) return readAll.apply(new LinkedHashSet<>(keys));
        Job<K, V> job = new Job<>(keys, new CompletableFuture<>());
        queue.add(job);
        return Workers.await(job.done(), "reading");
    }

    /** Lookups handed over and not yet taken by a reader. */
    int waiting() {
        return queue.size();
    }

    private void loop() {
        List<Job<K, V>> batch = new ArrayList<>();
        Set<K> keys = new LinkedHashSet<>();
        while (running || !queue.isEmpty()) {
            try {
                Job<K, V> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                keys.addAll(first.keys());
                Job<K, V> next;
                while (keys.size() < MAX_KEYS && (next = queue.poll()) != null) {
                    batch.add(next);
                    keys.addAll(next.keys());
                }
                answer(batch, keys);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
                keys.clear();
            }
        }
    }

    private void answer(List<Job<K, V>> batch, Set<K> keys) {
        Map<K, V> found;
        try {
            found = readAll.apply(keys);
        } catch (RuntimeException e) {
            batch.forEach(j -> j.done().completeExceptionally(e));
            return;
        }
        for (Job<K, V> j : batch) {
            Map<K, V> mine = new LinkedHashMap<>();
            for (K k : j.keys()) {
                V v = found.get(k);
                if (v != null) mine.put(k, v);
            }
            j.done().complete(mine);
        }
    }

    /** Answers what is queued, then stops. */
    @Override
    public void close() {
        running = false;
        Workers.join(readers);
    }
}
