package org.herald.store;

import java.time.Instant;
import java.util.Map;

/** One notification in a recipient's in-app inbox. Its id is the id of the inbox delivery that put it there. */
public record InboxItem(String id, String notificationId, String type, String title, String text,
                        Map<String, Object> data, Instant createdAt, Instant readAt) {}
