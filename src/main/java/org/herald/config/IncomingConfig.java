package org.herald.config;

import java.util.List;

public record IncomingConfig(
        @Doc("Recipients (e.g. `admin:1`) told of every incoming message (email reply, SMS) by an `incoming.message` "
                + "notification, so the billing system's operators see it in their inbox. Empty: nobody is told; the "
                + "messages are still stored, listed and sent to webhooks.")
        List<String> notifyRecipients,
        @Doc("Channels of those notifications (the recipients' subscriptions still apply).")
        List<String> notifyChannels) {

    public static final List<String> DEFAULT_NOTIFY_CHANNELS = List.of("inbox");

    public IncomingConfig {
        notifyRecipients = notifyRecipients == null ? List.of() : List.copyOf(notifyRecipients);
        notifyChannels = notifyChannels == null || notifyChannels.isEmpty() ? DEFAULT_NOTIFY_CHANNELS : List.copyOf(notifyChannels);
    }
}
