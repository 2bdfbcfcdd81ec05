package org.herald.billmanager;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.herald.core.Json;

/** The few Herald API calls the module makes; every failure becomes a {@link ModuleFailure} naming its cause. */
public final class HeraldApi {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient http;
    private final GatewaySettings settings;

    public HeraldApi(HttpClient http, GatewaySettings settings) {
        this.http = http;
        this.settings = settings;
    }

    public record Answer(int status, JsonNode json) {}

    /** GET /health/ready, which needs no key. */
    public void ready() throws ModuleFailure {
        Answer a = send("GET", "/health/ready", null, null, false);
        if (a.status() != 200) throw failure("/health/ready", a);
    }

    /** GET /api/v1/gateways: proves the key, and lists what Herald can send through. */
    public JsonNode gateways() throws ModuleFailure {
        return expect2xx("/api/v1/gateways", send("GET", "/api/v1/gateways", null, null, true)).get("gateways");
    }

    // rid is always kind:id with the id limited to [A-Za-z0-9._@-], all of which a path segment may hold as they are.

    /** GET /api/v1/recipients/{rid}, or null when Herald has no such recipient. */
    public JsonNode recipient(String rid) throws ModuleFailure {
        String path = "/api/v1/recipients/" + rid;
        Answer a = send("GET", path, null, null, true);
        return a.status() == 404 ? null : expect2xx(path, a);
    }

    public void putRecipient(String rid, Object body) throws ModuleFailure {
        String path = "/api/v1/recipients/" + rid;
        expect2xx(path, send("PUT", path, Json.write(body), null, true));
    }

    public JsonNode postNotification(Object body, String idempotencyKey) throws ModuleFailure {
        return expect2xx("/api/v1/notifications", send("POST", "/api/v1/notifications", Json.write(body), idempotencyKey, true));
    }

    private Answer send(String method, String path, String body, String idempotencyKey, boolean authenticated) throws ModuleFailure {
        URI uri = URI.create(settings.url() + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (authenticated) b.header("Authorization", "Bearer " + settings.apiKey());
        if (idempotencyKey != null) b.header("Idempotency-Key", idempotencyKey);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(r.statusCode(), parse(r.body()));
        } catch (IOException e) {
            throw new ModuleFailure("connection", "url", "Herald at " + settings.url() + " is unreachable (" + method + " " + path + "): "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModuleFailure("connection", "url", "interrupted while calling Herald");
        }
    }

    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) return t.getClass().getSimpleName() + " " + t.getMessage();
        }
        return e instanceof java.net.ConnectException ? "cannot connect (connection refused or no route)" : e.getClass().getSimpleName();
    }

    private JsonNode expect2xx(String path, Answer a) throws ModuleFailure {
        if (a.status() / 100 != 2) throw failure(path, a);
        return a.json();
    }

    private static ModuleFailure failure(String path, Answer a) {
        String code = a.json() == null ? null : a.json().path("error").asText(null);
        String message = a.json() == null ? null : a.json().path("message").asText(null);
        String field = a.json() == null ? null : a.json().path("field").asText(null);
        String reason = "Herald answered " + a.status() + (code == null ? "" : " " + code) + " to " + path
                + (message == null ? "" : ": " + message) + (field == null ? "" : " (field " + field + ")");
        if (a.status() == 401 || a.status() == 403) return new ModuleFailure("auth", "api_key", reason + "; check the API key");
        return new ModuleFailure("herald", field != null ? field : code != null ? code : "herald", reason);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) return null;
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
