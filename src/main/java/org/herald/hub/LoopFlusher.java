package org.herald.hub;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Flushes the connections of one event loop that have frames written but not sent, a chunk at a time. Between two
 * chunks the loop goes back to its sockets and its task queue, so a publish that arrives while thousands of
 * connections wait for their flush adds its frame to theirs: under load one {@code write(2)} carries several frames
 * (the system call is most of the cost of a delivery); when idle the first chunk runs right after the write pass.
 * Confined to its event loop.
 */
final class LoopFlusher implements Runnable {
    /** Connections flushed before the loop reads its sockets again; a chunk takes about 2 ms. */
    static final int CHUNK = 256;
    private static final PerLoop<LoopFlusher> OF_LOOP = new PerLoop<>(LoopFlusher::new);

    private final EventExecutor loop;
    private final ArrayDeque<WebSocketTransport> pending = new ArrayDeque<>();
    private boolean scheduled;

    private LoopFlusher(EventExecutor loop) {
        this.loop = loop;
    }

    /** The flusher of the loop this is called on. */
    static LoopFlusher current(EventExecutor loop) {
        return OF_LOOP.get(loop);
    }

    /** Whether connections wait for their flush (a new event then joins them rather than flushing on its own). */
    boolean isBusy() {
        return !pending.isEmpty();
    }

    /** Queues a connection that has just got its first unflushed frame. */
    void add(WebSocketTransport transport) {
        pending.add(transport);
        if (!scheduled) {
            scheduled = true;
            loop.execute(this);
        }
    }

    @Override
    public void run() {
        for (int i = 0; i < CHUNK; i++) {
            WebSocketTransport t = pending.poll();
            if (t == null) {
                scheduled = false;
                return;
            }
            t.flush();
        }
        if (pending.isEmpty()) {
            scheduled = false;
        } else {
            // a scheduled task runs after the loop's next I/O pass, a plain task before it
            loop.schedule(this, 0, TimeUnit.NANOSECONDS);
        }
    }
}
