package org.herald.commands;

/** The command is not on the allow-list (403). */
public final class CommandNotAllowedException extends Exception {
    public CommandNotAllowedException(String name) {
        super("command '" + name + "' is not on the allow-list (commands.programs)");
    }
}
