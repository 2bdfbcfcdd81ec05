package org.herald.config;

import java.util.Objects;

public record LogConfig(
        @Doc("Log level of Herald's own loggers: error, warn, info, debug, trace.")
        String level,
        @Doc("text (one readable line per event) or json (one JSON object per line).")
        String format) {

    public LogConfig {
        level = Objects.requireNonNullElse(level, "info");
        format = Objects.requireNonNullElse(format, "text");
    }
}
