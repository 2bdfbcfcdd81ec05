package org.herald.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.herald.core.Json;
import org.herald.auth.ClientTokens;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The herald command line, run as an operator would (arguments in, text and exit code out). */
class CliTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    static synchronized Run herald(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cli = new CommandLine(new Main());
            cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
                System.err.println("herald: " + e.getMessage());
                return 2;
            });
            int exit = cli.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private Path config(String extra) throws Exception {
        Path f = dir.resolve("herald.yaml");
        Files.writeString(f, "data_dir: " + dir.resolve("data") + "\nauth:\n  client_secret: " + TestHerald.CLIENT_SECRET + "\n" + extra);
        return f;
    }

    @Test
    void configCheckNamesTheBadKeyAndExitsWithTwo() throws Exception {
        Run bad = herald("config", "check", "-c", config("queue:\n  max_attempts: 0\n").toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("queue.max_attempts");
        Run good = herald("config", "check", "-c", config("").toString());
        assertThat(good.exit()).isZero();
        assertThat(good.out()).contains("configuration OK");
    }

    @Test
    void migrateCreatesTheSchemaAndKeysCreatePrintsAKeyTheServerThenAccepts() throws Exception {
        Path cfg = config("");
        Run migrate = herald("migrate", "-c", cfg.toString());
        assertThat(migrate.exit()).as(migrate.err()).isZero();
        assertThat(migrate.out()).contains("schema up to date (h2)");
        Run keys = herald("keys", "create", "--name", "billing", "-c", cfg.toString());
        assertThat(keys.exit()).as(keys.err()).isZero();
        String key = keys.out().strip();
        assertThat(key).startsWith("hk_").hasSizeGreaterThan(40);

        var config = org.herald.config.ConfigLoader.load(cfg, java.util.Map.of("HERALD_PORT", "0"));
        try (HeraldServer server = new HeraldServer(config).start()) {
            var api = new org.herald.testing.ApiClient("http://127.0.0.1:" + server.port(), key);
            assertThat(api.get("/api/v1/deliveries").status()).isEqualTo(200);
            assertThat(api.as(key + "x").get("/api/v1/deliveries").status()).isEqualTo(401);
            assertThat(server.firstApiKey()).as("no first-start key when one exists").isNull();
        }
    }

    @Test
    void tokenMintsAClientTokenWithTheServersSecret() throws Exception {
        Run run = herald("token", "-c", config("").toString(), "-r", "admin:42", "--ttl", "1h", "--topic", "blf");
        assertThat(run.exit()).as(run.err()).isZero();
        var principal = new ClientTokens(TestHerald.CLIENT_SECRET, Clock.systemUTC()).verify(run.out().strip());
        assertThat(principal.recipient().toString()).isEqualTo("admin:42");
        assertThat(principal.topics()).containsExactly("blf");
    }

    @Test
    void sendPostsANotificationToARunningServer() {
        try (TestHerald herald = TestHerald.start()) {
            Run run = herald("send", "--server", herald.baseUrl(), "--api-key", TestHerald.API_KEY, "--to", "admin:1,admin:2",
                    "--title", "Payment", "--text", "Client 1001 paid", "--priority", "8", "--data", "{\"uid\":1001}");
            assertThat(run.exit()).as(run.err()).isZero();
            var answer = Json.MAPPER.readTree(run.out());
            assertThat(answer.get("deliveries")).hasSize(2);
            var stored = herald.api().get("/api/v1/notifications/" + answer.get("id").asText()).json();
            assertThat(stored.get("priority").asInt()).isEqualTo(8);
            assertThat(stored.get("data").get("uid").asInt()).isEqualTo(1001);

            Run refused = herald("send", "--server", herald.baseUrl(), "--api-key", "wrong-key-wrong-key", "--to", "admin:1", "--text", "x");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("unauthorized");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
