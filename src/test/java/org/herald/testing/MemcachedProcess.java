package org.herald.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.MemcachedClient;

/** A real memcached (Debian's binary) on a free port for one test, stopped when closed. */
public final class MemcachedProcess implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/memcached");
    private final Process process;
    private final int port;
    private final MemcachedClient client;

    private MemcachedProcess(Process process, int port) throws IOException {
        this.process = process;
        this.port = port;
        this.client = new MemcachedClient(new InetSocketAddress("127.0.0.1", port));
    }

    public static MemcachedProcess start() throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("The BLF tests need memcached at " + BINARY + ": apt-get install -y memcached (CI installs it)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(BINARY.toString(), "-l", "127.0.0.1", "-p", Integer.toString(port), "-U", "0", "-m", "16")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        if ("root".equals(System.getProperty("user.name"))) pb.command().addAll(java.util.List.of("-u", "root"));
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) throw new IllegalStateException("memcached did not start on " + port);
                Thread.sleep(20);
            }
        }
        return new MemcachedProcess(p, port);
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public String get(String key) {
        Object v = client.get(key);
        return v == null ? null : v.toString();
    }

    @Override
    public void close() {
        client.shutdown(1, TimeUnit.SECONDS);
        process.destroy();
    }
}
