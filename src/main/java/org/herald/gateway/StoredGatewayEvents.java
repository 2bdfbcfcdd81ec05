package org.herald.gateway;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.herald.core.Ids;
import org.herald.store.DeliveryStore;
import org.herald.store.GatewayMessageStore;
import org.herald.store.IncomingMessage;
import org.herald.store.IncomingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Gateway reports written to the database: message ids, receipts as delivery status, incoming messages. */
public final class StoredGatewayEvents implements GatewayEvents {
    private static final Logger log = LoggerFactory.getLogger(StoredGatewayEvents.class);
    /** A receipt may overtake the write of its message id (the SMSC answers the submit and reports at once). */
    private static final Duration RECEIPT_WAIT = Duration.ofSeconds(5);
    /** SMSCs give up on a message within days; ids older than this are forgotten. */
    static final Duration KEEP_IDS = Duration.ofDays(14);
    private static final Duration CLEANUP_EVERY = Duration.ofHours(1);

    private final GatewayMessageStore messages;
    private final java.util.function.Consumer<GatewayMessageStore.Sent> writer;
    private final DeliveryStore deliveries;
    private final IncomingStore incoming;
    private final Clock clock;
    private final java.util.concurrent.atomic.AtomicLong nextCleanup = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param writer stores a send's message ids, returning once they are committed (a group commit in the server:
     *               many sends, one transaction)
     */
    public StoredGatewayEvents(GatewayMessageStore messages, java.util.function.Consumer<GatewayMessageStore.Sent> writer,
                               DeliveryStore deliveries, IncomingStore incoming, Clock clock) {
        this.messages = messages;
        this.writer = writer;
        this.deliveries = deliveries;
        this.incoming = incoming;
        this.clock = clock;
    }

    @Override
    public void sentAs(String gateway, List<String> messageIds, String deliveryId) {
        writer.accept(new GatewayMessageStore.Sent(gateway, messageIds, deliveryId));
        long now = clock.millis(), due = nextCleanup.get();
        if (now >= due && nextCleanup.compareAndSet(due, now + CLEANUP_EVERY.toMillis())) {
            int n = messages.forgetBefore(now - KEEP_IDS.toMillis());
            if (n > 0) log.debug("forgot {} gateway message ids older than {}", n, KEEP_IDS);
        }
    }

    @Override
    public void receipt(String gateway, String messageId, boolean delivered, String error) {
        Optional<String> delivery = messages.deliveryOf(gateway, messageId);
        if (delivery.isEmpty()) {
            Thread.ofVirtual().name("receipt-" + gateway).start(() -> laterReceipt(gateway, messageId, delivered, error));
            return;
        }
        apply(gateway, messageId, delivery.get(), delivered, error);
    }

    private void laterReceipt(String gateway, String messageId, boolean delivered, String error) {
        long deadline = System.nanoTime() + RECEIPT_WAIT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Thread.sleep(100);
                Optional<String> delivery = messages.deliveryOf(gateway, messageId);
                if (delivery.isPresent()) {
                    apply(gateway, messageId, delivery.get(), delivered, error);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        log.warn("gateway {}: a receipt for message {} matches no delivery Herald sent; ignored", gateway, messageId);
    }

    private void apply(String gateway, String messageId, String deliveryId, boolean delivered, String error) {
        boolean changed = delivered ? deliveries.markDelivered(deliveryId)
                : deliveries.markFailed(deliveryId, gateway + ": " + error);
        log.debug("gateway {}: receipt for {} (delivery {}): {}{}", gateway, messageId, deliveryId,
                delivered ? "delivered" : "failed: " + error, changed ? "" : " (status unchanged)");
    }

    @Override
    public void incoming(String gateway, String channel, String sender, String recipient, String subject, String body, String externalId) {
        incoming.add(new IncomingMessage(Ids.newId(clock), gateway, channel, sender, recipient, subject, body, externalId, null,
                clock.instant()));
    }
}
