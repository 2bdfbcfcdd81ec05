package org.herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;

/** An HTTP answer as a test sees it: status, parsed JSON body (or null) and headers. */
public record ApiResponse(int status, JsonNode json, String text, HttpHeaders headers) {
    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
        return status + " " + text;
    }
}
