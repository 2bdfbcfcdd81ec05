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
        return reserve(nowNanos, Long.MAX_VALUE);
    }

    /**
     * Like {@link #reserve(long)}, but reserves nothing and returns -1 when the next free slot is more than
     * {@code maxWaitNanos} away.
     */
    synchronized long reserve(long nowNanos, long maxWaitNanos) {
        long slot = !started || nextFree - nowNanos < 0 ? nowNanos : nextFree;
        if (slot - nowNanos > maxWaitNanos) return -1;
        started = true;
        nextFree = slot + intervalNanos;
        return slot - nowNanos;
    }

    /** How long until the next free slot (0: now). */
    synchronized long nextFreeIn(long nowNanos) {
        return !started || nextFree - nowNanos < 0 ? 0 : nextFree - nowNanos;
    }
}
