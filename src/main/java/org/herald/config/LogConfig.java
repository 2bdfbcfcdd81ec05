package org.herald.config;

import java.util.Objects;

public record LogConfig(
        @Doc("Log level of Herald's own loggers: error, warn, info, debug, trace.")
        String level,
        @Doc("text (one readable line per event) or json (one JSON object per line).")
        String format,
        @Doc("A file to log to instead of standard error (appended to; rotate it with logrotate's copytruncate). "
                + "Unset: standard error, which systemd's journal collects.")
        String file) {

    public LogConfig {
        level = Objects.requireNonNullElse(level, "info");
        format = Objects.requireNonNullElse(format, "text");
    }
}
