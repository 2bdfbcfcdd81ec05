package org.herald.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.RoutingContext;
import org.herald.core.Json;

/** Reads request bodies and query parameters, refusing malformed ones with a JSON error. */
public final class Bodies {
    private Bodies() {}

    public static JsonNode json(RoutingContext ctx) {
        var buffer = ctx.body().buffer();
        if (buffer == null || buffer.length() == 0) throw new ApiException(400, "malformed_json", "the request body must be JSON");
        try {
            return Json.MAPPER.readTree(buffer.getBytes());
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "malformed_json", "the body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (java.io.IOException e) {
            throw new ApiException(400, "malformed_json", "the body could not be read");
        }
    }

    public static int limit(RoutingContext ctx, int dflt, int max) {
        String v = ctx.queryParams().get("limit");
        if (v == null) return dflt;
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // falls through to the error below
        }
        throw new ApiException(400, "invalid_parameter", "limit must be a whole number from 1 to " + max, "limit");
    }

    public static boolean bool(RoutingContext ctx, String name) {
        String v = ctx.queryParams().get(name);
        if (v == null) return false;
        return switch (v) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new ApiException(400, "invalid_parameter", name + " must be true or false", name);
        };
    }
}
