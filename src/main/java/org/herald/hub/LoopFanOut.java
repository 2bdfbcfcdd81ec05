package org.herald.hub;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Writes topic events to the subscribers of one event loop, in one of two ways:
 * <ul>
 *   <li>When the loop has nothing waiting for its {@link LoopFlusher}, an event goes out connection by connection,
 *       each written and flushed at once, a chunk at a time with the loop's I/O in between: the first subscribers get
 *       it within a millisecond instead of after the whole write pass.</li>
 *   <li>When another event arrives before that is through, or frames already wait for the flusher, the rest is
 *       written without flushing and the flusher sends whatever piled up for a connection in one {@code write(2)}:
 *       under back-to-back events the system call is most of what a delivery costs.</li>
 * </ul>
 * Per connection the events keep their order either way. Confined to its event loop.
 */
final class LoopFanOut {
    private static final PerLoop<LoopFanOut> OF_LOOP = new PerLoop<>(LoopFanOut::new);

    private final EventExecutor loop;
    private final LoopFlusher flusher;
    /** The event being sent connection by connection (one reference held), or null. */
    private ByteBuf frame;
    private Session[] sessions;
    private int next;
    /** Tells a scheduled chunk whether its fan-out is still the current one. */
    private long generation;

    private LoopFanOut(EventExecutor loop) {
        this.loop = loop;
        this.flusher = LoopFlusher.current(loop);
    }

    /** The fan-out of the loop this is called on. */
    static LoopFanOut current(EventExecutor loop) {
        return OF_LOOP.get(loop);
    }

    /** An event for these sessions of this loop; takes over one reference to the encoded frame. */
    void publish(ByteBuf encoded, Session[] subscribers) {
        if (frame != null) writeRestUnflushed();
        if (flusher.isBusy()) {
            writeForNextFlush(encoded, subscribers);
            return;
        }
        frame = encoded;
        sessions = subscribers;
        next = 0;
        chunk(++generation);
    }

    /**
     * Writes the event to every session, each flushed at its loop's next coalesced flush; takes over one reference to
     * the encoded frame. Call on the sessions' loop.
     */
    static void writeForNextFlush(ByteBuf encoded, Session[] subscribers) {
        try {
            for (Session s : subscribers) s.writeOnLoop(encoded.retainedDuplicate());
        } finally {
            encoded.release();
        }
    }

    private void chunk(long of) {
        if (of != generation || frame == null) return;
        int end = Math.min(next + LoopFlusher.CHUNK, sessions.length);
        while (next < end) sessions[next++].writeNowOnLoop(frame.retainedDuplicate());
        if (next < sessions.length) {
            // a scheduled task runs after the loop's next I/O pass: a publish read there takes over the rest
            loop.schedule(() -> chunk(of), 0, TimeUnit.NANOSECONDS);
        } else {
            done();
        }
    }

    private void writeRestUnflushed() {
        while (next < sessions.length) sessions[next++].writeOnLoop(frame.retainedDuplicate());
        done();
    }

    private void done() {
        frame.release();
        frame = null;
        sessions = null;
    }
}
