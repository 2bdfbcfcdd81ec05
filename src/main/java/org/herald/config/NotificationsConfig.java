package org.herald.config;

import java.util.List;
import java.util.Objects;

public record NotificationsConfig(
        @Doc("Channels used when a notification names none and the recipient has no subscription for its type.")
        List<String> defaultChannels,
        @Doc("Time to live of a notification that gives no ttl; an undelivered delivery then becomes expired.")
        String defaultTtl,
        @Doc("Largest number of recipients in one notification's `to`.")
        Integer maxRecipients,
        @Doc("Largest size in bytes of title + text + data (as JSON) of one notification; larger gets 400 on field `text`/`data`.")
        Integer maxContentBytes) {

    public static final List<String> DEFAULT_CHANNELS = List.of("inbox");
    public static final String DEFAULT_TTL = "24h";
    public static final int DEFAULT_MAX_RECIPIENTS = 1000;
    /** 64 KiB: a notification is a message, not a file transfer; it also fits a MariaDB TEXT column. */
    public static final int DEFAULT_MAX_CONTENT_BYTES = 64 * 1024;

    public NotificationsConfig {
        defaultChannels = defaultChannels == null ? DEFAULT_CHANNELS : List.copyOf(defaultChannels);
        defaultTtl = Objects.requireNonNullElse(defaultTtl, DEFAULT_TTL);
        maxRecipients = Objects.requireNonNullElse(maxRecipients, DEFAULT_MAX_RECIPIENTS);
        maxContentBytes = Objects.requireNonNullElse(maxContentBytes, DEFAULT_MAX_CONTENT_BYTES);
    }
}
