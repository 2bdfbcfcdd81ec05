package org.herald.channel.webpush;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.herald.core.Delivery;
import org.herald.core.Json;
import org.herald.core.Notification;

/**
 * What the service worker shows for one delivery: {@code {"id","notification","type","title","text","icon","url","tag"}}.
 * {@code icon}, {@code url} and {@code tag} come from the notification's {@code data} when it has them; the tag
 * defaults to the notification id, so a push that arrives twice (delivery is at least once) replaces itself in the
 * browser's notification list instead of showing twice.
 */
public final class PushMessage {
    /** RFC 8030 §5.4: at most 32 characters of the URL-safe base64 alphabet. */
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private PushMessage() {}

    public static Map<String, Object> of(Delivery d, Notification n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("notification", n.id());
        m.put("type", n.type());
        if (n.title() != null) m.put("title", n.title());
        if (n.text() != null) m.put("text", n.text());
        Map<String, Object> data = n.data() == null ? Map.of() : n.data();
        putString(m, "icon", data.get("icon"));
        putString(m, "url", data.get("url"));
        Object tag = data.get("tag");
        m.put("tag", tag instanceof String s && !s.isBlank() ? s : n.id());
        return m;
    }

    public static byte[] json(Map<String, Object> message) {
        return Json.write(message).getBytes(StandardCharsets.UTF_8);
    }

    /** The small push of fetch mode: it tells the service worker to fetch its messages from Herald. */
    public static byte[] fetchPointer(String contactId) {
        return Json.write(Map.of("fetch", true, "contact_id", contactId)).getBytes(StandardCharsets.UTF_8);
    }

    /** The Topic header (a collapse key) from {@code data.collapse_key}, when it is a valid one. */
    public static String topic(Notification n) {
        Object key = n.data() == null ? null : n.data().get("collapse_key");
        return key instanceof String s && TOPIC.matcher(s).matches() ? s : null;
    }

    private static void putString(Map<String, Object> m, String key, Object value) {
        if (value instanceof String s && !s.isBlank()) m.put(key, s);
    }
}
