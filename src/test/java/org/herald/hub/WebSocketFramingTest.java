package org.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.herald.core.Json;
import org.herald.testing.ApiClient;
import org.herald.testing.RawWebSocket;
import org.herald.testing.RawWebSocket.Frame;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The WebSocket layer Herald builds on its Netty channels (RFC 6455, RFC 7692), spoken byte by byte. */
class WebSocketFramingTest {
    static TestHerald herald;
    static TestHerald compressing;

    @BeforeAll
    static void start() {
        herald = TestHerald.builder().env("HERALD_HUB_MAX_FRAME_BYTES", "1024").start();
        compressing = TestHerald.builder().env("HERALD_HUB_COMPRESSION", "true").start();
    }

    @AfterAll
    static void stop() {
        herald.close();
        compressing.close();
    }

    static String token(ApiClient api, String recipient) {
        return api.post("/api/v1/tokens", "{\"recipient\":\"" + recipient + "\"}").json().get("token").asText();
    }

    static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    static int port(TestHerald h) {
        return h.server().port();
    }

    @Test
    void theHandshakeAnswersWithTheAcceptValueOfRfc6455() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(port(herald), "/ws")) {
            assertThat(ws.status()).isEqualTo(101);
            assertThat(ws.header("Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            assertThat(ws.header("Upgrade")).isEqualToIgnoringCase("websocket");
            assertThat(ws.header("Connection")).isEqualToIgnoringCase("Upgrade");
            assertThat(ws.header("Sec-WebSocket-Extensions")).isNull();
        }
    }

    @Test
    void aMalformedUpgradeGetsAJsonErrorSayingWhatIsWrong() throws Exception {
        try (RawWebSocket noKey = RawWebSocket.open(port(herald), "GET", "/ws", Map.of("Sec-WebSocket-Key", "too-short"))) {
            assertThat(noKey.status()).isEqualTo(400);
            assertThat(json(noKey.body()).get("message").asText()).contains("Sec-WebSocket-Key");
        }
        try (RawWebSocket oldVersion = RawWebSocket.open(port(herald), "GET", "/ws", Map.of("Sec-WebSocket-Version", "8"))) {
            assertThat(oldVersion.status()).isEqualTo(426);
            assertThat(oldVersion.header("Sec-WebSocket-Version")).isEqualTo("13");
            assertThat(json(oldVersion.body()).get("error").asText()).isEqualTo("bad_request");
        }
        try (RawWebSocket post = RawWebSocket.open(port(herald), "POST", "/ws", Map.of("Content-Length", "0"))) {
            assertThat(post.status()).isEqualTo(405);
        }
        try (RawWebSocket keepAlive = RawWebSocket.open(port(herald), "GET", "/ws", Map.of("Connection", "keep-alive"))) {
            assertThat(keepAlive.status()).isEqualTo(400);
            assertThat(json(keepAlive.body()).get("message").asText()).contains("Connection");
        }
    }

    @Test
    void aMessageSentInFragmentsIsJoined() throws Exception {
        byte[] connect = ("{\"type\":\"connect\",\"token\":\"" + token(herald.api(), "admin:1") + "\"}").getBytes(StandardCharsets.UTF_8);
        int half = connect.length / 2;
        try (RawWebSocket ws = RawWebSocket.open(port(herald), "/ws")) {
            ws.send(false, false, 0x1, java.util.Arrays.copyOfRange(connect, 0, half));
            ws.send(true, false, 0x9, "between the fragments".getBytes(StandardCharsets.UTF_8)); // a control frame may interleave
            ws.send(true, false, 0x0, java.util.Arrays.copyOfRange(connect, half, connect.length));
            Frame pong = ws.read();
            assertThat(pong.opcode()).as("the pong; not %s", pong.closeCode()).isEqualTo(0xA);
            assertThat(json(ws.read().text()).get("type").asText()).isEqualTo("connected");
        }
    }

    @Test
    void aPingIsAnsweredWithAPongCarryingItsPayload() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(port(herald), "/ws?token=" + token(herald.api(), "admin:2"))) {
            assertThat(json(ws.read().text()).get("type").asText()).isEqualTo("connected");
            assertThat(json(ws.read().text()).get("type").asText()).isEqualTo("replayed");
            ws.send(true, false, 0x9, "are you there".getBytes(StandardCharsets.UTF_8));
            Frame pong = ws.read();
            assertThat(pong.opcode()).isEqualTo(0xA);
            assertThat(pong.text()).isEqualTo("are you there");
        }
    }

    @Test
    void aCloseFromTheClientIsEchoedAndThenTheServerEndsTheConnection() throws Exception {
        ApiClient api = herald.api();
        try (RawWebSocket ws = RawWebSocket.open(port(herald), "/ws?token=" + token(api, "admin:3"))) {
            ws.read();
            ws.read();
            assertThat(api.get("/api/v1/presence/admin:3").json().get("online").asBoolean()).isTrue();
            ws.send(true, false, 0x8, new byte[] {0x03, (byte) 0xe8, 'b', 'y', 'e'});
            Frame close = ws.read();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(1000);
            assertThat(ws.serverClosedTcp()).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !api.get("/api/v1/presence/admin:3").json().get("online").asBoolean());
    }

    @Test
    void aServerCloseWaitsForTheClientsAnswerBeforeEndingTheConnection() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(port(herald), "/ws")) {
            ws.sendText("{\"type\":\"connect\",\"token\":\"forged\"}");
            assertThat(json(ws.read().text()).get("code").asText()).isEqualTo("unauthorized");
            Frame close = ws.read();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(4500);
            ws.send(true, false, 0x8, new byte[] {0x11, (byte) 0x94}); // the answer, echoing 4500
            assertThat(ws.serverClosedTcp()).isTrue();
        }
    }

    @Test
    void aFrameOverFourTimesTheFrameLimitIsCutWithCode1009() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(port(herald), "/ws?token=" + token(herald.api(), "admin:4"))) {
            ws.read();
            ws.read();
            ws.sendText("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(70_000) + "\"}");
            Frame close = ws.read();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(1009);
            assertThat(ws.serverClosedTcp()).isTrue();
        }
    }

    @Test
    void invalidUtf8InATextFrameClosesWithCode1007() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(port(herald), "/ws?token=" + token(herald.api(), "admin:5"))) {
            ws.read();
            ws.read();
            ws.send(true, false, 0x1, new byte[] {'{', (byte) 0xc3, 0x28, '}'});
            Frame close = ws.read();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void withCompressionOnAnOfferedDeflateIsTakenAndFramesAreCompressedBothWays() throws Exception {
        ApiClient api = compressing.api();
        try (RawWebSocket ws = RawWebSocket.open(port(compressing), "GET", "/ws",
                Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"))) {
            assertThat(ws.status()).isEqualTo(101);
            assertThat(ws.header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
            ws.sendCompressedText("{\"type\":\"connect\",\"token\":\"" + token(api, "admin:6") + "\"}");
            Frame connected = ws.read();
            assertThat(connected.rsv1()).as("compressed").isTrue();
            assertThat(json(connected.text()).get("type").asText()).isEqualTo("connected");
            ws.read();
            String text = "Client 1001 paid 10.00 USD; ".repeat(20);
            api.post("/api/v1/notifications", "{\"to\":\"admin:6\",\"text\":\"" + text + "\",\"channels\":[\"browser\"]}");
            Frame notification = ws.read();
            assertThat(notification.rsv1()).isTrue();
            assertThat(notification.wireLength()).as("compressed well below the text").isLessThan(text.length() / 2);
            assertThat(json(notification.text()).get("notification").get("text").asText()).isEqualTo(text);
        }
    }

    @Test
    void withCompressionOnAClientThatOffersNoDeflateGetsPlainFrames() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(port(compressing), "/ws?token=" + token(compressing.api(), "admin:7"))) {
            assertThat(ws.header("Sec-WebSocket-Extensions")).isNull();
            Frame connected = ws.read();
            assertThat(connected.rsv1()).isFalse();
            assertThat(json(connected.text()).get("type").asText()).isEqualTo("connected");
        }
    }

    @Test
    void withCompressionOffAnOfferedDeflateIsDeclined() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(port(herald), "GET", "/ws?token=" + token(herald.api(), "admin:8"),
                Map.of("Sec-WebSocket-Extensions", "permessage-deflate"))) {
            assertThat(ws.status()).isEqualTo(101);
            assertThat(ws.header("Sec-WebSocket-Extensions")).isNull();
            assertThat(ws.read().rsv1()).isFalse();
        }
    }
}
