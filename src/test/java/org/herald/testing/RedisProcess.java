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
    private final List<String> extra;
    private Process process;

    private RedisProcess(int port, List<String> extra) {
        this.port = port;
        this.extra = extra;
    }

    public static RedisProcess start() throws Exception {
        return start(List.of());
    }

    /** With more redis-server options, e.g. {@code --replicaof 127.0.0.1 6379}. */
    public static RedisProcess start(List<String> options) throws Exception {
        RedisProcess r = new RedisProcess(freePort(), List.copyOf(options));
        r.startAgain();
        return r;
    }

    /**
     * A Sentinel (redis-server --sentinel) watching {@code master} as {@code name}, quorum 1, that calls the master
     * down after one second of silence.
     */
    public static RedisProcess sentinel(String name, RedisProcess master, Path dir) throws Exception {
        int port = freePort();
        Path conf = dir.resolve("sentinel-" + port + ".conf");
        Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\nprotected-mode no\ndir " + dir + "\n"
                + "sentinel monitor " + name + " 127.0.0.1 " + master.port() + " 1\n"
                + "sentinel down-after-milliseconds " + name + " 1000\n"
                + "sentinel failover-timeout " + name + " 5000\n");
        RedisProcess r = new RedisProcess(port, List.of(conf.toString(), "--sentinel"));
        r.startAgain();
        return r;
    }

    /**
     * A Redis Cluster of {@code shards} masters (no replicas) on free ports, its slots spread by
     * {@code redis-cli --cluster create}; the caller closes every process.
     */
    public static List<RedisProcess> cluster(int shards, Path dir) throws Exception {
        List<RedisProcess> nodes = new java.util.ArrayList<>();
        List<String> create = new java.util.ArrayList<>(List.of("/usr/bin/redis-cli", "--cluster", "create"));
        for (int i = 0; i < shards; i++) {
            int port = freePort();
            RedisProcess r = new RedisProcess(port, List.of("--cluster-enabled", "yes", "--cluster-config-file",
                    dir.resolve("nodes-" + port + ".conf").toString(), "--dir", dir.toString()));
            r.startAgain();
            nodes.add(r);
            create.add("127.0.0.1:" + port);
        }
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Process p = new ProcessBuilder(create).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException("redis-cli --cluster create failed: " + out);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (RedisProcess n : nodes) {
            while (true) {
                try (RedisClient c = RedisClient.create(n.url()); StatefulRedisConnection<String, String> conn = c.connect()) {
                    if (conn.sync().clusterInfo().contains("cluster_state:ok")) break;
                }
                if (System.nanoTime() > deadline) throw new IllegalStateException("the Redis Cluster did not become ok");
                Thread.sleep(100);
            }
        }
        return nodes;
    }

    private static int freePort() throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("the cluster tests need redis-server at " + BINARY + ": apt-get install -y redis-server");
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
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
        List<String> command = new java.util.ArrayList<>();
        command.add(BINARY.toString());
        if (extra.contains("--sentinel")) {
            command.addAll(extra);
        } else {
            command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--protected-mode", "no"));
            command.addAll(extra);
        }
        process = new ProcessBuilder(command)
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
