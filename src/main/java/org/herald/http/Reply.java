package org.herald.http;

import java.util.Map;

/**
 * What a handler answers: a status, a body and extra headers. A body that is not {@code raw} is serialized as JSON;
 * a raw body is a ready string sent with {@code contentType}.
 */
public record Reply(int status, Object body, boolean raw, String contentType, Map<String, String> headers) {
    private static final String JSON = "application/json";

    public static Reply ok(Object body) {
        return status(200, body);
    }

    public static Reply status(int status, Object body) {
        return new Reply(status, body, false, JSON, Map.of());
    }

    public static Reply rawJson(int status, String json, Map<String, String> headers) {
        return new Reply(status, json, true, JSON, headers);
    }

    public static Reply text(String contentType, String text) {
        return new Reply(200, text, true, contentType, Map.of());
    }

    public static Reply noContent() {
        return new Reply(204, null, false, JSON, Map.of());
    }
}
