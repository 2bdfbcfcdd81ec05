package org.herald.telephony;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.MemcachedClient;
import org.herald.core.Json;

/**
 * Copies the BLF states to memcached for viewers written against the source's design (they read the cache, not the
 * PBX). Keys, with the configured prefix (default {@code herald:blf:}):
 * <ul>
 *   <li>{@code <prefix><pbx>:<context>:<exten>}: the extension as JSON, the shape of {@code GET /api/v1/blf};</li>
 *   <li>{@code <prefix>status:<exten>}: the bare Asterisk status code ({@code 0}, {@code 1}, {@code 8} …) as text;</li>
 *   <li>{@code <prefix>all}: the whole panel as JSON, rewritten at most every 250 ms.</li>
 * </ul>
 * Removed extensions' keys are deleted. Writes never expire; a memcached restart is refilled by the next change and
 * by the periodic rewrite of {@code all}. The state's listeners run under its lock (which the event loop also takes),
 * so changes are only noted here, latest value per key, and written by this exporter's own thread: a slow or dead
 * memcached delays the copy, never the panel, and what waits is bounded by the number of keys.
 */
public final class MemcachedExport implements BlfState.Listener, AutoCloseable {
    static final long ALL_INTERVAL_MS = 250;

    private final MemcachedClient client;
    private final String prefix;
    private final BlfState state;
    private final AtomicBoolean dirty = new AtomicBoolean(true);
    private final AtomicBoolean refill = new AtomicBoolean(true);
    private final ScheduledExecutorService timer;
    /** Keys to write (a value) or delete (empty), the latest change of each; drained by {@link #writePending}. */
    private final java.util.Map<String, java.util.Optional<String>> pending = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicBoolean writeScheduled = new AtomicBoolean();

    public MemcachedExport(List<String> servers, String prefix, BlfState state) {
        // spymemcached logs to stderr by itself unless told to use SLF4J
        System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
        try {
            this.client = new MemcachedClient(AddrUtil.getAddresses(String.join(" ", servers)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up memcached " + servers, e);
        }
        this.prefix = prefix;
        this.state = state;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("blf-memcached").factory());
        timer.scheduleWithFixedDelay(this::writeAllIfDirty, 0, ALL_INTERVAL_MS, TimeUnit.MILLISECONDS);
        // a periodic full rewrite refills a memcached that restarted and lost everything
        timer.scheduleWithFixedDelay(() -> refill.set(true), 60, 60, TimeUnit.SECONDS);
    }

    @Override
    public void changed(List<Extension> extensions) {
        for (Extension e : extensions) {
            pending.put(key(e.key()), java.util.Optional.of(Json.write(e.view())));
            pending.put(prefix + "status:" + safe(e.key().exten()), java.util.Optional.of(Integer.toString(e.state().code())));
        }
        dirty.set(true);
        scheduleWrite();
    }

    @Override
    public void removed(List<ExtensionKey> keys) {
        for (ExtensionKey k : keys) {
            pending.put(key(k), java.util.Optional.empty());
            pending.put(prefix + "status:" + safe(k.exten()), java.util.Optional.empty());
        }
        dirty.set(true);
        scheduleWrite();
    }

    private void scheduleWrite() {
        if (writeScheduled.compareAndSet(false, true)) {
            try {
                timer.execute(this::writePending);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                writeScheduled.set(false);
            }
        }
    }

    /** Writes every noted key once, its latest value. */
    private void writePending() {
        writeScheduled.set(false);
        for (String key : List.copyOf(pending.keySet())) {
            java.util.Optional<String> value = pending.remove(key);
            if (value == null) continue;
            try {
                if (value.isPresent()) client.set(key, 0, value.get());
                else client.delete(key);
            } catch (RuntimeException e) {
                pending.putIfAbsent(key, value); // memcached unreachable: the periodic pass tries again
                dirty.set(true);
            }
        }
    }

    @Override
    public void pbx(BlfState.PbxStatus status) {
        dirty.set(true);
    }

    private void writeAllIfDirty() {
        boolean everything = refill.getAndSet(false);
        if (!dirty.getAndSet(false) && !everything) return;
        try {
            if (everything) changed(state.extensions());
            writePending();
            client.set(prefix + "all", 0, Json.write(state.view()));
        } catch (RuntimeException e) {
            dirty.set(true); // memcached unreachable: try again next time
        }
    }

    String key(ExtensionKey k) {
        return prefix + safe(k.pbx()) + ":" + safe(k.context()) + ":" + safe(k.exten());
    }

    /** memcached keys may not hold spaces or control characters. */
    private static String safe(String s) {
        return s.replaceAll("[\\s\\p{Cntrl}]", "_");
    }

    @Override
    public void close() {
        timer.shutdownNow();
        client.shutdown(2, TimeUnit.SECONDS);
    }
}
