package org.herald.channel.webpush;

import java.time.Clock;
import org.herald.config.WebPushConfig;
import org.herald.core.Durations;
import org.herald.store.Database;
import org.herald.store.PushMessageStore;
import org.herald.store.PushSubscriptionStore;

/** The parts of the Web Push channel that the routes and the clean-up job share, built from the configuration. */
public record WebPush(VapidKeys keys, EndpointPolicy endpoints, PushSubscriptionStore subscriptions,
                      PushMessageStore messages, WebPushChannel channel, PushCleanup cleanup) {

    public static WebPush create(WebPushConfig w, VapidKeys keys, Database database, Clock clock) {
        var subscriptions = new PushSubscriptionStore(database, clock);
        var messages = new PushMessageStore(database, clock);
        var sender = new PushSender(new VapidJwt(keys, w.subject(), clock), Durations.parse(w.timeout()),
                w.maxConcurrencyPerService(), clock);
        var endpoints = new EndpointPolicy(w.allowedEndpoints());
        var channel = new WebPushChannel(subscriptions, messages, sender, endpoints, w.fetchMode(),
                Durations.parse(w.messageTtl()), clock);
        var cleanup = new PushCleanup(subscriptions, messages, Durations.parse(w.subscriptionMaxAge()), clock);
        return new WebPush(keys, endpoints, subscriptions, messages, channel, cleanup);
    }
}
