package org.herald.config;

import java.util.List;

public record WebhookConfig(
        @Doc("URL that receives the events as POSTed JSON (http or https).")
        String url,
        @Doc(value = "Key of the HMAC-SHA256 in the X-Herald-Signature header.", secret = true)
        String secret,
        @Doc("Events sent to this URL: delivery.status, incoming.message. Empty: all.")
        List<String> events) {

    public WebhookConfig {
        events = events == null ? List.of() : List.copyOf(events);
    }

    public boolean wants(String event) {
        return events.isEmpty() || events.contains(event);
    }
}
