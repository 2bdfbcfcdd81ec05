package org.herald.config;

import java.util.List;
import java.util.Objects;

public record CommandProgramConfig(
        @Doc("The name callers use (`command` in POST /api/v1/commands).")
        String name,
        @Doc("Absolute path of the program. It is run directly (argv), never through a shell.")
        String path,
        @Doc("Arguments always put first, before the caller's.")
        List<String> args,
        @Doc("Longest run allowed (and the default timeout); then the program and its children are killed.")
        String maxTimeout) {

    public static final String DEFAULT_MAX_TIMEOUT = "60s";

    public CommandProgramConfig {
        args = args == null ? List.of() : List.copyOf(args);
        maxTimeout = Objects.requireNonNullElse(maxTimeout, DEFAULT_MAX_TIMEOUT);
    }
}
