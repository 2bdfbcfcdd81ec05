package org.herald.bench.blf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of state changes: a plan (change i sets extension ext[i] to state[i], each different from the one before
 * for that extension, so Herald never drops it as a repeat), the nanoTime at which each change was written by the
 * AMI server, and for every subscriber the nanoTime at which the matching event frame arrived. Matching is per
 * (subscriber, extension) in order: an event matches the first not yet matched change of that extension with the
 * same state; changes passed over (coalesced or out of order) are counted as skipped.
 */
final class LatencyRun {
    /** Asterisk states cycled through: inuse, ringing, idle, onhold (codes and Herald's words). */
    static final int[] CYCLE = {1, 8, 0, 16};

    final int changes;
    final int subscribers;
    final int[] ext;
    final int[] state;
    final AtomicLongArray sentNanos;
    final long[] sentEpochMicros;
    final long[][] arrived; // [subscriber][change]; 0 = not yet
    private final int[][] byExt; // change indices per extension, in order
    private final int[][] cursor; // [subscriber][extension]
    private final AtomicInteger skipped = new AtomicInteger();
    private final AtomicInteger unmatched = new AtomicInteger();
    private final AtomicInteger outstanding;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile long lastArrival;

    /**
     * @param current the AMI server's state per extension index, updated to the end state of this plan
     * @param offset  first extension index (changes go round the extensions from there)
     */
    LatencyRun(int changes, int subscribers, int[] current, int offset) {
        this.changes = changes;
        this.subscribers = subscribers;
        int n = current.length;
        ext = new int[changes];
        state = new int[changes];
        List<List<Integer>> lists = new ArrayList<>();
        for (int e = 0; e < n; e++) lists.add(new ArrayList<>());
        for (int i = 0; i < changes; i++) {
            int e = (offset + i) % n;
            ext[i] = e;
            state[i] = next(current[e]);
            current[e] = state[i];
            lists.get(e).add(i);
        }
        byExt = new int[n][];
        for (int e = 0; e < n; e++) byExt[e] = lists.get(e).stream().mapToInt(Integer::intValue).toArray();
        cursor = new int[subscribers][n];
        sentNanos = new AtomicLongArray(changes);
        sentEpochMicros = new long[changes];
        arrived = new long[subscribers][changes];
        outstanding = new AtomicInteger(changes * subscribers);
    }

    static int next(int state) {
        for (int i = 0; i < CYCLE.length; i++) if (CYCLE[i] == state) return CYCLE[(i + 1) % CYCLE.length];
        return CYCLE[0];
    }

    static String word(int code) {
        return switch (code) {
            case 0 -> "idle";
            case 1 -> "inuse";
            case 2 -> "busy";
            case 4 -> "unavailable";
            case 8 -> "ringing";
            case 9 -> "inuse_ringing";
            case 16 -> "onhold";
            case 17 -> "inuse_onhold";
            default -> "unknown";
        };
    }

    interface Sender {
        void send(int change);
    }

    /**
     * Sends every change: paced at {@code rate} per second (a schedule, not a sleep after each), or back to back
     * when rate is 0. Returns the nanoseconds the sending took.
     */
    long send(int rate, Sender sender) {
        long start = System.nanoTime();
        long period = rate > 0 ? 1_000_000_000L / rate : 0;
        for (int i = 0; i < changes; i++) {
            if (period > 0) {
                long due = start + i * period;
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) LockSupport.parkNanos(wait);
            }
            java.time.Instant now = java.time.Instant.now();
            sentEpochMicros[i] = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
            sentNanos.set(i, System.nanoTime());
            sender.send(i);
        }
        return System.nanoTime() - start;
    }

    /** A frame of topic blf arrived at subscriber {@code sub} (0-based). */
    void onEvent(int sub, JsonNode data, long arrivedAt, java.util.Map<String, Integer> extIndex) {
        if (!"state".equals(data.path("kind").asText())) return;
        for (JsonNode x : data.path("extensions")) {
            Integer e = extIndex.get(x.path("exten").asText());
            if (e == null) {
                unmatched.incrementAndGet();
                continue;
            }
            match(sub, e, x.path("state_code").asInt(), arrivedAt);
        }
    }

    /**
     * Matches an observation of (extension, state) at time t for subscriber sub (the browser run uses it too);
     * returns the change it matched, or -1.
     */
    int match(int sub, int e, int code, long t) {
        int[] list = byExt[e];
        int pos = cursor[sub][e];
        for (int j = pos; j < list.length; j++) {
            int c = list[j];
            if (state[c] == code && sentNanos.get(c) != 0) {
                arrived[sub][c] = t;
                cursor[sub][e] = j + 1;
                skipped.addAndGet(j - pos);
                outstanding.addAndGet(-(j - pos)); // passed-over changes will never match
                if (t > lastArrival) lastArrival = t;
                if (outstanding.decrementAndGet() <= 0) done.countDown();
                return c;
            }
        }
        unmatched.incrementAndGet();
        return -1;
    }

    boolean await(long seconds) throws InterruptedException {
        return done.await(seconds, TimeUnit.SECONDS);
    }

    long lastArrival() {
        return lastArrival;
    }

    int skipped() {
        return skipped.get();
    }

    int unmatched() {
        return unmatched.get();
    }

    int missing() {
        int m = 0;
        for (long[] row : arrived) for (long t : row) if (t == 0) m++;
        return m - skipped.get();
    }

    /** Latency of every (subscriber, change) delivery. */
    Stats deliveries() {
        long[] all = new long[changes * subscribers];
        int k = 0;
        for (int s = 0; s < subscribers; s++) {
            for (int i = 0; i < changes; i++) if (arrived[s][i] != 0) all[k++] = arrived[s][i] - sentNanos.get(i);
        }
        return new Stats(all, k);
    }

    /** Per change, the latency to the last subscriber (changes every subscriber received). */
    Stats lastSubscriber() {
        long[] all = new long[changes];
        int k = 0;
        outer:
        for (int i = 0; i < changes; i++) {
            long worst = 0;
            for (int s = 0; s < subscribers; s++) {
                if (arrived[s][i] == 0) continue outer;
                worst = Math.max(worst, arrived[s][i] - sentNanos.get(i));
            }
            all[k++] = worst;
        }
        return new Stats(all, k);
    }

    /** Per change, the latency to the first subscriber. */
    Stats firstSubscriber() {
        long[] all = new long[changes];
        int k = 0;
        for (int i = 0; i < changes; i++) {
            long best = Long.MAX_VALUE;
            for (int s = 0; s < subscribers; s++) if (arrived[s][i] != 0) best = Math.min(best, arrived[s][i] - sentNanos.get(i));
            if (best != Long.MAX_VALUE) all[k++] = best;
        }
        return new Stats(all, k);
    }
}
