package org.herald.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.herald.core.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "send", description = "Send a notification through a running Herald (POST /api/v1/notifications).")
final class SendCommand implements Callable<Integer> {
    @Option(names = "--server", defaultValue = "${env:HERALD_SERVER:-http://127.0.0.1:8080}", description = "Herald's base URL (default ${DEFAULT-VALUE}, env HERALD_SERVER).")
    String server;

    @Option(names = "--api-key", defaultValue = "${env:HERALD_API_KEY}", description = "Server API key (env HERALD_API_KEY).")
    String apiKey;

    @Option(names = "--to", required = true, split = ",", description = "Recipient(s) kind:id, comma-separated.")
    List<String> to;

    @Option(names = "--text", description = "Text of the notification.")
    String text;

    @Option(names = "--title", description = "Title.")
    String title;

    @Option(names = "--type", description = "Notification type (default message).")
    String type;

    @Option(names = "--template", description = "Template name instead of --text.")
    String template;

    @Option(names = "--channel", split = ",", description = "Channels, comma-separated (default: the recipient's subscriptions).")
    List<String> channels;

    @Option(names = "--priority", description = "0 (bulk) to 9 (most urgent).")
    Integer priority;

    @Option(names = "--ttl", description = "Time to live, e.g. 30m, 24h.")
    String ttl;

    @Option(names = "--data", description = "Data as a JSON object.")
    String data;

    @Option(names = "--idempotency-key", description = "Idempotency key.")
    String idempotencyKey;

    @Override
    public Integer call() throws Exception {
        if (apiKey == null || apiKey.isBlank()) {
            System.err.println("herald send: an API key is needed (--api-key or HERALD_API_KEY)");
            return 2;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("to", to);
        if (type != null) body.put("type", type);
        if (title != null) body.put("title", title);
        if (text != null) body.put("text", text);
        if (template != null) body.put("template", template);
        if (channels != null) body.put("channels", channels);
        if (priority != null) body.put("priority", priority);
        if (ttl != null) body.put("ttl", ttl);
        if (data != null) body.put("data", Json.MAPPER.readTree(data));
        var request = HttpRequest.newBuilder(URI.create(server.replaceAll("/+$", "") + "/api/v1/notifications"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json");
        if (idempotencyKey != null) request.header("Idempotency-Key", idempotencyKey);
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(request.POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            (response.statusCode() / 100 == 2 ? System.out : System.err).println(response.body());
            return response.statusCode() / 100 == 2 ? 0 : 1;
        }
    }
}
