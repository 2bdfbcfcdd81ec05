package org.herald.channel.inbox;

import org.herald.channel.Channel;
import org.herald.core.Outcome;
import org.herald.store.ClaimedDelivery;
import org.herald.store.InboxStore;

/** Puts the notification into the recipient's in-app inbox; stored there it counts as delivered. */
public final class InboxChannel implements Channel {
    public static final String NAME = "inbox";

    private final InboxStore inbox;

    public InboxChannel(InboxStore inbox) {
        this.inbox = inbox;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Outcome deliver(ClaimedDelivery c) {
        inbox.add(c.delivery().id(), c.delivery().recipient(), c.notification());
        return Outcome.delivered(NAME);
    }
}
