package org.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.herald.app.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** dist/herald.service: its command line is one Herald accepts, and systemd itself finds nothing wrong with it. */
class SystemdUnitTest {
    static final Path UNIT = Path.of("dist/herald.service");

    static String value(String key) throws Exception {
        return Files.readAllLines(UNIT).stream().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError(UNIT + " has no " + key));
    }

    @Test
    void execStartRunsTheLauncherWithOptionsThatServeAccepts() throws Exception {
        List<String> argv = Arrays.asList(value("ExecStart").split(" +"));
        assertThat(argv.getFirst()).endsWith("/herald");
        CommandLine.ParseResult parsed = new CommandLine(new Main()).parseArgs(argv.subList(1, argv.size()).toArray(String[]::new));
        CommandLine.ParseResult serve = parsed.subcommand();
        assertThat(serve.commandSpec().name()).isEqualTo("serve");
        assertThat(serve.matchedOptionValue("--pid-file", (Object) null).toString()).startsWith("/run/" + value("RuntimeDirectory") + "/");
        assertThat(serve.matchedOptionValue("--config", (Object) null).toString()).isEqualTo("/etc/herald/herald.yaml");
    }

    @Test
    void theUnitReloadsWithSighupRestartsOnFailureAndIsHardened() throws Exception {
        assertThat(value("ExecReload")).isEqualTo("/bin/kill -HUP $MAINPID");
        assertThat(value("Restart")).isEqualTo("on-failure");
        assertThat(value("NoNewPrivileges")).isEqualTo("true");
        assertThat(value("ProtectSystem")).isEqualTo("strict");
        assertThat(value("StateDirectory")).isEqualTo("herald");
        assertThat(value("Environment")).isEqualTo("HERALD_DATA_DIR=/var/lib/" + value("StateDirectory"));
    }

    @Test
    void systemdAnalyzeVerifiesTheUnit(@TempDir Path dir) throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed");
        // verify insists that ExecStart exists; /opt/herald is where operations.md installs Herald, not this machine
        Path copy = dir.resolve("herald.service");
        Files.writeString(copy, Files.readString(UNIT).replace("/opt/herald/herald ", "/bin/true "));
        Process p = new ProcessBuilder(analyze.toString(), "verify", copy.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("systemd-analyze verify").isBlank();
        assertThat(p.exitValue()).isZero();
    }
}
