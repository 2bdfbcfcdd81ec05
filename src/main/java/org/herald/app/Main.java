package org.herald.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code herald} command line. */
@Command(name = "herald", mixinStandardHelpOptions = true, version = "Herald 0.1.0",
        description = "Self-hosted notification server.",
        subcommands = {ServeCommand.class, SendCommand.class, KeysCommand.class, TokenCommand.class, VapidCommand.class, BlfCommand.class, GwheraldCommand.class,
                MigrateCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("herald: " + e.getMessage());
            return 2;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
