package org.herald.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * One Herald server running as a separate OS process ({@code java -jar target/herald.jar serve}), configured only
 * through {@code HERALD_*} environment variables, with its output in a log file. Tests talk to it over HTTP with the
 * fixed server API key {@link #API_KEY}.
 *
 * <p>Tests that use it should register {@link LogsOnFailure}: when a test fails, the first warnings and the tail of
 * the log of every process it started are printed and attached to the failure, the whole logs are kept under
 * {@code target/it-logs/}, and processes still running after a test are killed.
 */
public final class HeraldProcess implements AutoCloseable {
    public static final String API_KEY = "herald-it-server-key-0123456789abcdef";
    public static final String CLIENT_SECRET = "herald-it-client-secret-0123456789abcdef0123456789";
    public static final ObjectMapper JSON = new ObjectMapper();

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    /** Processes started by the running test (and not yet cleaned up by {@link LogsOnFailure}), alive or not. */
    private static final List<HeraldProcess> STARTED = new CopyOnWriteArrayList<>();

    static {
        // A test JVM that dies must not leave servers behind holding ports and database connections.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(p -> p.process.destroyForcibly()),
                "herald-it-cleanup"));
    }

    private final String name;
    private final Path logFile;
    private final int port;
    private final Process process;
    private final HttpClient http;
    private final URI base;

    private HeraldProcess(String name, Path logFile, int port, Process process) {
        this.name = name;
        this.logFile = logFile;
        this.port = port;
        this.process = process;
        this.base = URI.create("http://127.0.0.1:" + port);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * Settings for a node whose state lives in {@code workDir} (data directory {@code workDir/data}, log files).
     * Queue timings are short for tests: lease 5 s, attempt timeout 2 s, sweep every 500 ms, poll every 100 ms.
     */
    public static Builder builder(String nodeId, Path workDir) {
        return new Builder(nodeId, workDir);
    }

    public static final class Builder {
        private final String nodeId;
        private final Path workDir;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>(List.of("-XX:+UseSerialGC", "-Xmx512m"));
        private final List<String> serveArgs = new ArrayList<>();

        private Builder(String nodeId, Path workDir) {
            this.nodeId = nodeId;
            this.workDir = workDir;
            env.put("HERALD_DATA_DIR", workDir.resolve("data").toString());
            env.put("HERALD_API_KEY", API_KEY);
            env.put("HERALD_CLIENT_SECRET", CLIENT_SECRET);
            env.put("HERALD_QUEUE_NODE_ID", nodeId);
            env.put("HERALD_QUEUE_LEASE", "5s");
            env.put("HERALD_QUEUE_ATTEMPT_TIMEOUT", "2s");
            env.put("HERALD_QUEUE_SWEEP_INTERVAL", "500ms");
            env.put("HERALD_QUEUE_POLL_INTERVAL", "100ms");
            env.put("HERALD_QUEUE_SHUTDOWN_GRACE", "5s");
        }

        /** A shared database instead of the embedded H2 file database under the data directory. */
        public Builder database(String jdbcUrl, String user) {
            env.put("HERALD_DB_URL", jdbcUrl);
            env.put("HERALD_DB_USER", user);
            return this;
        }

        /** Options of {@code herald serve}, e.g. {@code --pid-file}. */
        public Builder serveArgs(String... args) {
            serveArgs.addAll(List.of(args));
            return this;
        }

        /** Any other setting, by its environment variable (see {@code ./herald config docs}). */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /**
         * Starts the process and waits until {@code GET /health/ready} answers 200. The free port is chosen just before
         * the start; should another process take it meanwhile, the start is repeated on another port.
         */
        public HeraldProcess start() {
            for (int attempt = 1; ; attempt++) {
                try {
                    return startOnce();
                } catch (PortTaken e) {
                    if (attempt == 3) throw e;
                }
            }
        }

        private HeraldProcess startOnce() {
            try {
                Files.createDirectories(workDir);
                int port = freePort();
                Path log = logFileFor(nodeId, workDir);
                List<String> command = new ArrayList<>();
                command.add(javaExecutable());
                command.addAll(jvmArgs);
                command.add("-jar");
                command.add(heraldJar().toString());
                command.add("serve");
                command.addAll(serveArgs);
                ProcessBuilder pb = new ProcessBuilder(command)
                        .directory(workDir.toFile()) // no stray ./herald.yaml gets picked up
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                Map<String, String> processEnv = pb.environment();
                processEnv.keySet().removeIf(k -> k.startsWith("HERALD_")); // only what this test sets
                processEnv.putAll(env);
                processEnv.put("HERALD_HTTP_HOST", "127.0.0.1");
                processEnv.put("HERALD_PORT", Integer.toString(port));
                HeraldProcess p = new HeraldProcess(nodeId, log, port, pb.start());
                STARTED.add(p);
                p.awaitReady();
                return p;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static Path logFileFor(String nodeId, Path dir) {
            for (int i = 1; ; i++) {
                Path candidate = dir.resolve("herald-" + nodeId + (i == 1 ? "" : "-" + i) + ".log");
                if (!Files.exists(candidate)) return candidate;
            }
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    // ---------------------------------------------------------------------------------------------- lifecycle

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String message = "Herald " + name + " exited with status " + process.exitValue() + " before it was ready\n" + logTail(60);
                if (log().contains("cannot listen on")) throw new PortTaken(message);
                throw new IllegalStateException(message);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/health/ready"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
            } catch (ConnectException e) {
                // not listening yet
            } catch (IOException e) {
                // starting up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Herald " + name, e);
            }
            sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("Herald " + name + " was not ready within " + READY_TIMEOUT.toSeconds() + " s\n" + logTail(60));
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or released. Returns the exit status (137). */
    public int kill() {
        process.destroyForcibly(); // on Linux: kill(pid, SIGKILL)
        return awaitExit(Duration.ofSeconds(10));
    }

    /**
     * SIGTERM: Herald's shutdown hook stops the listener, lets in-flight attempts finish and releases its claims.
     * Falls back to SIGKILL after 30 s. Returns the exit status.
     */
    public int stop() {
        if (!process.isAlive()) return process.exitValue();
        process.destroy();
        try {
            if (process.waitFor(30, TimeUnit.SECONDS)) return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.err.println("Herald " + name + " did not stop within 30 s after SIGTERM; killing it\n" + logTail(40));
        return kill();
    }

    private int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("Herald " + name + " (pid " + process.pid() + ") did not exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        stop();
    }

    // ---------------------------------------------------------------------------------------------- HTTP

    /** A JSON request with the server API key; the body, when not null, is serialized with Jackson. */
    public HttpResponse<String> send(String method, String path, Object body, Map<String, String> headers)
            throws IOException, InterruptedException {
        return send(method, path, body, headers, "Bearer " + API_KEY);
    }

    public HttpResponse<String> send(String method, String path, Object body, Map<String, String> headers, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (authorization != null) b.header("Authorization", authorization);
        headers.forEach(b::header);
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** GET with the server key; fails unless the answer is 200. */
    public JsonNode getJson(String path) {
        try {
            HttpResponse<String> r = send("GET", path, null, Map.of());
            if (r.statusCode() != 200) {
                throw new AssertionError("GET " + path + " on " + name + " answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " on " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------- logs

    /** The last {@code lines} lines of this process's output. */
    public String logTail(int lines) {
        try {
            if (!Files.exists(logFile)) return "(no log file " + logFile + ")";
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
            return "----- last " + tail.size() + " lines of " + logFile + " -----\n" + String.join("\n", tail) + "\n-----";
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + logFile + ": " + e + ")";
        }
    }

    /** Lines of the log at WARN or ERROR level (Herald's text log format). */
    public List<String> warningsAndErrors() {
        try {
            return log().lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
        } catch (UncheckedIOException e) {
            return List.of("(could not read " + logFile + ": " + e.getCause() + ")");
        }
    }

    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "Herald " + name + " (pid " + process.pid() + ", port " + port + ")";
    }

    /**
     * JUnit extension: on a failing test, prints the first warnings and the log tails of the Herald processes the test
     * started, attaches them to the failure and copies the whole logs to {@code target/it-logs/}; after each test,
     * kills whatever it left running.
     */
    public static final class LogsOnFailure implements TestExecutionExceptionHandler, AfterEachCallback {
        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
            StringBuilder logs = new StringBuilder();
            Path keep = heraldJar().getParent().resolve("it-logs")
                    .resolve(context.getRequiredTestClass().getSimpleName() + "-" + System.currentTimeMillis());
            for (HeraldProcess p : STARTED) {
                List<String> problems = p.warningsAndErrors();
                logs.append('\n').append(p).append(p.isAlive() ? "" : " (exited)").append('\n')
                        .append("----- first WARN/ERROR lines -----\n")
                        .append(String.join("\n", problems.subList(0, Math.min(10, problems.size())))).append('\n')
                        .append(p.logTail(80)).append('\n');
                try {
                    Files.createDirectories(keep);
                    Files.copy(p.logFile, keep.resolve(p.logFile.getFileName()));
                    logs.append("(whole log kept as ").append(keep.resolve(p.logFile.getFileName())).append(")\n");
                } catch (IOException | RuntimeException e) {
                    logs.append("(could not keep the log: ").append(e).append(")\n");
                }
            }
            if (!logs.isEmpty()) {
                System.err.println("Herald process logs for failed test " + context.getDisplayName() + ":" + logs);
                failure.addSuppressed(new LogTail(logs.toString()));
            }
            throw failure;
        }

        @Override
        public void afterEach(ExtensionContext context) {
            for (HeraldProcess p : STARTED) {
                if (p.isAlive()) p.process.destroyForcibly();
                STARTED.remove(p);
            }
        }
    }

    private static final class PortTaken extends IllegalStateException {
        PortTaken(String message) {
            super(message);
        }
    }

    private static final class LogTail extends RuntimeException {
        LogTail(String logs) {
            super("Herald process output:" + logs, null, false, false);
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    static Path heraldJar() {
        String prop = System.getProperty("herald.jar");
        Path jar = prop != null ? Path.of(prop) : Path.of("target", "herald.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no Herald jar at " + jar.toAbsolutePath() + " (run ./mvnw package first; "
                    + "failsafe passes it as system property herald.jar)");
        }
        return jar.toAbsolutePath();
    }

    /** The java of the test JVM itself. */
    static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
