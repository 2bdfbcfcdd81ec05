package org.herald.config;

import java.util.Objects;

public record HubConfig(
        @Doc("How long a new WebSocket may take to send its connect frame (or carry ?token=) before it is closed.")
        String connectTimeout,
        @Doc("Idle time after which the server pings a connection; a connection silent for two intervals is closed.")
        String pingInterval,
        @Doc("Bytes that may wait in one connection's outbound buffer; a client that falls further behind is closed with too_slow and recovers by replay.")
        Integer outboundBufferBytes,
        @Doc("Largest frame a client may send; larger frames get an error frame (the connection stays open).")
        Integer maxFrameBytes,
        @Doc("Frames per second a connection may send (sustained; bursts of twice as many are allowed). Beyond: rate_limited and the connection is closed.")
        Integer maxFramesPerSecond,
        @Doc("Open connections per recipient (tabs, devices); one more is refused with too_many_connections.")
        Integer maxConnectionsPerRecipient,
        @Doc("Open connections per client IP address.")
        Integer maxConnectionsPerIp,
        @Doc("Most notifications replayed to one reconnecting connection; beyond it the client gets recovered:false.")
        Integer replayLimit,
        @Doc("Accept per-message deflate when a client offers it: its frames are then compressed for it alone, which costs CPU per frame and, unless the client asks for server_no_context_takeover, about 256 KiB of zlib memory per connection.")
        Boolean compression) {

    public static final String DEFAULT_CONNECT_TIMEOUT = "10s";
    /** Under the 60 s idle timeouts of common proxies (nginx proxy_read_timeout), so idle sockets stay open. */
    public static final String DEFAULT_PING_INTERVAL = "25s";
    public static final int DEFAULT_OUTBOUND_BUFFER_BYTES = 256 * 1024;
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_FRAMES_PER_SECOND = 20;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_RECIPIENT = 32;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 5000;
    public static final int DEFAULT_REPLAY_LIMIT = 1000;

    public HubConfig {
        connectTimeout = Objects.requireNonNullElse(connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        pingInterval = Objects.requireNonNullElse(pingInterval, DEFAULT_PING_INTERVAL);
        outboundBufferBytes = Objects.requireNonNullElse(outboundBufferBytes, DEFAULT_OUTBOUND_BUFFER_BYTES);
        maxFrameBytes = Objects.requireNonNullElse(maxFrameBytes, DEFAULT_MAX_FRAME_BYTES);
        maxFramesPerSecond = Objects.requireNonNullElse(maxFramesPerSecond, DEFAULT_MAX_FRAMES_PER_SECOND);
        maxConnectionsPerRecipient = Objects.requireNonNullElse(maxConnectionsPerRecipient, DEFAULT_MAX_CONNECTIONS_PER_RECIPIENT);
        maxConnectionsPerIp = Objects.requireNonNullElse(maxConnectionsPerIp, DEFAULT_MAX_CONNECTIONS_PER_IP);
        replayLimit = Objects.requireNonNullElse(replayLimit, DEFAULT_REPLAY_LIMIT);
        compression = Objects.requireNonNullElse(compression, false);
    }
}
