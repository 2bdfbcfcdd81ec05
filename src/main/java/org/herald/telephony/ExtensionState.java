package org.herald.telephony;

/** The state of an extension as Asterisk reports it in ExtensionStatus ({@code Status}), with Herald's word for it. */
public enum ExtensionState {
    REMOVED(-2, "removed"),
    UNKNOWN(-1, "unknown"),
    IDLE(0, "idle"),
    INUSE(1, "inuse"),
    BUSY(2, "busy"),
    UNAVAILABLE(4, "unavailable"),
    RINGING(8, "ringing"),
    INUSE_RINGING(9, "inuse_ringing"),
    ONHOLD(16, "onhold"),
    INUSE_ONHOLD(17, "inuse_onhold");

    private final int code;
    private final String word;

    ExtensionState(int code, String word) {
        this.code = code;
        this.word = word;
    }

    public int code() {
        return code;
    }

    public String word() {
        return word;
    }

    /** The state of an AMI status code; codes Asterisk does not define map to {@link #UNKNOWN}. */
    public static ExtensionState ofCode(int code) {
        for (ExtensionState s : values()) if (s.code == code) return s;
        return UNKNOWN;
    }
}
