package org.herald.http;

import io.vertx.core.http.HttpServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.herald.core.Json;

/** Every error answer has the body {@code {"error":code,"message":text,"field":name}} (field only when there is one). */
public final class JsonErrors {
    private JsonErrors() {}

    public static void send(HttpServerResponse response, int status, String code, String message, String field) {
        if (response.ended() || response.closed()) return;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        if (field != null) body.put("field", field);
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    public static void send(HttpServerResponse response, ApiException e) {
        send(response, e.status(), e.code(), e.getMessage(), e.field());
    }
}
