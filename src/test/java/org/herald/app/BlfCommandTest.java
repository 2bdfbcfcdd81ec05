package org.herald.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.herald.core.Json;
import org.herald.testing.AmiTestServer;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.Test;

/** {@code herald blf show}: the seed's viewer tool, reading a running Herald. */
class BlfCommandTest {
    @Test
    void showPrintsOneLinePerExtensionAndFlagsADisconnectedPbx() {
        try (AmiTestServer pbx = AmiTestServer.start("blfpanel", "s3cret")) {
            pbx.addHint("internal", "101", "Custom:101", AmiTestServer.INUSE);
            pbx.addHint("internal", "102", "Custom:102", AmiTestServer.IDLE);
            try (TestHerald herald = TestHerald.builder()
                    .env("HERALD_BLF_PBXS", Json.write(List.of(Map.of("id", "main", "port", pbx.port(), "username", "blfpanel", "secret", "s3cret"))))
                    .env("HERALD_BLF_OPERATORS", "[{\"exten\":\"101\",\"name\":\"Alice\",\"group\":\"Sales\"}]")
                    .start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> herald.api().get("/api/v1/blf").json().get("extensions").size() == 2);

                CliTest.Run run = CliTest.herald("blf", "show", "--server", herald.baseUrl(), "--api-key", TestHerald.API_KEY);
                assertThat(run.exit()).as(run.err()).isZero();
                List<String> lines = run.out().lines().toList();
                assertThat(lines.get(0)).matches("PBX\\s+CONTEXT\\s+EXTEN\\s+NAME\\s+GROUP\\s+STATE\\s+FOR");
                assertThat(lines.get(1)).matches("main\\s+internal\\s+101\\s+Alice\\s+Sales\\s+inuse\\s+\\d+:\\d\\d");
                assertThat(lines.get(2)).matches("main\\s+internal\\s+102\\s+-\\s+-\\s+idle\\s+\\d+:\\d\\d");
                assertThat(lines).hasSize(3);

                pbx.stop();
                await().atMost(Duration.ofSeconds(10)).until(() -> !herald.api().get("/api/v1/blf").json().get("pbx_connected").asBoolean());
                CliTest.Run down = CliTest.herald("blf", "show", "--server", herald.baseUrl(), "--api-key", TestHerald.API_KEY);
                assertThat(down.out()).contains("PBX main is DISCONNECTED").contains("Alice");

                CliTest.Run noKey = CliTest.herald("blf", "show", "--server", herald.baseUrl(), "--api-key", "wrong-key-0123456789");
                assertThat(noKey.exit()).isEqualTo(1);
                assertThat(noKey.err()).contains("401");
            }
        }
    }

    @Test
    void watchRedrawsTheTableAsStatesChangeUntilStopped() throws Exception {
        try (AmiTestServer pbx = AmiTestServer.start("blfpanel", "s3cret")) {
            pbx.addHint("internal", "201", "Custom:201", AmiTestServer.IDLE);
            try (TestHerald herald = TestHerald.builder()
                    .env("HERALD_BLF_PBXS", Json.write(List.of(Map.of("id", "main", "port", pbx.port(), "username", "blfpanel", "secret", "s3cret"))))
                    .start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> herald.api().get("/api/v1/blf").json().get("extensions").size() == 1);
                // a separate process, as an operator runs it in a terminal: it only ends when stopped
                String javaCommand = ProcessHandle.current().info().command().orElse("java");
                Process watch = new ProcessBuilder(javaCommand, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                        "blf", "show", "--watch", "--interval", "1", "--server", herald.baseUrl(), "--api-key", TestHerald.API_KEY)
                        .redirectErrorStream(true).start();
                StringBuffer screen = new StringBuffer();
                Thread.ofVirtual().start(() -> {
                    try (var in = new java.io.InputStreamReader(watch.getInputStream(), java.nio.charset.StandardCharsets.UTF_8)) {
                        char[] buf = new char[4096];
                        for (int n; (n = in.read(buf)) >= 0; ) screen.append(buf, 0, n);
                    } catch (java.io.IOException ignored) {
                        // the process was stopped
                    }
                });
                try {
                    await().atMost(Duration.ofSeconds(20)).until(() -> screen.toString().matches("(?s).*201\\s+-\\s+-\\s+idle.*"));
                    pbx.setState("internal", "201", AmiTestServer.RINGING);
                    // a later redraw, after a clear screen, shows the new state
                    await().atMost(Duration.ofSeconds(20)).until(() -> {
                        String s = screen.toString();
                        int lastClear = s.lastIndexOf("\033[H\033[2J");
                        return lastClear > 0 && s.substring(lastClear).matches("(?s).*201\\s+-\\s+-\\s+ringing.*");
                    });
                    assertThat(watch.isAlive()).isTrue();
                } finally {
                    watch.destroy();
                    watch.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                }
            }
        }
    }
}
