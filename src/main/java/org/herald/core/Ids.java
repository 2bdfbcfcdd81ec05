package org.herald.core;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/** Time-ordered ids (UUID version 7): sortable by creation time as strings, unique across nodes. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String newId(Clock clock) {
        long millis = clock.millis();
        long rand = RANDOM.nextLong();
        long msb = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0FFFL);
        long lsb = (rand & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
