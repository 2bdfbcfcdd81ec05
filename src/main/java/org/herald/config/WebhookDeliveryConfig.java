package org.herald.config;

import java.util.Objects;

public record WebhookDeliveryConfig(
        @Doc("Attempts per webhook event before it is given up (logged with the URL and the last error).")
        Integer maxAttempts,
        @Doc("Timeout of one webhook request.")
        String timeout,
        @Doc("Back-off before the second attempt; doubles with each attempt (with jitter), at most 10 minutes.")
        String backoffBase) {

    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    public static final String DEFAULT_TIMEOUT = "10s";
    public static final String DEFAULT_BACKOFF_BASE = "2s";

    public WebhookDeliveryConfig {
        maxAttempts = Objects.requireNonNullElse(maxAttempts, DEFAULT_MAX_ATTEMPTS);
        timeout = Objects.requireNonNullElse(timeout, DEFAULT_TIMEOUT);
        backoffBase = Objects.requireNonNullElse(backoffBase, DEFAULT_BACKOFF_BASE);
    }
}
