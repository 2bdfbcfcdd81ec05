package org.herald.channel.inbox;

import org.herald.channel.Channel;
import org.herald.core.Outcome;
import org.herald.store.ClaimedDelivery;
import org.herald.store.GroupCommit;
import org.herald.store.InboxStore;

/** Puts the notification into the recipient's in-app inbox; stored there it counts as delivered. */
public final class InboxChannel implements Channel {
    public static final String NAME = "inbox";

    private final GroupCommit<InboxStore.NewItem> writer;

    /** @param writer stores inbox items in group commits (concurrent attempts share one transaction) */
    public InboxChannel(GroupCommit<InboxStore.NewItem> writer) {
        this.writer = writer;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Outcome deliver(ClaimedDelivery c) {
        writer.insert(new InboxStore.NewItem(c.delivery().id(), c.delivery().recipient(), c.notification()));
        return Outcome.delivered(NAME);
    }
}
