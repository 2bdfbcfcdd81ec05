package org.herald.channel.webpush;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.herald.channel.Channel;
import org.herald.core.Delivery;
import org.herald.core.Json;
import org.herald.core.Outcome;
import org.herald.core.RecipientId;
import org.herald.store.ClaimedDelivery;
import org.herald.store.PushMessageStore;
import org.herald.store.PushSubscription;
import org.herald.store.PushSubscriptionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Web Push to every browser the recipient subscribed (RFC 8030/8291/8292). A delivery is {@code sent} once a push
 * service took it for at least one browser; subscriptions the service reports gone are deleted; a retried delivery
 * pushes only to the browsers that have not got it yet.
 */
public final class WebPushChannel implements Channel {
    public static final String NAME = "webpush";
    private static final Logger log = LoggerFactory.getLogger(WebPushChannel.class);

    private final PushSubscriptionStore subscriptions;
    private final PushMessageStore messages;
    private final PushSender sender;
    private final EndpointPolicy endpoints;
    private final boolean fetchMode;
    private final Duration messageTtl;
    private final Clock clock;

    public WebPushChannel(PushSubscriptionStore subscriptions, PushMessageStore messages, PushSender sender,
                          EndpointPolicy endpoints, boolean fetchMode, Duration messageTtl, Clock clock) {
        this.subscriptions = subscriptions;
        this.messages = messages;
        this.sender = sender;
        this.endpoints = endpoints;
        this.fetchMode = fetchMode;
        this.messageTtl = messageTtl;
        this.clock = clock;
        log.info("Web Push payload encryption: P-256 by {}", Ecdh.preferred().name());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<RecipientId, String> unreachable(Collection<RecipientId> recipients) {
        Set<RecipientId> subscribed = subscriptions.withSubscriptions(recipients);
        Map<RecipientId, String> out = new LinkedHashMap<>();
        for (RecipientId r : recipients) if (!subscribed.contains(r)) out.put(r, "recipient has no push subscription");
        return out;
    }

    @Override
    public Outcome deliver(ClaimedDelivery c) throws InterruptedException {
        Delivery d = c.delivery();
        List<PushSubscription> subs = subscriptions.forRecipient(d.recipient());
        if (subs.isEmpty()) return Outcome.permanent("recipient has no push subscription");
        Set<String> done = subscriptions.pushedTo(d.id());
        Map<String, Object> message = PushMessage.of(d, c.notification());
        byte[] full = PushMessage.json(message);
        boolean fetch = fetchMode || full.length > PayloadEncryption.MAX_PLAINTEXT;
        Instant now = clock.instant();
        Duration ttl = Duration.between(now, d.expiresAt());
        if (ttl.isNegative()) ttl = Duration.ZERO;
        String topic = PushMessage.topic(c.notification());
        Urgency urgency = Urgency.ofPriority(d.priority());

        int sent = done.size(), gone = 0;
        String permanent = null, retry = null, via = null;
        Duration retryAfter = null;
        for (PushSubscription s : subs) {
            if (done.contains(s.id())) continue;
            var refused = endpoints.check(s.endpoint());
            if (refused.isPresent()) {
                // stored under an older, wider webpush.allowed_endpoints: never sent to now
                subscriptions.delete(s.id());
                log.warn("push subscription {} of {} deleted: its endpoint {}", s.id(), d.recipient(), refused.get());
                permanent = "push endpoint " + refused.get();
                continue;
            }
            byte[] plaintext = full;
            if (fetch) {
                Instant keepUntil = now.plus(messageTtl).isBefore(d.expiresAt()) ? now.plus(messageTtl) : d.expiresAt();
                messages.keep(s.id(), d.id(), Json.write(message), keepUntil);
                plaintext = PushMessage.fetchPointer(s.id());
            }
            byte[] body;
            try {
                body = PayloadEncryption.encrypt(plaintext, P256.publicKey(Base64.getUrlDecoder().decode(s.p256dh())),
                        Base64.getUrlDecoder().decode(s.auth()));
            } catch (P256.InvalidPointException | IllegalArgumentException e) {
                // checked when the browser subscribed; a row that fails now was damaged: it can never be pushed to
                subscriptions.delete(s.id());
                log.warn("push subscription {} of {} has unusable keys and was deleted: {}", s.id(), d.recipient(), e.getMessage());
                permanent = "subscription " + s.id() + " has unusable keys";
                continue;
            }
            URI endpoint = URI.create(s.endpoint());
            PushResult r = sender.send(new PushSender.Push(endpoint, body, ttl, urgency, topic));
            switch (r) {
                case PushResult.Accepted a -> {
                    subscriptions.recordPush(d.id(), s.id());
                    sent++;
                    if (via == null) via = endpoint.getHost();
                }
                case PushResult.Gone g -> {
                    subscriptions.delete(s.id());
                    log.info("push subscription {} of {} is gone ({}); deleted", s.id(), d.recipient(), g.status());
                    gone++;
                    if (permanent == null) permanent = "push subscription gone: " + g.reason();
                }
                case PushResult.Rejected rej -> permanent = rej.reason();
                case PushResult.RetryLater later -> {
                    retry = later.reason();
                    if (later.after() != null && (retryAfter == null || later.after().compareTo(retryAfter) > 0)) {
                        retryAfter = later.after();
                    }
                }
            }
        }
        if (retry != null) return retryAfter != null ? Outcome.retryAfter(retry, retryAfter) : Outcome.retry(retry);
        if (sent > 0) return Outcome.sent(via != null ? via : NAME); // the gateway column names the push service
        return Outcome.permanent(permanent != null ? permanent : "no push subscription accepted the message (" + gone + " gone)");
    }
}
