package org.herald.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.herald.config.ConfigException;
import org.herald.config.HeraldConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Start the server (embedded defaults: H2 under ./data, HTTP on 8080).")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--pid-file", paramLabel = "FILE", description = "Write the process id here; removed on stop.")
    Path pidFile;

    @Override
    public Integer call() throws Exception {
        HeraldConfig cfg;
        try {
            cfg = config.load();
        } catch (ConfigException e) {
            System.err.println("herald: " + e.getMessage());
            return 2;
        }
        HeraldServer server = new HeraldServer(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            deletePidFile();
            stopped.countDown();
        }, "herald-shutdown"));
        try {
            server.start();
        } catch (ConfigException e) {
            server.close();
            System.err.println("herald: " + e.getMessage());
            return 2;
        }
        onHangUp(server, config);
        if (pidFile != null) Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
        if (server.firstApiKey() != null) {
            System.out.println();
            System.out.println("  First start: a server API key was created. It is shown only this once:");
            System.out.println();
            System.out.println("      " + server.firstApiKey());
            System.out.println();
            System.out.println("  Use it as 'Authorization: Bearer <key>'. More keys: herald keys create");
            System.out.println();
            System.out.flush();
        }
        stopped.await();
        return 0;
    }

    /**
     * SIGHUP (systemctl reload, logrotate's postrotate): reopen the log file and re-read what Herald reads from files
     * at start (the BLF operators CSV). A platform without the signal keeps running without it.
     */
    @SuppressWarnings("restriction")
    private static void onHangUp(HeraldServer server, ConfigOption config) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> Thread.ofVirtual().start(() -> {
                HeraldConfig fresh;
                try {
                    fresh = config.load();
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(ServeCommand.class).error("reload refused, the configuration is invalid: {}", e.getMessage());
                    server.reload();
                    return;
                }
                server.reload(fresh);
            }));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            org.slf4j.LoggerFactory.getLogger(ServeCommand.class).warn("SIGHUP cannot be handled here: {}", e.getMessage());
        }
    }

    private void deletePidFile() {
        if (pidFile == null) return;
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // nothing useful to do while stopping
        }
    }
}
