package org.herald.config;

import java.util.Objects;

public record AbillsConfig(
        @Doc("Turns the ABillS compatibility listeners on (docs/abills.md). Off by default.")
        Boolean enabled,
        @Doc("Address of the internal API (ABillS `WEBSOCKET_INTERNAL_PORT` clients). Keep it on loopback.")
        String internalHost,
        @Doc("Port of the internal API (ABillS default 19444).")
        Integer internalPort,
        @Doc(value = "ABillS `$conf{WEBSOCKET_TOKEN}`: when set, every internal API request must carry it as `TOKEN`.",
                secret = true)
        String token,
        @Doc("Recipient kind of ABillS admins: admin AID 5 is Herald's `admin:5`.")
        String adminKind,
        @Doc("Recipient kind of ABillS clients (users): UID 1001 is `user:1001`.")
        String userKind,
        @Doc("Address of the admins' browser WebSocket (ABillS `WEBSOCKET_PORT`; Apache proxies `/admin/wss/` to it).")
        String browserHost,
        @Doc("Port of the admins' browser WebSocket (ABillS default 19443).")
        Integer browserPort,
        @Doc("JDBC URL of ABillS's database, where browser sessions (`sid`) are resolved to admins.")
        String sessionDbUrl,
        @Doc("User of ABillS's database.")
        String sessionDbUser,
        @Doc(value = "Password of ABillS's database.", secret = true)
        String sessionDbPassword,
        @Doc("The query that turns a sid into an admin's AID (one `?` parameter).")
        String adminSidQuery,
        @Doc("How long a resolved sid is trusted before it is looked up again.")
        String sessionCache,
        @Doc("Port of the clients' WebSocket (ABillS 1.50 `USER_WEBSOCKET_PORT`, 19445); it is opened only when "
                + "`user_sid_query` is set.")
        Integer userBrowserPort,
        @Doc("The query that turns a client's sid (header `USERSID` or cookie `sid`) into its UID (one `?`), on ABillS's "
                + "database. Unset: no clients' WebSocket.")
        String userSidQuery) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_INTERNAL_PORT = 19444;
    public static final int DEFAULT_BROWSER_PORT = 19443;
    public static final int DEFAULT_USER_BROWSER_PORT = 19445;
    public static final String DEFAULT_ADMIN_SID_QUERY = "SELECT aid FROM web_online WHERE sid = ?";

    public AbillsConfig {
        enabled = Objects.requireNonNullElse(enabled, false);
        internalHost = Objects.requireNonNullElse(internalHost, DEFAULT_HOST);
        internalPort = Objects.requireNonNullElse(internalPort, DEFAULT_INTERNAL_PORT);
        adminKind = Objects.requireNonNullElse(adminKind, "admin");
        userKind = Objects.requireNonNullElse(userKind, "user");
        browserHost = Objects.requireNonNullElse(browserHost, DEFAULT_HOST);
        browserPort = Objects.requireNonNullElse(browserPort, DEFAULT_BROWSER_PORT);
        adminSidQuery = Objects.requireNonNullElse(adminSidQuery, DEFAULT_ADMIN_SID_QUERY);
        sessionCache = Objects.requireNonNullElse(sessionCache, "10s");
        userBrowserPort = Objects.requireNonNullElse(userBrowserPort, DEFAULT_USER_BROWSER_PORT);
    }
}
