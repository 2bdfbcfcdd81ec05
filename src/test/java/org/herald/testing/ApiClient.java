package org.herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.herald.core.Json;

/** A small HTTP client for tests: JSON in, {@link ApiResponse} out, with an optional bearer credential. */
public final class ApiClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String bearer;

    public ApiClient(String base, String bearer) {
        this.base = base;
        this.bearer = bearer;
    }

    public ApiClient as(String credential) {
        return new ApiClient(base, credential);
    }

    /** A client token for {@code recipient} (POST /api/v1/tokens with this client's server key), with these topics. */
    public String clientToken(String recipient, String... topics) {
        String body = org.herald.core.Json.write(java.util.Map.of("recipient", recipient, "topics", java.util.List.of(topics)));
        ApiResponse r = post("/api/v1/tokens", body);
        if (r.status() != 201) throw new IllegalStateException("no client token for " + recipient + ": " + r);
        return r.json().get("token").asText();
    }

    public ApiResponse get(String path) {
        return send("GET", path, null, null);
    }

    public ApiResponse delete(String path) {
        return send("DELETE", path, null, null);
    }

    public ApiResponse post(String path, String json) {
        return send("POST", path, json, null);
    }

    public ApiResponse post(String path, String json, String idempotencyKey) {
        return send("POST", path, json, idempotencyKey);
    }

    public ApiResponse put(String path, String json) {
        return send("PUT", path, json, null);
    }

    public ApiResponse send(String method, String path, String body, String idempotencyKey) {
        return send(method, path, body, idempotencyKey, "application/json");
    }

    /** Sends with the given Content-Type, as a tool like {@code curl -d} (form-encoded) would. */
    public ApiResponse send(String method, String path, String body, String idempotencyKey, String contentType) {
        return send(method, path, body, idempotencyKey, contentType, java.util.Map.of());
    }

    /** Sends with extra request headers. */
    public ApiResponse sendWithHeaders(String method, String path, String body, java.util.Map<String, String> headers) {
        return send(method, path, body, null, "application/json", headers);
    }

    private ApiResponse send(String method, String path, String body, String idempotencyKey, String contentType,
                             java.util.Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", contentType);
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        if (idempotencyKey != null) b.header("Idempotency-Key", idempotencyKey);
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            String ct = r.headers().firstValue("Content-Type").orElse("");
            if (ct.startsWith("application/json") && !r.body().isEmpty()) json = Json.MAPPER.readTree(r.body());
            return new ApiResponse(r.statusCode(), json, r.body(), r.headers());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
