package org.herald.channel.gateway;

import org.herald.channel.Channel;
import org.herald.core.Delivery;
import org.herald.core.Notification;
import org.herald.core.InvalidRequestException;
import org.herald.core.Outcome;
import org.herald.gateway.Gateway;
import org.herald.gateway.GatewayRegistry;
import org.herald.gateway.OutgoingMessage;
import org.herald.gateway.SendResult;
import org.herald.pipeline.RecipientContent;
import org.herald.pipeline.Templates;
import org.herald.store.ClaimedDelivery;
import org.herald.store.Recipient;
import org.herald.store.RecipientStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel served by gateways (email, sms): to the recipient's contact of that kind, through the gateway of its
 * provider (the notification's {@code provider}, else the recipient's); when that gateway fails an attempt, through
 * its fallback — in the same attempt, or from the attempt after {@code fallback_after} failed ones. The subject is the
 * title, the body the text, in the recipient's language when the notification came from a template (a template
 * that fails to render for them fails the delivery with the template's error).
 */
public final class GatewayChannel implements Channel {
    public static final String EMAIL = "email";
    public static final String SMS = "sms";
    private static final Logger log = LoggerFactory.getLogger(GatewayChannel.class);

    private final String name;
    private final String contact;
    private final GatewayRegistry gateways;
    private final RecipientStore recipients;
    private final RecipientContent content;

    /**
     * @param contact the recipient's contact it sends to ({@code email}, {@code phone})
     * @param content renders templated notifications in the recipient's language
     */
    public GatewayChannel(String name, String contact, GatewayRegistry gateways, RecipientStore recipients, RecipientContent content) {
        this.name = name;
        this.contact = contact;
        this.gateways = gateways;
        this.recipients = recipients;
        this.content = content;
    }

    /**
     * The channels gateways serve: {@code email} and {@code sms} always (gateways can appear on reload; without one
     * they skip deliveries like a disabled channel), and one per other channel a configured module names (xmpp …),
     * sending to the recipient's contact of the module's {@code contact} setting. Those are fixed at start.
     */
    public static java.util.List<GatewayChannel> all(java.util.List<org.herald.config.GatewayConfig> configured,
                                                     GatewayRegistry gateways, RecipientStore recipients, RecipientContent content) {
        java.util.Map<String, GatewayChannel> out = new java.util.LinkedHashMap<>();
        out.put(EMAIL, email(gateways, recipients, content));
        out.put(SMS, sms(gateways, recipients, content));
        for (var g : configured) {
            String contact = g.settings().getOrDefault("contact", org.herald.gateway.module.ModuleGateway.defaultContact(g.channel()));
            out.computeIfAbsent(g.channel(), name -> new GatewayChannel(name, contact, gateways, recipients, content));
        }
        return java.util.List.copyOf(out.values());
    }

    public static GatewayChannel email(GatewayRegistry gateways, RecipientStore recipients, RecipientContent content) {
        return new GatewayChannel(EMAIL, "email", gateways, recipients, content);
    }

    public static GatewayChannel sms(GatewayRegistry gateways, RecipientStore recipients, RecipientContent content) {
        return new GatewayChannel(SMS, "phone", gateways, recipients, content);
    }

    @Override
    public String name() {
        return name;
    }

    /** Only while a gateway serves the channel (gateways come and go with a reload). */
    @Override
    public boolean enabled() {
        return gateways.serves(name);
    }

    @Override
    public String requiredContact() {
        return contact;
    }

    @Override
    public Outcome deliver(ClaimedDelivery c) throws InterruptedException {
        Delivery d = c.delivery();
        Notification n = c.notification();
        Recipient r = recipients.find(d.recipient()).orElse(null);
        Object address = r == null ? null : r.contacts().get(contact);
        if (address == null || address.toString().isBlank()) return Outcome.permanent("recipient has no " + contact + " contact");
        String provider = n.provider() != null ? n.provider() : r.provider();
        Gateway g = gateways.choose(name, provider).orElse(null);
        if (g == null) return Outcome.permanent("no " + name + " gateway for provider " + (provider == null ? "(none)" : provider));
        java.util.Map<String, String> contacts = new java.util.LinkedHashMap<>();
        r.contacts().forEach((k, v) -> {
            if (v != null) contacts.put(k, v.toString());
        });
        Templates.Rendered body;
        try {
            body = content.of(n, r.lang());
        } catch (InvalidRequestException e) {
            return Outcome.permanent(e.getMessage());
        }
        OutgoingMessage m = new OutgoingMessage(d.id(), address.toString(), body.title(), body.text(), body.html(), contacts);
        var fallback = gateways.fallbackOf(g);
        int failoverAfter = gateways.fallbackAfter(g);
        SendResult result;
        if (fallback.isPresent() && failoverAfter > 0 && d.attempts() > failoverAfter) {
            log.info("delivery {}: {} failed {} attempts; attempt {} goes through {}", d.id(), g.id(), failoverAfter, d.attempts(),
                    fallback.get().id());
            g = fallback.get();
            result = gateways.send(g, m);
        } else {
            result = gateways.send(g, m);
            // a permanent failure will not get better by retrying here: over to the fallback at once
            if (!(result instanceof SendResult.Accepted) && fallback.isPresent()
                    && (failoverAfter == 0 || result instanceof SendResult.Permanent)) {
                log.info("gateway {} failed for delivery {} ({}); trying {}", g.id(), d.id(), reason(result), fallback.get().id());
                g = fallback.get();
                result = gateways.send(g, m);
            }
        }
        return switch (result) {
            case SendResult.Accepted a -> Outcome.sent(g.id());
            case SendResult.Temporary t -> Outcome.retry(t.reason());
            case SendResult.Deferred later -> Outcome.retryAfter(later.reason(), later.after());
            case SendResult.Permanent p -> Outcome.permanent(p.reason());
        };
    }

    private static String reason(SendResult r) {
        return switch (r) {
            case SendResult.Accepted a -> "accepted";
            case SendResult.Temporary t -> t.reason();
            case SendResult.Deferred later -> later.reason();
            case SendResult.Permanent p -> p.reason();
        };
    }
}
