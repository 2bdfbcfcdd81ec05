package org.herald.channel;

import java.util.Collection;
import java.util.Map;
import org.herald.core.Outcome;
import org.herald.core.RecipientId;
import org.herald.store.ClaimedDelivery;

/**
 * A way to reach a recipient (browser, webpush, email, sms, inbox, external). The dispatcher calls
 * {@link #deliver} on a virtual thread for each claimed delivery of this channel; it may block.
 *
 * <p>Guarantees asked of an implementation: {@code deliver} is idempotent per delivery id (delivery is at least
 * once: after a crash the same delivery may be attempted again); it reports failures as {@link Outcome} values
 * ({@code Retry}, {@code PermanentFailure}); any exception it throws is taken as a transient failure and retried.
 */
public interface Channel {
    /** The channel's name as used in the API's {@code channels} lists. */
    String name();

    /**
     * Whether the channel can take deliveries now; when it cannot (e.g. no gateway is configured for it), new
     * deliveries on it are skipped as for a channel the server does not have. Asked at accept time.
     */
    default boolean enabled() {
        return true;
    }

    /** The contact key a recipient needs for this channel (e.g. {@code email}), or null when none is needed. */
    default String requiredContact() {
        return null;
    }

    /**
     * Of {@code recipients}, those this channel cannot reach for a reason beyond contacts (e.g. no push subscription),
     * each with the reason; their deliveries are recorded as skipped. Called once per notification at accept time.
     */
    default Map<RecipientId, String> unreachable(Collection<RecipientId> recipients) {
        return Map.of();
    }

    Outcome deliver(ClaimedDelivery delivery) throws Exception;
}
