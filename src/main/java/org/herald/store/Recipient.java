package org.herald.store;

import java.time.Instant;
import java.util.Map;
import org.herald.core.RecipientId;

/** A registered recipient with its contacts (email, phone, …). Recipients need not be registered to get notifications. */
public record Recipient(RecipientId id, String name, String lang, String provider, Map<String, Object> contacts,
                        Instant createdAt, Instant updatedAt) {}
