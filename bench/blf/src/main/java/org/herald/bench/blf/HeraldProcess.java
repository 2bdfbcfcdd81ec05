package org.herald.bench.blf;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Herald server process: {@code taskset -c CPU java OPTS -jar herald.jar serve} with a fresh data directory and
 * the BLF PBX given in HERALD_BLF_PBXS; stdout and stderr go to a log file. Its pid is written to a file next to
 * the log so that run.sh's EXIT trap can stop it if this tool dies.
 */
final class HeraldProcess implements AutoCloseable {
    static final String API_KEY = "blf-bench-api-key-0123456789";
    static final String CLIENT_SECRET = "blf-bench-client-secret-0123456789abcdef";

    final int port;
    final long pid;
    final Path log;
    private final Process process;
    private final Path pidFile;

    private HeraldProcess(int port, Process process, Path log, Path pidFile) {
        this.port = port;
        this.process = process;
        this.pid = process.pid();
        this.log = log;
        this.pidFile = pidFile;
    }

    /**
     * @param name    label of this start (log and data directory names)
     * @param pbxJson value of HERALD_BLF_PBXS
     */
    static HeraldProcess start(Options o, String name, String pbxJson) throws IOException {
        int port = freePort();
        Path data = Files.createDirectories(o.work.resolve(name + "-data"));
        Path log = o.work.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", Integer.toString(o.heraldCpu), o.java));
        cmd.addAll(o.heraldJvm);
        cmd.addAll(List.of("-jar", o.heraldJar.toString(), "serve"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("HERALD_"));
        env.put("HERALD_HTTP_HOST", "127.0.0.1");
        env.put("HERALD_PORT", Integer.toString(port));
        env.put("HERALD_DATA_DIR", data.toString());
        env.put("HERALD_API_KEY", API_KEY);
        env.put("HERALD_CLIENT_SECRET", CLIENT_SECRET);
        env.put("HERALD_BLF_PBXS", pbxJson);
        Process p = pb.start();
        Path pidFile = o.work.resolve(name + ".pid");
        Files.writeString(pidFile, Long.toString(p.pid()));
        HeraldProcess h = new HeraldProcess(port, p, log, pidFile);
        h.awaitReady(Duration.ofSeconds(90));
        return h;
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    private void awaitReady(Duration timeout) throws IOException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IOException("Herald exited (" + process.exitValue() + "); see " + log);
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create(base() + "/health/ready")).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            sleep(100);
        }
        throw new IOException("Herald not ready after " + timeout.toSeconds() + " s; see " + log);
    }

    /** Runs jcmd against Herald (JFR.start / JFR.stop …); returns its output. */
    String jcmd(Options o, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(o.jcmd, Long.toString(pid)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: Herald's graceful stop
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // run.sh removes the work directory anyway
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
