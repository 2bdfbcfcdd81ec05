package org.herald.hub;

import java.util.LinkedHashMap;
import java.util.Map;
import org.herald.core.Json;
import org.herald.core.Notification;

/** The server → client frames of the WebSocket protocol (api.md), encoded once and shared by every tab. */
public final class Frames {
    private Frames() {}

    public static String notification(long seq, String deliveryId, Notification n) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", n.id());
        body.put("type", n.type());
        body.put("title", n.title());
        body.put("text", n.text());
        body.put("data", n.data());
        body.put("created_at", n.createdAt().toString());
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "notification");
        frame.put("seq", seq);
        frame.put("delivery", deliveryId);
        frame.put("notification", body);
        return Json.write(frame);
    }

    public static String connected(String recipient, long seq, boolean recovered) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "connected");
        frame.put("recipient", recipient);
        frame.put("seq", seq);
        frame.put("recovered", recovered);
        return Json.write(frame);
    }

    public static String event(String topic, Object data) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "event");
        frame.put("topic", topic);
        frame.put("data", data);
        return Json.write(frame);
    }

    public static String subscribed(String topic, Object snapshot) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "subscribed");
        frame.put("topic", topic);
        frame.put("snapshot", snapshot);
        return Json.write(frame);
    }

    public static String unsubscribed(String topic) {
        return Json.write(Map.of("type", "unsubscribed", "topic", topic));
    }

    public static String error(String code, String message) {
        return error(code, message, null, null);
    }

    /** An error about one frame of the client's, naming what it was about ({@code topic} or {@code delivery}). */
    public static String error(String code, String message, String aboutField, String aboutValue) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "error");
        frame.put("code", code);
        frame.put("message", message);
        if (aboutField != null) frame.put(aboutField, aboutValue);
        return Json.write(frame);
    }

    /** Follows the replay: the client has everything up to {@code seq} that could be sent. */
    public static String replayed(int count, long seq) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "replayed");
        frame.put("count", count);
        frame.put("seq", seq);
        return Json.write(frame);
    }

    public static final String PONG = "{\"type\":\"pong\"}";
}
