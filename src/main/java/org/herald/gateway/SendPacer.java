package org.herald.gateway;

/**
 * Spaces a gateway's sends to at most {@code rate} a second: each send reserves the next free slot and waits for it.
 * Slots are reserved in order, so senders are served first come, first served, and an idle gateway sends at once.
 * Thread-safe.
 */
final class SendPacer {
    private final long intervalNanos;
    private long nextFree;
    private boolean started;

    SendPacer(double ratePerSecond) {
        if (!(ratePerSecond > 0)) throw new IllegalArgumentException("rate must be above zero: " + ratePerSecond);
        this.intervalNanos = Math.max(1, Math.round(1e9 / ratePerSecond));
    }

    /** Reserves the next slot at or after {@code nowNanos}; returns how long to wait for it (0: send now). */
    synchronized long reserve(long nowNanos) {
        long slot = !started || nextFree - nowNanos < 0 ? nowNanos : nextFree;
        started = true;
        nextFree = slot + intervalNanos;
        return slot - nowNanos;
    }
}
