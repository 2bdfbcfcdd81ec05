package org.herald.gateway;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.herald.config.GatewayConfig;
import org.herald.core.Durations;

/**
 * SMS through a provider's HTTP API, without code: the URL, the body and the headers are Mustache templates over
 * {@code to}, {@code text}, {@code delivery_id} and the gateway's other settings ({@code {{settings.api_key}}}).
 * In the URL, values are URL-encoded; in the body they are JSON-escaped when the content type is JSON, form-encoded
 * otherwise. A 2xx answer (or the status in {@code success_status}) is success; 429 and 5xx are retried, other
 * answers fail the delivery with the provider's reply.
 */
public final class HttpSmsGateway extends ConfiguredGateway {
    static final int MAX_REASON = 300;

    private final Template url;
    private final Template body;
    private final Map<String, Template> headers = new LinkedHashMap<>();
    private final String method;
    private final String contentType;
    private final Duration timeout;
    private final HttpClient http;

    public HttpSmsGateway(GatewayConfig config) {
        super(config);
        Map<String, String> s = config.settings();
        this.method = s.getOrDefault("method", "POST").toUpperCase();
        this.contentType = s.getOrDefault("content_type", "application/x-www-form-urlencoded");
        boolean json = contentType.contains("json");
        this.url = compile("url", s.get("url"), Mustache.compiler()
                .withEscaper(v -> URLEncoder.encode(v, StandardCharsets.UTF_8)));
        this.body = s.get("body") == null ? null : compile("body", s.get("body"), Mustache.compiler()
                .withEscaper(json ? HttpSmsGateway::jsonEscape : v -> URLEncoder.encode(v, StandardCharsets.UTF_8)));
        for (Map.Entry<String, String> e : s.entrySet()) {
            if (e.getKey().startsWith("header.")) {
                headers.put(e.getKey().substring(7), compile(e.getKey(), e.getValue(), Mustache.compiler().escapeHTML(false)));
            }
        }
        this.timeout = Durations.parse(s.getOrDefault("timeout", "15s"));
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private Template compile(String what, String source, Mustache.Compiler compiler) {
        if (source == null) throw new IllegalArgumentException("gateway " + config.id() + ": settings." + what + " is required");
        try {
            return compiler.compile(source);
        } catch (MustacheException e) {
            throw new IllegalArgumentException("gateway " + config.id() + ": settings." + what + ": " + e.getMessage());
        }
    }

    @Override
    public String module() {
        return "http";
    }

    @Override
    public SendResult send(OutgoingMessage m) {
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("to", m.to());
        ctx.put("to_digits", m.to().replaceAll("\\D", ""));
        ctx.put("text", m.text() == null ? "" : m.text());
        ctx.put("subject", m.subject() == null ? "" : m.subject());
        ctx.put("delivery_id", m.deliveryId());
        ctx.put("settings", config.settings());
        HttpRequest.Builder req;
        try {
            req = HttpRequest.newBuilder(URI.create(url.execute(ctx))).timeout(timeout);
            String payload = body == null ? "" : body.execute(ctx);
            req.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(payload));
            if (body != null) req.header("Content-Type", contentType);
            for (Map.Entry<String, Template> h : headers.entrySet()) req.header(h.getKey(), h.getValue().execute(ctx));
        } catch (MustacheException | IllegalArgumentException e) {
            return new SendResult.Permanent(config.id() + ": the request templates failed: " + e.getMessage());
        }
        HttpResponse<String> r;
        try {
            r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new SendResult.Temporary(config.id() + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendResult.Temporary(config.id() + ": interrupted");
        }
        int status = r.statusCode();
        String reason = config.id() + ": HTTP " + status + reply(r.body());
        String success = config.settings().get("success_status");
        if (success != null ? success.equals(Integer.toString(status)) : status / 100 == 2) return new SendResult.Accepted(reply(r.body()).strip());
        if (status == 429 || status >= 500) return new SendResult.Temporary(reason);
        return new SendResult.Permanent(reason);
    }

    @Override
    public String check() {
        try {
            URI u = URI.create(url.execute(Map.of("to", "", "to_digits", "", "text", "", "subject", "", "delivery_id", "",
                    "settings", config.settings())));
            http.send(HttpRequest.newBuilder(u).timeout(timeout).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            return null; // any answer: the provider is reachable
        } catch (IOException | IllegalArgumentException | MustacheException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String reply(String body) {
        if (body == null || body.isBlank()) return "";
        String b = body.strip().replaceAll("\\s+", " ");
        return " " + (b.length() > MAX_REASON ? b.substring(0, MAX_REASON) + "…" : b);
    }

    static String jsonEscape(String v) {
        String quoted = org.herald.core.Json.write(v);
        return quoted.substring(1, quoted.length() - 1);
    }
}
