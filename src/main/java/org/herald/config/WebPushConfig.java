package org.herald.config;

import java.util.List;
import java.util.Objects;

public record WebPushConfig(
        @Doc("Turns the webpush channel on. Off: webpush deliveries are skipped and the push API answers 404.")
        Boolean enabled,
        @Doc("Contact of the operator sent to push services in every VAPID token (`sub`): a `mailto:` or `https:` URI. "
                + "Apple's service rejects placeholders; set a real one.")
        String subject,
        @Doc(value = "VAPID public key (base64url, 65-byte uncompressed P-256 point). Unset: the pair in "
                + "`<data_dir>/vapid.json`, made on first start or by `herald vapid generate`. Several nodes must share one pair.",
                aliases = "HERALD_VAPID_PUBLIC_KEY")
        String vapidPublicKey,
        @Doc(value = "VAPID private key (base64url, 32-byte scalar); set together with `vapid_public_key`.",
                aliases = "HERALD_VAPID_PRIVATE_KEY", secret = true)
        String vapidPrivateKey,
        @Doc("`payload`: the encrypted notification travels in the push (a notification too large for one push falls "
                + "back to fetch mode). `fetch`: every push carries only a pointer and the service worker fetches the "
                + "message from Herald with the subscription's secret.")
        String mode,
        @Doc("Push endpoints Herald will send to: origins `https://host[:port]`, a leading `*.` matches any subdomain. "
                + "An endpoint outside the list is refused (400) when a browser subscribes. Only add `http://` origins for tests.")
        List<String> allowedEndpoints,
        @Doc("Timeout of one request to a push service.")
        String timeout,
        @Doc("Requests in flight to one push service (origin) at a time.")
        Integer maxConcurrencyPerService,
        @Doc("Subscriptions one recipient may hold (one per browser profile); the oldest is dropped beyond it.")
        Integer maxSubscriptionsPerRecipient,
        @Doc("How long a fetch-mode message waits to be fetched before the cleanup job deletes it.")
        String messageTtl,
        @Doc("A subscription not seen (re-posted by its browser, or fetching) for this long is deleted by the cleanup job.")
        String subscriptionMaxAge,
        @Doc("How often the cleanup job runs.")
        String cleanupInterval) {

    public static final String DEFAULT_SUBJECT = "mailto:postmaster@localhost";
    public static final String DEFAULT_MODE = "payload";
    /** Chrome/Edge/Opera (FCM), Firefox (Mozilla autopush), Edge on Windows (WNS), Safari (Apple). */
    public static final List<String> DEFAULT_ALLOWED_ENDPOINTS = List.of(
            "https://fcm.googleapis.com", "https://*.push.services.mozilla.com", "https://*.notify.windows.com",
            "https://*.push.apple.com");
    public static final String DEFAULT_TIMEOUT = "10s";
    public static final int DEFAULT_MAX_CONCURRENCY_PER_SERVICE = 64;
    public static final int DEFAULT_MAX_SUBSCRIPTIONS_PER_RECIPIENT = 20;
    public static final String DEFAULT_MESSAGE_TTL = "24h";
    public static final String DEFAULT_SUBSCRIPTION_MAX_AGE = "90d";
    public static final String DEFAULT_CLEANUP_INTERVAL = "24h";

    public WebPushConfig {
        enabled = Objects.requireNonNullElse(enabled, true);
        subject = Objects.requireNonNullElse(subject, DEFAULT_SUBJECT);
        mode = Objects.requireNonNullElse(mode, DEFAULT_MODE);
        allowedEndpoints = allowedEndpoints == null ? DEFAULT_ALLOWED_ENDPOINTS : List.copyOf(allowedEndpoints);
        timeout = Objects.requireNonNullElse(timeout, DEFAULT_TIMEOUT);
        maxConcurrencyPerService = Objects.requireNonNullElse(maxConcurrencyPerService, DEFAULT_MAX_CONCURRENCY_PER_SERVICE);
        maxSubscriptionsPerRecipient = Objects.requireNonNullElse(maxSubscriptionsPerRecipient, DEFAULT_MAX_SUBSCRIPTIONS_PER_RECIPIENT);
        messageTtl = Objects.requireNonNullElse(messageTtl, DEFAULT_MESSAGE_TTL);
        subscriptionMaxAge = Objects.requireNonNullElse(subscriptionMaxAge, DEFAULT_SUBSCRIPTION_MAX_AGE);
        cleanupInterval = Objects.requireNonNullElse(cleanupInterval, DEFAULT_CLEANUP_INTERVAL);
    }

    public boolean fetchMode() {
        return "fetch".equals(mode);
    }
}
