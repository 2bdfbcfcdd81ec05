package org.herald.app;

import java.nio.file.Files;
import java.nio.file.Path;
import org.herald.config.ConfigLoader;
import org.herald.config.HeraldConfig;
import picocli.CommandLine.Option;

/** The {@code --config} option shared by the commands that read the configuration. */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML configuration file (default: $HERALD_CONFIG, else ./herald.yaml if it exists, else none)")
    Path file;

    HeraldConfig load() {
        Path f = file;
        if (f == null && System.getenv("HERALD_CONFIG") != null) f = Path.of(System.getenv("HERALD_CONFIG"));
        if (f == null && Files.isRegularFile(Path.of("herald.yaml"))) f = Path.of("herald.yaml");
        HeraldConfig config = ConfigLoader.load(f, System.getenv());
        Logging.apply(config.log());
        return config;
    }
}
