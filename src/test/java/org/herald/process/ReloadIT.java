package org.herald.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Herald process as systemd runs it: the pid file, SIGHUP (the log file is reopened, as logrotate without
 * copytruncate needs) and a graceful stop on SIGTERM that removes the pid file.
 */
class ReloadIT {
    @TempDir
    Path work;

    @Test
    void aHangUpReopensTheLogFileAfterItWasRotated() throws Exception {
        Path logFile = work.resolve("logs").resolve("herald.log");
        Files.createDirectories(logFile.getParent());
        try (HeraldProcess herald = HeraldProcess.builder("reload", work.resolve("node"))
                .env("HERALD_LOG_FILE", logFile.toString()).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(logFile) && Files.readString(logFile).contains("Herald ready"));

            Path rotated = logFile.resolveSibling("herald.log.1");
            Files.move(logFile, rotated); // what logrotate does; Herald still writes to the moved file
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(herald.pid())).inheritIO().start();
            assertThat(kill.waitFor()).isZero();

            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(logFile) && Files.readString(logFile).contains("reloaded"));
            assertThat(Files.readString(rotated)).contains("Herald ready").doesNotContain("reloaded");
            assertThat(herald.isAlive()).isTrue();
        }
    }

    @Test
    void thePidFileHoldsTheProcessAndIsRemovedOnAGracefulStop() throws Exception {
        Path pidFile = work.resolve("run").resolve("herald.pid");
        Files.createDirectories(pidFile.getParent());
        HeraldProcess herald = HeraldProcess.builder("pidfile", work.resolve("node2")).serveArgs("--pid-file", pidFile.toString()).start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile));
            assertThat(Files.readString(pidFile).strip()).isEqualTo(Long.toString(herald.pid()));
            herald.stop(); // SIGTERM
            assertThat(herald.isAlive()).isFalse();
            assertThat(pidFile).doesNotExist();
            assertThat(herald.log()).contains("stopped");
        } finally {
            herald.close();
        }
    }
}
