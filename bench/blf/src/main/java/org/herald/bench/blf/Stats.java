package org.herald.bench.blf;

import java.util.Arrays;

/** Percentiles of latencies in nanoseconds, printed in milliseconds. */
final class Stats {
    private final long[] sorted;

    Stats(long[] values, int count) {
        this.sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
    }

    static Stats of(long[] values) {
        return new Stats(values, values.length);
    }

    int count() {
        return sorted.length;
    }

    /** Nearest-rank percentile (p in 0..100) in ns; -1 when empty. */
    long percentile(double p) {
        if (sorted.length == 0) return -1;
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    long max() {
        return sorted.length == 0 ? -1 : sorted[sorted.length - 1];
    }

    static String ms(long nanos) {
        return nanos < 0 ? "n/a" : String.format("%.2f", nanos / 1e6);
    }

    /** "p50 / p99 / max" in ms. */
    String summary() {
        return ms(percentile(50)) + " / " + ms(percentile(99)) + " / " + ms(max()) + " ms";
    }
}
