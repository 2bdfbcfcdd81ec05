package org.herald.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.herald.core.Json;
import org.herald.testing.ApiClient;
import org.herald.testing.TestHerald;
import org.herald.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ABillS internal API spoken as ABillS's Perl code does: JSON documents written one after another on one TCP
 * connection it keeps, no framing, TOKEN in every request.
 */
class AbillsInternalApiTest {
    static final String TOKEN = "abills-websocket-token-0123";
    static TestHerald herald;
    static ApiClient api;
    Socket socket;
    OutputStream out;
    MappingIterator<JsonNode> replies;

    @BeforeAll
    static void start() {
        herald = TestHerald.builder()
                .env("HERALD_ABILLS_ENABLED", "true")
                .env("HERALD_ABILLS_INTERNAL_PORT", "0")
                .env("HERALD_ABILLS_TOKEN", TOKEN)
                .env("HERALD_COMMANDS_PROGRAMS", Json.write(List.of(Map.of("name", "echo", "path", "/bin/echo", "max_timeout", "5s"))))
                .start();
        api = herald.api();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    @BeforeEach
    void connect() throws Exception {
        socket = new Socket("127.0.0.1", herald.server().abills().internalApi().port());
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
    }

    @AfterEach
    void disconnect() throws Exception {
        socket.close();
    }

    void write(String json) throws Exception {
        out.write(json.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    JsonNode ask(String json) throws Exception {
        write(json);
        // created on first use: the iterator reads as soon as it is made. A Reader, not the byte stream: from bytes,
        // Jackson first waits for four of them to guess the encoding, and the reply "1\n" has two.
        if (replies == null) {
            replies = Json.MAPPER.readerFor(JsonNode.class).readValues(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }
        return replies.next();
    }

    static String withToken(String json) {
        return json.replaceFirst("\\{", "{\"TOKEN\":\"" + TOKEN + "\",");
    }

    WsClient admin(String aid) {
        String token = api.clientToken("admin:" + aid);
        WsClient ws = WsClient.open(herald.baseUrl(), "token=" + token);
        ws.awaitConnected();
        return ws;
    }

    @Test
    void pingAndTheTokenCheck() throws Exception {
        assertThat(ask(withToken("{\"TYPE\":\"PING\"}")).toString()).isEqualTo("{\"TYPE\":\"PONG\"}");
        assertThat(ask("{\"TYPE\":\"PING\"}").toString()).isEqualTo("{\"TYPE\":\"ERROR\",\"ERROR\":\"INCORRECT TOKEN\"}");
        assertThat(ask("{\"TYPE\":\"PING\",\"TOKEN\":\"wrong\"}").get("ERROR").asText()).isEqualTo("INCORRECT TOKEN");
    }

    @Test
    void aMessageReachesEveryOpenSocketOfTheAdminThroughTheQueue() throws Exception {
        try (WsClient tab1 = admin("5"); WsClient tab2 = admin("5")) {
            JsonNode reply = ask(withToken("{\"TYPE\":\"MESSAGE\",\"TO\":\"ADMIN\",\"ID\":5,\"DATA\":{\"TITLE\":\"Payment\","
                    + "\"TEXT\":\"Client 1001 paid 10.00\",\"MSGS_ID\":77,\"EXTRA\":\"/admin/index.cgi?index=15&UID=1001\"}}"));
            assertThat(reply.toString()).isEqualTo("{\"TYPE\":\"RESULT\",\"RESULT\":[1,1]}");
            for (WsClient tab : List.of(tab1, tab2)) {
                JsonNode frame = tab.nextOfType("notification");
                JsonNode n = frame.get("notification");
                assertThat(n.get("type").asText()).isEqualTo("message");
                assertThat(n.get("title").asText()).isEqualTo("Payment");
                assertThat(n.get("text").asText()).isEqualTo("Client 1001 paid 10.00");
                assertThat(n.get("data").get("MSGS_ID").asInt()).isEqualTo(77);
                assertThat(n.get("data").get("EXTRA").asText()).isEqualTo("/admin/index.cgi?index=15&UID=1001");
                assertThat(n.get("data").get("TYPE").asText()).isEqualTo("MESSAGE");
            }
        }
    }

    @Test
    void aMessageToAnOfflineAdminWaitsAndIsReplayedWhenTheAdminConnects() throws Exception {
        JsonNode reply = ask(withToken("{\"TYPE\":\"MESSAGE\",\"TO\":\"ADMIN\",\"ID\":\"6\",\"DATA\":{\"TITLE\":\"Ticket\",\"TEXT\":\"New ticket #42\"}}"));
        assertThat(reply.get("TYPE").asText()).isEqualTo("RESULT");
        assertThat(reply.get("RESULT").isNull()).isTrue();
        String token = api.clientToken("admin:6");
        try (WsClient later = WsClient.open(herald.baseUrl(), "token=" + token)) {
            JsonNode frame = later.nextOfType("notification");
            assertThat(frame.get("notification").get("text").asText()).isEqualTo("New ticket #42");
        }
    }

    @Test
    void theOldFormWithDataAsAStringAndSilentRequestsGetNoReply() throws Exception {
        try (WsClient tab = admin("7")) {
            write(withToken("{\"TYPE\":\"MESSAGE\",\"TO\":\"ADMIN\",\"ID\":7,\"DATA\":\"{\\\"TITLE\\\":\\\"Old\\\",\\\"TEXT\\\":\\\"0.75 form\\\",\\\"SILENT\\\":1}\"}"));
            write(withToken("{\"TYPE\":\"MESSAGE\",\"TO\":\"ADMIN\",\"ID\":7,\"SILENT\":1,\"DATA\":{\"TEXT\":\"silent\"}}"));
            // the next reply on the connection is the PONG: the two messages above were answered with nothing
            assertThat(ask(withToken("{\"TYPE\":\"PING\"}")).get("TYPE").asText()).isEqualTo("PONG");
            // both arrive; the queue attempts them concurrently, so in either order
            String first = tab.nextOfType("notification").get("notification").get("text").asText();
            String second = tab.nextOfType("notification").get("notification").get("text").asText();
            assertThat(List.of(first, second)).containsExactlyInAnyOrder("0.75 form", "silent");
        }
    }

    @Test
    void theAdminListFollowsRealPresence() throws Exception {
        assertThat(ask(withToken("{\"TYPE\":\"REQUEST_LIST\"}")).get("ERROR").asText()).isEqualTo("UNDEFINED 'LIST_TYPE'");
        WsClient tab = admin("8");
        await().atMost(Duration.ofSeconds(5)).until(() -> ask(withToken("{\"TYPE\":\"REQUEST_LIST\",\"LIST_TYPE\":\"ADMINS\"}"))
                .get("LIST").toString().contains("8"));
        tab.close();
        // no stale admins: once its last socket closes, it is off the list
        await().atMost(Duration.ofSeconds(5)).until(() -> !ask(withToken("{\"TYPE\":\"REQUEST_LIST\",\"LIST_TYPE\":\"ADMINS\"}"))
                .get("LIST").toString().contains("8"));
    }

    @Test
    void aCommandIsAnsweredAtOnceAndItsResultReachesTheAdmin() throws Exception {
        try (WsClient tab = admin("9")) {
            assertThat(ask(withToken("{\"TYPE\":\"COMMAND\",\"AID\":9,\"PROGRAM\":\"echo\",\"PROGRAM_ARGS\":[\"-n hello\",\"world;rm -rf /\"],"
                    + "\"ARGS\":{\"timeout\":5},\"ID\":\"cmd-1\"}")).toString()).isEqualTo("1");
            JsonNode n = tab.nextOfType("notification").get("notification");
            assertThat(n.get("title").asText()).isEqualTo("echo -n hello world;rm -rf /");
            assertThat(n.get("text").asText()).isEqualTo("hello world;rm -rf /");
            assertThat(n.get("data").get("ID").asText()).isEqualTo("cmd-1");
            assertThat(n.get("data").get("COMMAND_STATUS").asText()).isEqualTo("succeeded");

            assertThat(ask(withToken("{\"TYPE\":\"COMMAND\",\"AID\":9,\"PROGRAM\":\"echo\",\"PROGRAM_ARGS\":[\"x\"],"
                    + "\"SUCCESS\":{\"TYPE\":\"MESSAGE\",\"TITLE\":\"Done\",\"TEXT\":\"All good\"}}")).asInt()).isEqualTo(1);
            JsonNode custom = tab.nextOfType("notification").get("notification");
            assertThat(custom.get("title").asText()).isEqualTo("Done");
            assertThat(custom.get("text").asText()).isEqualTo("All good");

            assertThat(ask(withToken("{\"TYPE\":\"COMMAND\",\"AID\":9,\"PROGRAM\":\"rm\",\"PROGRAM_ARGS\":[\"-rf /\"]}")).get("ERROR").asText())
                    .isEqualTo("PROGRAM NOT ALLOWED");
        }
    }

    @Test
    void malformedAndUnknownRequestsGetTheSourcesErrorsAndTheConnectionGoesOn() throws Exception {
        assertThat(ask(withToken("{\"TYPE\":\"MESSAGE\",\"TO\":\"ADMIN\",\"DATA\":{}}")).get("ERROR").asText()).isEqualTo("Error while processing request");
        assertThat(ask(withToken("{\"TYPE\":\"MESSAGE\",\"TO\":\"ADMIN\",\"ID\":1}")).get("ERROR").asText()).isEqualTo("Error while processing request");
        assertThat(ask(withToken("{\"NOTYPE\":1}")).get("ERROR").asText()).isEqualTo("INCORRECT REQUEST");
        assertThat(ask(withToken("{\"TYPE\":\"SOMETHING\"}")).get("ERROR").asText()).isEqualTo("UNKNOWN MESSAGE TYPE");
        assertThat(ask(withToken("{\"TYPE\":\"MESSAGE\",\"TO\":\"CLIENT\",\"ID\":1,\"DATA\":{}}")).get("ERROR").asText()).isEqualTo("NOT IMPLEMENTED");
        assertThat(ask(withToken("{\"TYPE\":\"PROXY\",\"PROXY_TO\":\"ECHO\",\"MESSAGE\":{\"A\":1}}")).toString()).isEqualTo("{\"A\":1}");
        assertThat(ask("{\"TYPE\": oops}").get("ERROR").asText()).isEqualTo("INCORRECT REQUEST");
        assertThat(ask(withToken("{\"TYPE\":\"PING\"}")).get("TYPE").asText()).isEqualTo("PONG");
    }
}
