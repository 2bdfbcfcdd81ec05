package org.herald.hub;

/**
 * Why the server closes a WebSocket, with its close code. Codes 4000–4499 mean "reconnect (with back-off, resume
 * with since)"; 4500–4999 mean "do not reconnect with the same credentials". Documented in docs/websocket.md.
 */
public enum CloseReason {
    CONNECT_TIMEOUT(4000, "connect_timeout", "no connect frame in time"),
    TOO_SLOW(4001, "too_slow", "the client does not read fast enough; reconnect and resume with since"),
    NO_PONG(4002, "no_pong", "the client did not answer pings"),
    TOKEN_EXPIRED(4003, "token_expired", "the client token expired; reconnect with a fresh one"),
    RATE_LIMITED(4008, "rate_limited", "too many frames"),
    TOO_MANY_CONNECTIONS(4009, "too_many_connections", "too many connections for this recipient or address"),
    SHUTDOWN(1001, "shutdown", "the server is stopping; reconnect"),
    UNAUTHORIZED(4500, "unauthorized", "the client token is missing or invalid"),
    EXPIRED_TOKEN(4501, "token_expired", "the client token had expired when the client connected; get a fresh one"),
    CLIENT_CLOSED(1000, "closed", "closed by the client");

    private final int code;
    private final String word;
    private final String description;

    CloseReason(int code, String word, String description) {
        this.code = code;
        this.word = word;
        this.description = description;
    }

    public int code() {
        return code;
    }

    public String word() {
        return word;
    }

    public String description() {
        return description;
    }
}
