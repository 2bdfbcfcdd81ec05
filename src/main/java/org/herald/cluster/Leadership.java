package org.herald.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.herald.store.LeaseStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which cluster-wide duties this node has: one lease per duty in the shared database ({@link LeaseStore}), tried
 * every third of the lease by one virtual thread. A node is elected when it takes a lease and demoted when another
 * node has it. When the database cannot be asked (an error, or no answer), the node keeps a duty until the lease
 * it last renewed expires by its own clock, then steps down: only then may another node take it, so two nodes never
 * both believe they hold a duty for longer than their clocks differ. {@link #close()} steps down and releases every
 * lease held, so that a clean stop fails over at once.
 *
 * <p>Callbacks run on the leadership thread, one at a time, in order: keep them short.
 */
public final class Leadership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Leadership.class);

    /**
     * Told where this node stands on a duty once the database first answers (elected, or demoted when another node
     * has it), then on every change.
     */
    public interface Listener {
        void onElected(String name);

        void onDemoted(String name);
    }

    /** One named lease: who listens, and until when this node has it by its own clock (null: not ours). */
    private static final class Duty {
        final Listener listener;
        Instant heldUntil;
        /** Whether the listener has heard anything yet. */
        boolean told;

        Duty(Listener listener) {
            this.listener = listener;
        }
    }

    private final LeaseStore store;
    private final String holder;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Duty> duties = new LinkedHashMap<>(); // guarded by this
    /** Runs the database calls, so that a call that hangs cannot keep a duty past its lease. */
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private Thread thread;
    private volatile boolean closed;

    public Leadership(LeaseStore store, String holder, Duration ttl, Clock clock) {
        if (ttl.toMillis() < 3) throw new IllegalArgumentException("a lease of " + ttl + " is too short");
        this.store = store;
        this.holder = holder;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Asks for the lease {@code name} from the next round on (the first is at {@link #start()}). */
    public synchronized Leadership add(String name, Listener listener) {
        if (duties.putIfAbsent(name, new Duty(listener)) != null) throw new IllegalArgumentException("lease " + name + " added twice");
        return this;
    }

    /**
     * Runs the first round on the caller's thread (a lone node has its duties when this returns), then one round
     * every third of the lease on a virtual thread.
     */
    public synchronized Leadership start() {
        if (thread != null) throw new IllegalStateException("already started");
        round();
        thread = Thread.ofVirtual().name("leadership").start(this::loop);
        return this;
    }

    private void loop() {
        long period = ttl.toMillis() / 3;
        while (!closed) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            if (closed) return;
            try {
                round();
            } catch (RuntimeException e) {
                log.warn("leadership round failed: {}", e.toString());
            }
        }
    }

    /**
     * Tries to take or renew every lease once, and tells the listeners what changed. Tests call it directly with a
     * hand-moved clock.
     */
    synchronized void round() {
        Instant asked = clock.instant();
        Map<String, CompletableFuture<Boolean>> answers = new LinkedHashMap<>();
        for (String name : duties.keySet()) {
            answers.put(name, CompletableFuture.supplyAsync(() -> store.acquireOrRenew(name, holder, ttl), calls));
        }
        for (Map.Entry<String, CompletableFuture<Boolean>> a : answers.entrySet()) {
            if (closed) return;
            String name = a.getKey();
            Duty duty = duties.get(name);
            Boolean taken = answer(name, a.getValue(), duty.heldUntil);
            if (taken == null) {
                if (duty.heldUntil != null && !clock.instant().isBefore(duty.heldUntil)) {
                    log.warn("lease {}: not renewed before it expired; stepping down", name);
                    demote(name, duty);
                }
            } else if (taken) {
                boolean wasHeld = duty.heldUntil != null;
                duty.heldUntil = asked.plus(ttl);
                if (wasHeld) continue;
                log.info("lease {}: taken by this node ({})", name, holder);
                tell(name, duty, duty.listener::onElected);
            } else if (duty.heldUntil != null) {
                log.warn("lease {}: another node holds it now; stepping down", name);
                demote(name, duty);
            } else if (!duty.told) {
                log.info("lease {}: another node holds it", name);
                demote(name, duty);
            }
        }
    }

    /**
     * The database's answer, waited for until the lease held expires (or a round, when none is held); null when there
     * was none in time or it failed.
     */
    private Boolean answer(String name, CompletableFuture<Boolean> call, Instant heldUntil) {
        long waitMs = heldUntil != null ? Math.max(0, heldUntil.toEpochMilli() - clock.millis()) : ttl.toMillis() / 3;
        try {
            return call.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("lease {}: the database did not answer in {} ms", name, waitMs);
        } catch (ExecutionException e) {
            log.warn("lease {}: cannot ask the database: {}", name, e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private void demote(String name, Duty duty) {
        duty.heldUntil = null;
        tell(name, duty, duty.listener::onDemoted);
    }

    private void tell(String name, Duty duty, java.util.function.Consumer<String> callback) {
        duty.told = true;
        try {
            callback.accept(name);
        } catch (RuntimeException e) {
            log.warn("lease {}: a listener failed: {}", name, e.toString());
        }
    }

    /** Whether this node has the lease {@code name} now. */
    public synchronized boolean holds(String name) {
        Duty d = duties.get(name);
        return d != null && d.heldUntil != null;
    }

    /** Steps down from every duty held (listeners first, so the duty has stopped), then releases the leases. */
    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            for (Map.Entry<String, Duty> e : duties.entrySet()) {
                if (e.getValue().heldUntil == null) continue;
                demote(e.getKey(), e.getValue());
                try {
                    store.release(e.getKey(), holder);
                } catch (RuntimeException ex) {
                    log.warn("lease {}: not released ({}); another node takes it when it expires", e.getKey(), ex.toString());
                }
            }
        }
        calls.shutdownNow();
    }
}
