package org.herald.bench.gateways;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.herald.testing.TestSmsc;

/**
 * Gateway throughput through a real Herald process: N emails into GreenMail (SMTP), N SMS into the test SMSC
 * (SMPP), and M messages through an external module that answers at once, each gateway with the same
 * max_concurrency. Every message is accepted first with one send_at in the future, so the figure is the
 * dispatch rate from send_at until nothing of that channel is queued or sending; Herald's own attempt timer gives
 * the mean time of one send (for the module: one process run).
 *
 * <pre>java -cp … org.herald.bench.gateways.GatewayBench --java J --herald-jar JAR --work DIR [--messages N]
 *     [--module-messages M] [--concurrency C] [--herald-cpu K] [--jfr FILE]</pre>
 */
public final class GatewayBench {
    static final String API_KEY = "gateway-bench-api-key-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private String base;
    private long heraldPid;

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(Map.of("--messages", "2000", "--module-messages", "300", "--concurrency", "8",
                "--herald-cpu", "0"));
        for (int i = 0; i + 1 < args.length; i += 2) o.put(args[i], args[i + 1]);
        for (String required : List.of("--java", "--herald-jar", "--work")) {
            if (!o.containsKey(required)) throw new IllegalArgumentException(required + " is required");
        }
        new GatewayBench().run(o);
    }

    void run(Map<String, String> o) throws Exception {
        int n = Integer.parseInt(o.get("--messages"));
        int m = Integer.parseInt(o.get("--module-messages"));
        int c = Integer.parseInt(o.get("--concurrency"));
        Path work = Files.createDirectories(Path.of(o.get("--work")));
        GreenMail mail = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        TestSmsc smsc = new TestSmsc("pw");
        Path module = work.resolve("gwbench");
        Files.writeString(module, "#!/bin/sh\ncase \"$*\" in\n  *features*) echo '<doc><features><feature name=\"outgoing\"/></features></doc>' ;;\n"
                + "  *) cat > /dev/null; echo '<doc><ok/></doc>' ;;\nesac\n");
        Files.setPosixFilePermissions(module, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<Map<String, Object>> gateways = List.of(
                Map.of("id", "smtp", "channel", "email", "module", "smtp", "max_concurrency", c, "settings",
                        Map.of("host", "127.0.0.1", "port", Integer.toString(mail.getSmtp().getPort()), "security", "none",
                                "from", "bench@herald.example")),
                Map.of("id", "smsc", "channel", "sms", "module", "smpp", "max_concurrency", c, "settings",
                        Map.of("host", "127.0.0.1", "port", Integer.toString(smsc.port()), "system_id", "bench", "password", "pw",
                                "source_addr", "Bench")),
                Map.of("id", "module", "channel", "bench", "module", "external", "max_concurrency", c, "settings",
                        Map.of("program", module.toString(), "contact", "phone")),
                Map.of("id", "module-serial", "channel", "benchserial", "module", "external", "max_concurrency", 1, "settings",
                        Map.of("program", module.toString(), "contact", "phone")));
        int port = freePort();
        base = "http://127.0.0.1:" + port;
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", o.get("--herald-cpu"), o.get("--java"), "-Xmx512m"));
        if (o.containsKey("--jfr")) cmd.add("-XX:StartFlightRecording=filename=" + o.get("--jfr") + ",settings=profile");
        cmd.addAll(List.of("-jar", o.get("--herald-jar"), "serve"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("herald.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("HERALD_"));
        pb.environment().putAll(Map.of("HERALD_HTTP_HOST", "127.0.0.1", "HERALD_PORT", Integer.toString(port),
                "HERALD_DATA_DIR", work.resolve("data").toString(), "HERALD_API_KEY", API_KEY,
                "HERALD_GATEWAYS", JSON.writeValueAsString(gateways)));
        Process herald = pb.start();
        heraldPid = herald.pid();
        Files.writeString(work.resolve("herald.pid"), Long.toString(herald.pid()));
        try {
            awaitReady(herald);
            recipients(Math.max(n, m));
            List<String> rows = new ArrayList<>();
            rows.add(measure("email", "smtp → GreenMail", n, c, () -> mail.getReceivedMessages().length));
            rows.add(measure("sms", "smpp → test SMSC", n, c, smsc.submitted::size));
            rows.add(measure("bench", "external module (sh)", m, c, () -> -1));
            rows.add(measure("benchserial", "external module (sh), one at a time", m, 1, () -> -1));
            System.out.println("| channel | gateway | messages | max_concurrency | sent/s | mean attempt ms | Herald CPU ms/message | arrived | failed |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
        } finally {
            herald.destroy();
            herald.waitFor();
            mail.stop();
            smsc.close();
        }
    }

    private String measure(String channel, String label, int n, int concurrency, IntSupplier arrived) throws Exception {
        int before = arrived.getAsInt();
        double sumBefore = metric("_sum", channel), countBefore = metric("_count", channel);
        Instant sendAt = Instant.now().plusSeconds(3 + n / 500);
        for (int from = 1; from <= n; from += 500) {
            List<String> to = new ArrayList<>();
            for (int i = from; i < Math.min(from + 500, n + 1); i++) to.add("user:" + i);
            Map<String, Object> body = Map.of("to", to, "channels", List.of(channel), "title", "Bench", "text",
                    "Your balance is low: top up at https://isp.example/pay", "send_at", sendAt.toString());
            HttpResponse<String> r = call("POST", "/api/v1/notifications", JSON.writeValueAsString(body));
            if (r.statusCode() != 202) throw new IOException("accept failed: " + r.statusCode() + " " + r.body());
        }
        boolean overlapped = Instant.now().isAfter(sendAt);
        while (Instant.now().isBefore(sendAt)) Thread.sleep(5);
        long t0 = sendAt.toEpochMilli();
        long cpu0 = cpuMillis();
        while (pending(channel, "queued") || pending(channel, "sending")) Thread.sleep(20);
        double seconds = (System.currentTimeMillis() - t0) / 1000.0;
        double cpuPerMessage = (cpuMillis() - cpu0) / (double) n;
        double mean = (metric("_sum", channel) - sumBefore) / Math.max(1, metric("_count", channel) - countBefore) * 1000;
        int failed = call("GET", "/api/v1/deliveries?status=failed&channel=" + channel + "&limit=1000", null).body().split("\"id\"").length - 1;
        int got = arrived.getAsInt();
        return String.format("| %s | %s | %d | %d | %.0f%s | %.2f | %.2f | %s | %d |", channel, label, n, concurrency, n / seconds,
                overlapped ? " (accept overlapped send_at)" : "", mean, cpuPerMessage, got < 0 ? "—" : Integer.toString(got - before), failed);
    }

    /** Herald's user + system CPU time so far (its threads; not the module processes it starts), from /proc. */
    private long cpuMillis() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + heraldPid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // clock ticks of 10 ms
    }

    private boolean pending(String channel, String status) throws Exception {
        JsonNode list = JSON.readTree(call("GET", "/api/v1/deliveries?status=" + status + "&channel=" + channel + "&limit=1", null).body());
        return list.get("deliveries").size() > 0;
    }

    /** herald_delivery_attempt_seconds{channel, outcome="sent"} _sum or _count from /metrics. */
    private double metric(String suffix, String channel) throws Exception {
        String text = call("GET", "/metrics", null).body();
        Pattern p = Pattern.compile("^herald_delivery_attempt_seconds" + suffix + "\\{([^}]*)\\} ([0-9.eE+-]+)$", Pattern.MULTILINE);
        Matcher mt = p.matcher(text);
        double total = 0;
        while (mt.find()) {
            if (mt.group(1).contains("channel=\"" + channel + "\"") && mt.group(1).contains("outcome=\"sent\"")) {
                total += Double.parseDouble(mt.group(2));
            }
        }
        return total;
    }

    private void recipients(int count) throws Exception {
        Semaphore inFlight = new Semaphore(16);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                int id = i;
                inFlight.acquire();
                done.add(pool.submit(() -> {
                    try {
                        String body = String.format("{\"contacts\":{\"email\":\"client%d@isp.example\",\"phone\":\"+38050%07d\"}}", id, id);
                        HttpResponse<String> r = call("PUT", "/api/v1/recipients/user:" + id, body);
                        if (r.statusCode() / 100 != 2) throw new IOException("recipient " + id + ": " + r.statusCode() + " " + r.body());
                        return null;
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            for (Future<?> f : done) f.get();
        }
    }

    private HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + API_KEY);
        if (body != null) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitReady(Process herald) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!herald.isAlive()) throw new IOException("Herald exited; see herald.log");
            try {
                if (call("GET", "/health/ready", null).statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException("Herald not ready after 90 s");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
