package org.herald.core;

import java.time.Duration;

/** What a channel reports about one attempt. */
public sealed interface Outcome {
    /** Handed over to the channel or gateway; a later report may mark it delivered. */
    record Sent(String gateway) implements Outcome {}

    /** The recipient (or the gateway) confirmed delivery. */
    record Delivered(String gateway) implements Outcome {}

    /** A transient failure: try again after the dispatcher's back-off, or after {@code after} when given. */
    record Retry(String error, Duration after) implements Outcome {}

    /** A failure that retrying cannot fix (bad address, rejected content): the delivery fails now. */
    record PermanentFailure(String error) implements Outcome {}

    /**
     * The recipient cannot be reached now but will reach Herald (a browser that is offline): the delivery waits,
     * not counted as failed, until the recipient shows up or its time to live passes.
     */
    record Waiting(String reason) implements Outcome {}

    static Outcome sent(String gateway) { return new Sent(gateway); }
    static Outcome delivered(String gateway) { return new Delivered(gateway); }
    static Outcome retry(String error) { return new Retry(error, null); }
    static Outcome retryAfter(String error, Duration after) { return new Retry(error, after); }
    static Outcome permanent(String error) { return new PermanentFailure(error); }
    static Outcome waiting(String reason) { return new Waiting(reason); }
}
