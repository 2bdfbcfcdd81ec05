package org.herald.app;

import java.util.concurrent.Callable;
import org.herald.config.ConfigDocs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "config", description = "Check the configuration, or print the table of keys.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Docs.class})
final class ConfigCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "check", description = "Load and validate the configuration; exit 2 naming the bad key.")
    static final class Check implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() {
            config.load();
            System.out.println("configuration OK");
            return 0;
        }
    }

    @Command(name = "docs", description = "Print the Markdown table of every configuration key.")
    static final class Docs implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.print(ConfigDocs.table());
            return 0;
        }
    }
}
