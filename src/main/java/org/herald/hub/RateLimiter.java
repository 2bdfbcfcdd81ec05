package org.herald.hub;

/** A token bucket: {@code rate} tokens per second, holding at most {@code burst}. Not thread-safe (one per connection). */
final class RateLimiter {
    private final double rate;
    private final double burst;
    private double tokens;
    private long last;

    RateLimiter(double rate, double burst, long nowNanos) {
        this.rate = rate;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    boolean tryAcquire(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - last) / 1e9 * rate);
        last = nowNanos;
        if (tokens < 1) return false;
        tokens -= 1;
        return true;
    }
}
