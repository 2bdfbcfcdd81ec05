package org.herald.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * A real Redis (Debian's redis-server) of one test, on a free port, without persistence: a test can stop it and
 * start it again on the same port, and finds it empty then, as after a crash of a Redis without a disk.
 */
public final class RedisProcess implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/redis-server");
    private final int port;
    private Process process;

    private RedisProcess(int port) {
        this.port = port;
    }

    public static RedisProcess start() throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("the cluster tests need redis-server at " + BINARY + ": apt-get install -y redis-server");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisProcess r = new RedisProcess(port);
        r.startAgain();
        return r;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** SIGKILL: clients see their connections drop; all data is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public void startAgain() throws Exception {
        process = new ProcessBuilder(List.of(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--protected-mode", "no"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (RedisClient c = RedisClient.create(url()); StatefulRedisConnection<String, String> conn = c.connect()) {
                conn.sync().ping();
                return;
            } catch (RuntimeException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) throw new IllegalStateException("redis-server did not start on " + port);
                Thread.sleep(50);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) kill();
    }
}
