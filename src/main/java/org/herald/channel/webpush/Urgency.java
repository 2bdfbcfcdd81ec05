package org.herald.channel.webpush;

/** RFC 8030 §5.3 urgency, from a notification's priority (0 bulk … 9 most urgent). */
public enum Urgency {
    VERY_LOW("very-low"), LOW("low"), NORMAL("normal"), HIGH("high");

    private final String word;

    Urgency(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    /** 0–1 very-low, 2–3 low, 4–6 normal (the default 5 among them), 7–9 high. */
    public static Urgency ofPriority(int priority) {
        if (priority <= 1) return VERY_LOW;
        if (priority <= 3) return LOW;
        if (priority <= 6) return NORMAL;
        return HIGH;
    }
}
