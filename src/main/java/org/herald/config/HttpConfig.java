package org.herald.config;

import java.util.Objects;

public record HttpConfig(
        @Doc(value = "Address the HTTP/WebSocket listener binds to. Use 127.0.0.1 behind a reverse proxy on the same host.")
        String host,
        @Doc(value = "TCP port of the HTTP API, WebSocket and pages.", aliases = "HERALD_PORT")
        Integer port,
        @Doc("Largest accepted request body in bytes; larger bodies get 413 body_too_large.")
        Integer maxBodyBytes) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    /** 256 KiB: far above any notification a billing system sends, small enough that a flood cannot exhaust memory. */
    public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;

    public HttpConfig {
        host = Objects.requireNonNullElse(host, DEFAULT_HOST);
        port = Objects.requireNonNullElse(port, DEFAULT_PORT);
        maxBodyBytes = Objects.requireNonNullElse(maxBodyBytes, DEFAULT_MAX_BODY_BYTES);
    }
}
