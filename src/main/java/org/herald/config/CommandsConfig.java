package org.herald.config;

import java.util.List;
import java.util.Objects;

public record CommandsConfig(
        @Doc("The allow-list: programs that may be run in the background (a list of {name, path, args, max_timeout}). "
                + "Empty: POST /api/v1/commands refuses every command.")
        List<CommandProgramConfig> programs,
        @Doc("Commands running at once; more wait in `queued`.")
        Integer maxConcurrent,
        @Doc("Output kept per command (stdout and stderr together); the rest is read and dropped (`truncated`).")
        Integer maxOutputBytes) {

    public static final int DEFAULT_MAX_CONCURRENT = 4;
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;

    public CommandsConfig {
        programs = programs == null ? List.of() : List.copyOf(programs);
        maxConcurrent = Objects.requireNonNullElse(maxConcurrent, DEFAULT_MAX_CONCURRENT);
        maxOutputBytes = Objects.requireNonNullElse(maxOutputBytes, DEFAULT_MAX_OUTPUT_BYTES);
    }
}
