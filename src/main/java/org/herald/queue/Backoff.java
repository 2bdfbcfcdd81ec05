package org.herald.queue;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Exponential back-off with "equal jitter": the delay before attempt n+1 is base·2^(n-1) capped at max, of which the
 * upper half is random. Retries of many deliveries that failed together spread out instead of arriving as one wave.
 */
public final class Backoff {
    private final Duration base;
    private final Duration max;
    private final LongUnaryOperator random;

    /** @param random given a bound n, returns a value in [0, n) */
    public Backoff(Duration base, Duration max, LongUnaryOperator random) {
        this.base = base;
        this.max = max;
        this.random = random;
    }

    /** Delay after the {@code attempt}-th failed attempt (1-based). */
    public Duration after(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        long ceiling = Math.min(max.toMillis(), base.toMillis() << shift);
        long half = ceiling / 2;
        return Duration.ofMillis(half + (half > 0 ? random.applyAsLong(half + 1) : 0));
    }
}
