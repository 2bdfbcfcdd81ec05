package org.herald.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.herald.core.Durations;
import org.herald.core.InvalidRequestException;
import org.herald.core.Json;
import org.herald.core.Priority;
import org.herald.core.RecipientId;

/** Turns a request body into a {@link NotificationRequest}, or refuses it naming the field at fault. */
public final class NotificationRequestParser {
    private static final Set<String> FIELDS = Set.of("to", "type", "title", "text", "data", "template", "lang", "channels",
            "priority", "ttl", "send_at", "provider", "idempotency_key");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");
    private static final Pattern LANG = Pattern.compile("[a-z]{2,3}([-_][A-Za-z0-9]{1,8})?");
    private static final Pattern PROVIDER = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final int maxRecipients;
    private final int maxContentBytes;
    private final Duration defaultTtl;

    private static final java.util.regex.Pattern TEMPLATE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private final java.util.Set<String> knownChannels;

    /** @param knownChannels the channel names a request may name (the built-in ones and those of configured modules) */
    public NotificationRequestParser(int maxRecipients, int maxContentBytes, Duration defaultTtl, java.util.Set<String> knownChannels) {
        this.knownChannels = java.util.Set.copyOf(knownChannels);
        this.maxRecipients = maxRecipients;
        this.maxContentBytes = maxContentBytes;
        this.defaultTtl = defaultTtl;
    }

    public NotificationRequest parse(JsonNode body, String idempotencyHeader) {
        if (!(body instanceof ObjectNode obj)) throw invalid("bad_request", null, "the body must be a JSON object");
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) throw invalid("unknown_field", name, "unknown field '" + name + "'");
        }
        List<RecipientId> to = recipients(obj.get("to"));
        String type = optionalString(obj, "type");
        if (type == null) type = "message";
        else if (!TYPE.matcher(type).matches()) throw invalid("invalid_field", "type", "type must match [A-Za-z0-9][A-Za-z0-9._:-]{0,99}");
        String title = optionalString(obj, "title");
        String text = optionalString(obj, "text");
        String template = optionalString(obj, "template");
        // as in BILLmanager, a notification type has its template: {"type":"payment_received","data":{…}} is enough
        if (text == null && template == null && obj.hasNonNull("type") && TEMPLATE_NAME.matcher(type).matches()) template = type;
        if (text == null && template == null) throw invalid("missing_field", "text", "either text or template is required");
        Map<String, Object> data = null;
        JsonNode dataNode = obj.get("data");
        if (dataNode != null && !dataNode.isNull()) {
            if (!dataNode.isObject()) throw invalid("invalid_field", "data", "data must be a JSON object");
            data = Json.MAPPER.convertValue(dataNode, Json.MAPPER.getTypeFactory().constructMapType(java.util.LinkedHashMap.class, String.class, Object.class));
        }
        checkContentSize(title, text, dataNode);
        String lang = optionalString(obj, "lang");
        if (lang != null && !LANG.matcher(lang).matches()) throw invalid("invalid_field", "lang", "lang must be a language code such as 'en' or 'pt-BR'");
        List<String> channels = channels(obj.get("channels"));
        int priority = priority(obj.get("priority"));
        Duration ttl = defaultTtl;
        String ttlText = optionalString(obj, "ttl");
        if (ttlText != null) {
            try {
                ttl = Durations.parse(ttlText);
            } catch (IllegalArgumentException e) {
                throw invalid("invalid_field", "ttl", "ttl: " + e.getMessage());
            }
            if (ttl.isZero()) throw invalid("invalid_field", "ttl", "ttl must be longer than zero");
        }
        Instant sendAt = null;
        String sendAtText = optionalString(obj, "send_at");
        if (sendAtText != null) {
            try {
                sendAt = Instant.parse(sendAtText);
            } catch (DateTimeParseException e) {
                throw invalid("invalid_field", "send_at", "send_at must be an ISO-8601 UTC time such as 2026-11-23T09:00:00Z");
            }
        }
        String provider = optionalString(obj, "provider");
        if (provider != null && !PROVIDER.matcher(provider).matches()) throw invalid("invalid_field", "provider", "provider must match [A-Za-z0-9._-]{1,100}");
        String key = optionalString(obj, "idempotency_key");
        if (idempotencyHeader != null && !idempotencyHeader.isBlank()) {
            if (key != null && !key.equals(idempotencyHeader)) {
                throw invalid("invalid_field", "idempotency_key", "the Idempotency-Key header and the idempotency_key field differ");
            }
            key = idempotencyHeader;
        }
        if (key != null && (key.isEmpty() || key.length() > 200)) throw invalid("invalid_field", "idempotency_key", "idempotency_key must be 1 to 200 characters");
        return new NotificationRequest(to, type, title, text, data, template, lang, channels, priority, ttl, sendAt, provider, key);
    }

    private List<RecipientId> recipients(JsonNode node) {
        if (node == null || node.isNull()) throw invalid("missing_field", "to", "to is required: a recipient 'kind:id' or a list of them");
        List<JsonNode> items = new ArrayList<>();
        if (node.isTextual()) items.add(node);
        else if (node.isArray()) node.forEach(items::add);
        else throw invalid("invalid_field", "to", "to must be a string or a list of strings");
        if (items.isEmpty()) throw invalid("invalid_field", "to", "to must name at least one recipient");
        if (items.size() > maxRecipients) throw invalid("too_many_recipients", "to", "to names " + items.size() + " recipients; at most " + maxRecipients + " are allowed");
        LinkedHashSet<RecipientId> out = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String field = node.isArray() ? "to[" + i + "]" : "to";
            if (!item.isTextual()) throw invalid("invalid_field", field, field + " must be a string 'kind:id'");
            try {
                out.add(RecipientId.parse(item.asText()));
            } catch (IllegalArgumentException e) {
                throw invalid("invalid_recipient", field, e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private List<String> channels(JsonNode node) {
        if (node == null || node.isNull()) return null;
        if (!node.isArray()) throw invalid("invalid_field", "channels", "channels must be a list of channel names");
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isTextual() || !knownChannels.contains(item.asText())) {
                throw invalid("unknown_channel", "channels[" + i + "]", "unknown channel " + item + "; known channels: "
                        + String.join(", ", knownChannels.stream().sorted().toList()));
            }
            out.add(item.asText());
        }
        if (out.isEmpty()) throw invalid("invalid_field", "channels", "channels, when given, must name at least one channel");
        return List.copyOf(out);
    }

    private static int priority(JsonNode node) {
        if (node == null || node.isNull()) return Priority.DEFAULT;
        if (!node.isIntegralNumber() || !Priority.isValid(node.asInt()) || !node.canConvertToInt()) {
            throw invalid("invalid_field", "priority", "priority must be a whole number from 0 to 9 (9 most urgent)");
        }
        return node.asInt();
    }

    private void checkContentSize(String title, String text, JsonNode data) {
        long size = bytes(title) + bytes(text) + (data == null ? 0 : bytes(data.toString()));
        if (size > maxContentBytes) {
            String field = data != null && bytes(data.toString()) > bytes(text) ? "data" : "text";
            throw invalid("content_too_large", field, "title, text and data together are " + size
                    + " bytes; at most " + maxContentBytes + " are allowed");
        }
    }

    private static long bytes(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String optionalString(ObjectNode obj, String field) {
        JsonNode node = obj.get(field);
        if (node == null || node.isNull()) return null;
        if (!node.isTextual()) throw invalid("invalid_field", field, field + " must be a string");
        return node.asText();
    }

    private static InvalidRequestException invalid(String code, String field, String message) {
        return new InvalidRequestException(code, field, message);
    }
}
