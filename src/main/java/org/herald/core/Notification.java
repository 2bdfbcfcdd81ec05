package org.herald.core;

import java.time.Instant;
import java.util.Map;

/**
 * What a billing system asked Herald to tell: one notification fans out into deliveries. {@code html} is the HTML
 * form of the text when a template has one (email sends both); null otherwise.
 */
public record Notification(
        String id,
        String type,
        String title,
        String text,
        String html,
        Map<String, Object> data,
        String template,
        String lang,
        int priority,
        String provider,
        Instant createdAt,
        Instant sendAt,
        Instant expiresAt) {
}
