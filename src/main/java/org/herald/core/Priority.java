package org.herald.core;

/** Notification priority: 0 (bulk) to 9 (most urgent). */
public final class Priority {
    public static final int MIN = 0;
    public static final int MAX = 9;
    public static final int DEFAULT = 5;

    private Priority() {}

    public static boolean isValid(int p) {
        return p >= MIN && p <= MAX;
    }
}
