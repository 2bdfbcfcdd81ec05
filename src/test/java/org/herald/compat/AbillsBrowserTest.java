package org.herald.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.herald.core.Json;
import org.herald.testing.ApiClient;
import org.herald.testing.AbillsSessions;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ABillS's admin page as its websocket_client.js talks to the backend: the session cookie on the handshake, the
 * PING/PONG/RESPONCE/CLOSE_REQUEST frames, messages sent by the billing code through the internal API; sessions
 * resolved with ABillS's query in a real MariaDB.
 */
class AbillsBrowserTest {
    static AbillsSessions abillsDb;
    static TestHerald herald;
    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        abillsDb = AbillsSessions.withAdmins(Map.of(5, "a5a5a5a5sid", 6, "b6b6b6b6sid", 7, "d7d7d7d7sid"));
        try (Connection c = abillsDb.connect()) {
            c.createStatement().execute("CREATE TABLE users_online (uid INT UNSIGNED NOT NULL, sid VARCHAR(32) NOT NULL, PRIMARY KEY (sid))");
            c.createStatement().execute("INSERT INTO users_online VALUES (1001, 'c1c1c1c1sid')");
        }
        herald = abillsDb.herald()
                .env("HERALD_ABILLS_USER_BROWSER_PORT", "0")
                .env("HERALD_ABILLS_USER_SID_QUERY", "SELECT uid FROM users_online WHERE sid = ?")
                .env("HERALD_HUB_PING_INTERVAL", "300ms")
                .start();
        api = herald.api();
    }

    @AfterAll
    static void stop() {
        herald.close();
        abillsDb.close();
    }

    /** A page's socket: frames received in order. */
    static final class Page implements WebSocket.Listener, AutoCloseable {
        final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        static Page open(String path, Map<String, String> headers) throws Exception {
            return open(herald.server().abills().adminPages().port(), path, headers);
        }

        static Page open(int port, String path, Map<String, String> headers) throws Exception {
            Page p = new Page();
            var b = HttpClient.newHttpClient().newWebSocketBuilder();
            headers.forEach(b::header);
            p.ws = b.buildAsync(URI.create("ws://127.0.0.1:" + port + path), p).get(10, TimeUnit.SECONDS);
            return p;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(code);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }

        void send(String json) {
            ws.sendText(json, true).join();
        }

        JsonNode next() throws Exception {
            String f = frames.poll(10, TimeUnit.SECONDS);
            if (f == null) throw new AssertionError("no frame within 10 s");
            return Json.MAPPER.readTree(f);
        }

        @Override
        public void close() {
            if (!ws.isOutputClosed()) ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            ws.abort();
        }
    }

    static JsonNode internal(String json) throws Exception {
        try (Socket s = new Socket("127.0.0.1", herald.server().abills().internalApi().port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(json.getBytes(StandardCharsets.UTF_8));
            out.flush();
            com.fasterxml.jackson.databind.MappingIterator<JsonNode> replies = Json.MAPPER.readerFor(JsonNode.class)
                    .readValues(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            return replies.next();
        }
    }

    @Test
    void anAdminPageWithItsSessionCookieGetsMessagesAndAcksThem() throws Exception {
        try (Page page = Page.open("/wss/admin/", Map.of("Cookie", "language=english; sid=a5a5a5a5sid; OP_SID=x"))) {
            page.send("{\"TYPE\":\"PING\"}");
            assertThat(page.next().toString()).isEqualTo("{\"DATA\":\"RESPONCE\",\"TYPE\":\"PONG\"}");
            await().atMost(Duration.ofSeconds(5)).until(() -> internal("{\"TYPE\":\"REQUEST_LIST\",\"LIST_TYPE\":\"ADMINS\"}").get("LIST").toString().contains("5"));

            JsonNode result = internal("{\"TYPE\":\"MESSAGE\",\"TO\":\"ADMIN\",\"ID\":5,\"DATA\":{\"TITLE\":\"Payment\",\"TEXT\":\"10.00 from 1001\","
                    + "\"MSGS_ID\":12,\"EXTRA\":\"/admin/index.cgi?UID=1001\"}}");
            assertThat(result.get("RESULT").toString()).isEqualTo("[1]");
            JsonNode m = page.next();
            assertThat(m.get("TYPE").asText()).isEqualTo("MESSAGE");
            assertThat(m.get("TITLE").asText()).isEqualTo("Payment");
            assertThat(m.get("TEXT").asText()).isEqualTo("10.00 from 1001");
            assertThat(m.get("MSGS_ID").asInt()).isEqualTo(12);
            assertThat(m.get("EXTRA").asText()).isEqualTo("/admin/index.cgi?UID=1001");

            // the page's "RESPONCE RECEIVED" acknowledges the message: its delivery is delivered
            page.send("{\"TYPE\":\"RESPONCE\",\"RESPONCE\":\"RECEIVED\"}");
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/deliveries?to=admin:5&channel=browser").json()
                    .get("deliveries").get(0).get("status").asText().equals("delivered"));

            page.send("{\"TYPE\":\"CLOSE_REQUEST\"}");
            assertThat(page.next().toString()).isEqualTo("{\"TYPE\":\"close\",\"REASON\":\"Close requested\"}");
            assertThat(page.closed.get(10, TimeUnit.SECONDS)).isNotNull();
        }
        // no stale admin after the page closed
        await().atMost(Duration.ofSeconds(5)).until(() -> !internal("{\"TYPE\":\"REQUEST_LIST\",\"LIST_TYPE\":\"ADMINS\"}").get("LIST").toString().contains("5"));
    }

    @Test
    void aPageThatStopsAnsweringIsDroppedAndNoLongerListedAsConnected() throws Exception {
        // a raw socket that does the handshake and then goes silent, like a laptop whose network went away
        try (Socket dead = new Socket("127.0.0.1", herald.server().abills().adminPages().port())) {
            dead.getOutputStream().write(("GET /wss/admin/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nCookie: sid=d7d7d7d7sid\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            dead.getOutputStream().flush();
            dead.setSoTimeout(10_000);
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(dead.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertThat(status).startsWith("HTTP/1.1 101");
            await().atMost(Duration.ofSeconds(5)).until(() -> admins().contains("7"));
            // it never answers a ping: after two ping intervals (300 ms here) Herald drops it
            await().atMost(Duration.ofSeconds(10)).until(() -> !admins().contains("7"));
        }
    }

    /** The admins ABillS's internal API lists as connected, as ids. */
    static java.util.List<String> admins() throws Exception {
        java.util.List<String> ids = new java.util.ArrayList<>();
        internal("{\"TYPE\":\"REQUEST_LIST\",\"LIST_TYPE\":\"ADMINS\"}").get("LIST").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    @Test
    void aMessageForAnAdminWithoutAPageWaitsAndComesWhenThePageOpens() throws Exception {
        JsonNode result = internal("{\"TYPE\":\"MESSAGE\",\"TO\":\"ADMIN\",\"ID\":6,\"DATA\":{\"TITLE\":\"Ticket\",\"TEXT\":\"New ticket #9\"}}");
        assertThat(result.get("RESULT").isNull()).isTrue();
        try (Page page = Page.open("/admin/wss/", Map.of("ADMINSID", "b6b6b6b6sid"))) {
            JsonNode m = page.next();
            assertThat(m.get("TITLE").asText()).isEqualTo("Ticket");
            assertThat(m.get("TEXT").asText()).isEqualTo("New ticket #9");
        }
    }

    @Test
    void anUnknownSessionIsToldUnauthorizedAndClosed() throws Exception {
        try (Page page = Page.open("/wss/admin/", Map.of("Cookie", "sid=not-a-session; xsid=a5a5a5a5sid"))) {
            assertThat(page.next().toString()).isEqualTo("{\"TYPE\":\"close\",\"REASON\":\"Unauthorized\"}");
            assertThat(page.closed.get(10, TimeUnit.SECONDS)).isNotNull();
        }
        try (Page page = Page.open("/wss/admin/", Map.of())) {
            assertThat(page.next().get("REASON").asText()).isEqualTo("Unauthorized");
        }
    }

    @Test
    void aClientPageOfAbills150WithUsersidGetsMessagesSentToTheUser() throws Exception {
        int port = herald.server().abills().clientPages().port();
        try (Page page = Page.open(port, "/wss/client/", Map.of("USERSID", "c1c1c1c1sid"))) {
            page.send("{\"TYPE\":\"PING\"}");
            assertThat(page.next().get("TYPE").asText()).isEqualTo("PONG");
            await().atMost(Duration.ofSeconds(5)).until(() -> internal("{\"TYPE\":\"REQUEST_LIST\",\"LIST_TYPE\":\"USERS\"}")
                    .get("LIST").toString().contains("1001"));
            JsonNode result = internal("{\"TYPE\":\"MESSAGE\",\"TO\":\"USER\",\"ID\":1001,\"DATA\":{\"TITLE\":\"Balance\",\"TEXT\":\"Your balance is low\"}}");
            assertThat(result.get("RESULT").toString()).isEqualTo("[1]");
            JsonNode m = page.next();
            assertThat(m.get("TITLE").asText()).isEqualTo("Balance");
            assertThat(m.get("TEXT").asText()).isEqualTo("Your balance is low");
        }
        // an admin's sid is not a client's
        try (Page page = Page.open(port, "/wss/client/", Map.of("USERSID", "a5a5a5a5sid"))) {
            assertThat(page.next().get("REASON").asText()).isEqualTo("Unauthorized");
        }
    }

    @Test
    void sidsAreTakenFromTheHeaderAndEveryCookieNamedExactlySid() {
        assertThat(AbillsBrowserEndpoint.sids("h1", "a=1; sid=c1; opsid=bad; sid=c2")).containsExactly("h1", "c1", "c2");
        assertThat(AbillsBrowserEndpoint.sids(null, "xsid=bad")).isEmpty();
    }
}
