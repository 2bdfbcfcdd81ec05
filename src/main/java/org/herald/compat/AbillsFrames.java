package org.herald.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.herald.core.Json;

/**
 * Herald's WebSocket frames in the form ABillS's admin page reads: a notification becomes the message object
 * ABillS would have sent (its fields from the notification's data, TYPE MESSAGE when it has none, TITLE and TEXT
 * from the notification). Frames the page has no use for (connected, replayed, pong …) become nothing.
 */
final class AbillsFrames {
    static final String PONG = "{\"DATA\":\"RESPONCE\",\"TYPE\":\"PONG\"}";

    private AbillsFrames() {}

    /** A delivery id and the message for the page, or null for a frame the page does not get. */
    record Message(String deliveryId, String json) {}

    static Message fromHerald(String heraldFrame) {
        JsonNode f;
        try {
            f = Json.MAPPER.readTree(heraldFrame);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
        if (!"notification".equals(f.path("type").asText())) return null;
        JsonNode n = f.path("notification");
        ObjectNode m = n.path("data").isObject() ? ((ObjectNode) n.get("data")).deepCopy() : Json.MAPPER.createObjectNode();
        if (!m.has("TYPE")) m.put("TYPE", "MESSAGE");
        if (!m.has("TITLE") && n.hasNonNull("title")) m.put("TITLE", n.get("title").asText());
        if (!m.has("TEXT") && n.hasNonNull("text")) m.put("TEXT", n.get("text").asText());
        return new Message(f.path("delivery").asText(null), m.toString());
    }

    static String close(String reason) {
        return "{\"TYPE\":\"close\",\"REASON\":" + Json.write(reason) + "}";
    }
}
