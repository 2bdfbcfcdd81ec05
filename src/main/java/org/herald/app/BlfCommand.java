package org.herald.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.herald.core.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "blf", description = "The BLF panel from the command line.", subcommands = BlfCommand.Show.class)
final class BlfCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "show", description = "Print every extension's state as a table (GET /api/v1/blf of a running Herald).")
    static final class Show implements Callable<Integer> {
        @Option(names = "--server", defaultValue = "${env:HERALD_SERVER:-http://127.0.0.1:8080}", description = "Herald's base URL (default ${DEFAULT-VALUE}, env HERALD_SERVER).")
        String server;

        @Option(names = "--api-key", defaultValue = "${env:HERALD_API_KEY}", description = "Server API key (env HERALD_API_KEY).")
        String apiKey;

        @Option(names = "--watch", description = "Redraw every --interval until interrupted.")
        boolean watch;

        @Option(names = "--interval", defaultValue = "1", description = "Seconds between redraws with --watch (default ${DEFAULT-VALUE}).")
        int interval;

        @Override
        public Integer call() throws Exception {
            if (apiKey == null || apiKey.isBlank()) {
                System.err.println("herald blf show: an API key is needed (--api-key or HERALD_API_KEY)");
                return 2;
            }
            try (HttpClient client = HttpClient.newHttpClient()) {
                do {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.replaceAll("/+$", "") + "/api/v1/blf"))
                            .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + apiKey).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        System.err.println("herald blf show: " + r.statusCode() + " " + r.body());
                        return 1;
                    }
                    if (watch) System.out.print("\033[H\033[2J"); // home, clear screen
                    print(Json.MAPPER.readTree(r.body()), Clock.systemUTC().instant(), System.out);
                    System.out.flush();
                    if (watch) Thread.sleep(Math.max(1, interval) * 1000L);
                } while (watch);
            }
            return 0;
        }
    }

    /** The table: one line per extension, then one per disconnected PBX. */
    static void print(JsonNode blf, Instant now, PrintStream out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"PBX", "CONTEXT", "EXTEN", "NAME", "GROUP", "STATE", "FOR"});
        for (JsonNode e : blf.path("extensions")) {
            rows.add(new String[] {e.path("pbx").asText(), e.path("context").asText(), e.path("exten").asText(),
                    e.path("name").asText("-"), e.path("group").asText("-"), e.path("state").asText(),
                    since(Instant.parse(e.path("since").asText()), now)});
        }
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) for (int i = 0; i < row.length; i++) width[i] = Math.max(width[i], row[i].length());
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) line.append(String.format("%-" + (width[i] + 2) + "s", row[i]));
            out.println(line.toString().stripTrailing());
        }
        for (JsonNode p : blf.path("pbxs")) {
            if (!p.path("connected").asBoolean()) {
                out.println("PBX " + p.path("id").asText() + " is DISCONNECTED: " + p.path("error").asText("")
                        + " (states above are the last known)");
            }
        }
    }

    private static String since(Instant since, Instant now) {
        long s = Math.max(0, Duration.between(since, now).toSeconds());
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s % 3600 / 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }
}
