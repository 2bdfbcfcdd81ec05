package org.herald.core;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time-ordered ids (UUID version 7, RFC 9562): the 48-bit millisecond time, then a 12-bit counter so that ids made
 * by this process are strictly increasing even within one millisecond (method 1 of RFC 9562 §6.2), then 62 random
 * bits that keep ids of different nodes apart. Sorting ids as strings sorts them by creation.
 */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** millis << 12 | counter of the last id made. */
    private static final AtomicLong LAST = new AtomicLong();

    private Ids() {}

    public static String newId(Clock clock) {
        long now = clock.millis() << 12;
        long stamp = LAST.updateAndGet(prev -> Math.max(prev + 1, now));
        long millis = stamp >>> 12;
        long counter = stamp & 0x0FFFL;
        long msb = (millis << 16) | 0x7000L | counter;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
