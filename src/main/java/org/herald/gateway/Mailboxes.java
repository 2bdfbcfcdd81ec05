package org.herald.gateway;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.herald.config.GatewayConfig;
import org.herald.store.IncomingStore;

/**
 * The mailboxes Herald reads, one per gateway whose settings name one; {@link #replace} follows a reload (SIGHUP):
 * the old readers stop and the configured ones start, so added, removed and changed gateways all take effect.
 */
public final class Mailboxes implements AutoCloseable {
    private final IncomingStore incoming;
    private final Clock clock;
    private List<MailInbox> running = List.of();

    public Mailboxes(List<GatewayConfig> gateways, IncomingStore incoming, Clock clock) {
        this.incoming = incoming;
        this.clock = clock;
        replace(gateways);
    }

    public synchronized void replace(List<GatewayConfig> gateways) {
        running.forEach(MailInbox::close);
        List<MailInbox> fresh = new ArrayList<>();
        for (GatewayConfig g : gateways) {
            if (!MailInbox.wanted(g)) continue;
            MailInbox mailbox = new MailInbox(g, incoming, clock);
            mailbox.start();
            fresh.add(mailbox);
        }
        running = List.copyOf(fresh);
    }

    public synchronized int size() {
        return running.size();
    }

    @Override
    public synchronized void close() {
        running.forEach(MailInbox::close);
        running = List.of();
    }
}
