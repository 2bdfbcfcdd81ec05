package org.herald.core;

import java.util.Locale;

/** The life of a delivery. Wire words are the lower-case names (see api.md). */
public enum DeliveryStatus {
    QUEUED, SENDING, SENT, DELIVERED, READ, FAILED, EXPIRED, SKIPPED, CANCELLED;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeliveryStatus fromWord(String word) {
        for (DeliveryStatus s : values()) {
            if (s.word().equals(word)) return s;
        }
        throw new IllegalArgumentException("unknown delivery status '" + word + "'");
    }

    /** A final status never changes again through dispatch (read may still follow delivered/sent). */
    public boolean isFinal() {
        return switch (this) {
            case QUEUED, SENDING -> false;
            default -> true;
        };
    }
}
