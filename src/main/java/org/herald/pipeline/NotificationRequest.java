package org.herald.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.herald.core.RecipientId;

/** A validated POST /api/v1/notifications body. {@code channels} null means "not given". */
public record NotificationRequest(
        List<RecipientId> to,
        String type,
        String title,
        String text,
        Map<String, Object> data,
        String template,
        String lang,
        List<String> channels,
        int priority,
        Duration ttl,
        Instant sendAt,
        String provider,
        String idempotencyKey) {}
