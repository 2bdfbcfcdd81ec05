package org.herald.channel.browser;

import org.herald.channel.Channel;
import org.herald.core.Outcome;
import org.herald.hub.Bus;
import org.herald.hub.Frames;
import org.herald.store.ClaimedDelivery;

/**
 * Live delivery into open browsers over WebSocket. An online recipient gets the notification on every open tab
 * ({@code sent}; {@code delivered} when a tab acks). An offline one: the delivery waits within its time to live and
 * is replayed when the recipient connects.
 */
public final class BrowserChannel implements Channel {
    public static final String NAME = "browser";

    private final Bus bus;

    public BrowserChannel(Bus bus) {
        this.bus = bus;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Outcome deliver(ClaimedDelivery c) {
        var d = c.delivery();
        if (d.seq() == null) return Outcome.permanent("browser delivery without a sequence number");
        int reached = bus.toRecipient(d.recipient(), d.seq(), d.id(), Frames.notification(d.seq(), d.id(), c.notification()));
        if (reached == 0) return Outcome.waiting("recipient offline; waiting for a connection");
        return Outcome.sent(NAME);
    }
}
