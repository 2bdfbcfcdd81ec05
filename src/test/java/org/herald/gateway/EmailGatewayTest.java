package org.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.herald.core.Json;
import org.herald.testing.ApiClient;
import org.herald.testing.ApiResponse;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Email through SMTP gateways against GreenMail (a real SMTP server in the test JVM): content, Message-ID, failover. */
class EmailGatewayTest {
    static GreenMail mail;
    static TestHerald herald;
    static ApiClient api;
    static int deadPort;
    static RefusingSmtpServer refusing;

    @BeforeAll
    static void start() throws IOException {
        mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS)});
        mail.start();
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort(); // closed again: connections are refused
        }
        Map<String, String> live = Map.of("host", "127.0.0.1", "port", Integer.toString(mail.getSmtp().getPort()),
                "security", "none", "from", "Herald <noreply@isp.example>", "timeout", "5s");
        refusing = RefusingSmtpServer.start();
        Map<String, String> refusingSettings = Map.of("host", "127.0.0.1", "port", Integer.toString(refusing.port()),
                "security", "none", "from", "noreply@isp.example", "timeout", "5s");
        Map<String, String> dead = Map.of("host", "127.0.0.1", "port", Integer.toString(deadPort), "security", "none",
                "from", "noreply@isp.example", "timeout", "2s");
        herald = TestHerald.builder()
                .env("HERALD_GATEWAYS", Json.write(List.of(
                        Map.of("id", "smtp-main", "channel", "email", "module", "smtp", "settings", live),
                        Map.of("id", "smtp-brand", "channel", "email", "module", "smtp", "provider", "brand2",
                                "fallback", "smtp-main", "settings", dead),
                        Map.of("id", "smtp-broken", "channel", "email", "module", "smtp", "provider", "broken", "settings", dead),
                        Map.of("id", "smtp-tls", "channel", "email", "module", "smtp", "provider", "tls", "settings",
                                Map.of("host", "127.0.0.1", "port", Integer.toString(mail.getSmtps().getPort()), "security", "tls",
                                        "tls_trust", "127.0.0.1", "from", "tls@isp.example", "timeout", "5s")),
                        Map.of("id", "smtp-busy", "channel", "email", "module", "smtp", "provider", "busy", "fallback", "smtp-main",
                                "fallback_after", 1, "settings", refusingSettings))))
                .env("HERALD_QUEUE_MAX_ATTEMPTS", "2")
                .env("HERALD_QUEUE_BACKOFF_BASE", "100ms")
                .start();
        api = herald.api();
    }

    @AfterAll
    static void stop() throws IOException {
        herald.close();
        mail.stop();
        refusing.close();
    }

    static JsonNode awaitDelivery(String notificationId, String status) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/notifications/" + notificationId).json()
                .get("deliveries").get(0), d -> d.get("status").asText().equals(status));
    }

    static String send(String to, String provider) {
        ApiResponse r = api.post("/api/v1/notifications", "{\"to\":\"" + to + "\",\"channels\":[\"email\"],\"title\":\"Low balance\","
                + "\"text\":\"Your balance is 1.20 UAH. Пополните счёт.\"" + (provider == null ? "" : ",\"provider\":\"" + provider + "\"") + "}");
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        return r.json().get("id").asText();
    }

    @Test
    void anEmailReachesTheSmtpServerWithSubjectTextAndTheDeliveryInItsMessageId() throws Exception {
        api.put("/api/v1/recipients/user:1001", "{\"contacts\":{\"email\":\"ann@example.net\"}}");
        JsonNode d = awaitDelivery(send("user:1001", null), "sent");
        assertThat(d.get("gateway").asText()).isEqualTo("smtp-main");
        MimeMessage m = await().atMost(Duration.ofSeconds(10)).until(() -> find("ann@example.net"), java.util.Objects::nonNull);
        assertThat(m.getSubject()).isEqualTo("Low balance");
        assertThat(((String) m.getContent()).trim()).isEqualTo("Your balance is 1.20 UAH. Пополните счёт.");
        assertThat(m.getMessageID()).isEqualTo("<" + d.get("id").asText() + "@isp.example>");
        assertThat(m.getFrom()[0].toString()).isEqualTo("Herald <noreply@isp.example>");
    }

    @Test
    void aTemplateWithAnHtmlPartSendsTextAndHtmlAsAlternatives() throws Exception {
        for (String[] f : new String[][] {{"subject", "Balance {{balance}}"}, {"text", "Dear {{name}}, your balance is {{balance}}."},
                {"html", "<p>Dear <b>{{name}}</b>, your balance is {{balance}}.</p>"}}) {
            ApiResponse put = api.send("PUT", "/api/v1/templates/low_balance/en/" + f[0] + ".mustache", f[1], null,
                    "text/plain; charset=utf-8");
            assertThat(put.status()).as(put.text()).isEqualTo(201);
        }
        api.put("/api/v1/recipients/user:6006", "{\"contacts\":{\"email\":\"eve@example.net\"}}");
        ApiResponse r = api.post("/api/v1/notifications", "{\"to\":\"user:6006\",\"channels\":[\"email\"],"
                + "\"template\":\"low_balance\",\"lang\":\"en\",\"data\":{\"name\":\"Eve <Ltd>\",\"balance\":\"1.20\"}}");
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        String id = r.json().get("id").asText();
        awaitDelivery(id, "sent");
        assertThat(api.get("/api/v1/notifications/" + id).json().get("html").asText())
                .isEqualTo("<p>Dear <b>Eve &lt;Ltd&gt;</b>, your balance is 1.20.</p>");

        MimeMessage m = await().atMost(Duration.ofSeconds(10)).until(() -> find("eve@example.net"), java.util.Objects::nonNull);
        assertThat(m.getSubject()).isEqualTo("Balance 1.20");
        assertThat(m.getContentType()).startsWith("multipart/alternative");
        jakarta.mail.Multipart parts = (jakarta.mail.Multipart) m.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain").containsIgnoringCase("charset=UTF-8");
        assertThat(((String) parts.getBodyPart(0).getContent()).trim()).isEqualTo("Dear Eve <Ltd>, your balance is 1.20.");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat(((String) parts.getBodyPart(1).getContent()).trim())
                .isEqualTo("<p>Dear <b>Eve &lt;Ltd&gt;</b>, your balance is 1.20.</p>");
    }

    @Test
    void oneTemplatedNotificationGoesToEachRecipientInTheirLanguageAndABrokenVersionFailsOnlyItsDelivery() throws Exception {
        for (String[] f : new String[][] {{"en/subject", "Payment received"}, {"en/text", "Thank you, {{name}}: {{amount}} UAH."},
                {"ru/subject", "Платёж получен"}, {"ru/text", "Спасибо, {{name}}: {{amount}} грн."},
                {"uk/text", "Дякуємо, {{name}}: {{amount}} грн, баланс {{balance}}."}}) {
            ApiResponse put = api.send("PUT", "/api/v1/templates/paid/" + f[0] + ".mustache", f[1], null, "text/plain; charset=utf-8");
            assertThat(put.status()).as(put.text()).isEqualTo(201);
        }
        api.put("/api/v1/recipients/user:7101", "{\"lang\":\"ru\",\"contacts\":{\"email\":\"ivan@example.net\"}}");
        api.put("/api/v1/recipients/user:7102", "{\"contacts\":{\"email\":\"john@example.net\"}}");
        api.put("/api/v1/recipients/user:7103", "{\"lang\":\"uk\",\"contacts\":{\"email\":\"olena@example.net\"}}");
        ApiResponse r = api.post("/api/v1/notifications", "{\"to\":[\"user:7101\",\"user:7102\",\"user:7103\"],\"channels\":[\"email\"],"
                + "\"template\":\"paid\",\"data\":{\"name\":\"Client\",\"amount\":\"100\"}}");
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        String id = r.json().get("id").asText();

        MimeMessage ru = await().atMost(Duration.ofSeconds(10)).until(() -> find("ivan@example.net"), java.util.Objects::nonNull);
        assertThat(ru.getSubject()).isEqualTo("Платёж получен");
        assertThat(((String) ru.getContent()).trim()).isEqualTo("Спасибо, Client: 100 грн.");
        MimeMessage en = await().atMost(Duration.ofSeconds(10)).until(() -> find("john@example.net"), java.util.Objects::nonNull);
        assertThat(((String) en.getContent()).trim()).isEqualTo("Thank you, Client: 100 UAH.");

        // the Ukrainian version needs a variable the data lacks: that delivery fails, with the template's error
        JsonNode uk = await().atMost(Duration.ofSeconds(20)).until(() -> delivery(id, "user:7103"), d -> d.get("status").asText().equals("failed"));
        assertThat(uk.get("attempts").asInt()).isEqualTo(1);
        assertThat(uk.get("last_error").asText()).contains("paid").contains("(uk)").contains("text.mustache").contains("balance");
        assertThat(find("olena@example.net")).isNull();
    }

    static JsonNode delivery(String notificationId, String to) {
        for (JsonNode d : api.get("/api/v1/notifications/" + notificationId).json().get("deliveries")) {
            if (d.get("to").asText().equals(to)) return d;
        }
        throw new AssertionError("no delivery to " + to);
    }

    @Test
    void anEmailGoesOverImplicitTlsToARelayWhoseCertificateIsTrustedByName() throws Exception {
        api.put("/api/v1/recipients/user:7201", "{\"provider\":\"tls\",\"contacts\":{\"email\":\"tls@example.net\"}}");
        JsonNode d = awaitDelivery(send("user:7201", null), "sent");
        assertThat(d.get("gateway").asText()).isEqualTo("smtp-tls");
        MimeMessage m = await().atMost(Duration.ofSeconds(10)).until(() -> find("tls@example.net"), java.util.Objects::nonNull);
        assertThat(m.getSubject()).isEqualTo("Low balance");
        assertThat(m.getFrom()[0].toString()).isEqualTo("tls@isp.example");
    }

    @Test
    void aFailingGatewayHandsTheMessageToItsFallback() throws Exception {
        api.put("/api/v1/recipients/user:2002", "{\"provider\":\"brand2\",\"contacts\":{\"email\":\"bob@example.net\"}}");
        JsonNode d = awaitDelivery(send("user:2002", null), "sent");
        assertThat(d.get("gateway").asText()).isEqualTo("smtp-main");
        assertThat(await().atMost(Duration.ofSeconds(10)).until(() -> find("bob@example.net"), java.util.Objects::nonNull)).isNotNull();
    }

    @Test
    void aServerThatRefusesIsRetriedThenTheDeliveryFailsOverToTheFallback() throws Exception {
        api.put("/api/v1/recipients/user:2003", "{\"provider\":\"busy\",\"contacts\":{\"email\":\"gus@example.net\"}}");
        JsonNode d = awaitDelivery(send("user:2003", null), "sent");
        assertThat(d.get("gateway").asText()).isEqualTo("smtp-main");
        assertThat(d.get("attempts").asInt()).isEqualTo(2);
        JsonNode log = api.get("/api/v1/deliveries/" + d.get("id").asText()).json().get("attempt_log");
        assertThat(log).hasSize(2);
        assertThat(log.get(0).get("outcome").asText()).isEqualTo("retry");
        assertThat(log.get(0).get("error").asText()).contains("smtp-busy").contains("421");
        assertThat(log.get(1).get("outcome").asText()).isEqualTo("sent");
        assertThat(refusing.connections()).isGreaterThanOrEqualTo(1);
        assertThat(await().atMost(Duration.ofSeconds(10)).until(() -> find("gus@example.net"), java.util.Objects::nonNull)).isNotNull();
    }

    @Test
    void aGatewayThatCannotBeReachedIsRetriedThenFailsWithTheReason() {
        api.put("/api/v1/recipients/user:3003", "{\"contacts\":{\"email\":\"carl@example.net\"}}");
        JsonNode d = awaitDelivery(send("user:3003", "broken"), "failed");
        assertThat(d.get("attempts").asInt()).isEqualTo(2);
        assertThat(d.get("last_error").asText()).contains("smtp-broken").contains("ConnectException");
    }

    @Test
    void aRecipientWithoutAnEmailIsSkipped() {
        ApiResponse r = api.post("/api/v1/notifications", "{\"to\":\"user:4004\",\"channels\":[\"email\"],\"text\":\"x\"}");
        assertThat(r.json().get("deliveries").get(0).get("status").asText()).isEqualTo("skipped");
        assertThat(r.json().get("deliveries").get(0).get("reason").asText()).isEqualTo("recipient has no email contact");
    }

    @Test
    void gatewaysAreListedAndChecked() {
        assertThat(api.post("/api/v1/gateways/smtp-main/check", "").json().get("ok").asBoolean()).isTrue();
        JsonNode bad = api.post("/api/v1/gateways/smtp-broken/check", "").json();
        assertThat(bad.get("ok").asBoolean()).isFalse();
        assertThat(bad.get("error").asText()).isNotBlank();
        JsonNode list = api.get("/api/v1/gateways").json().get("gateways");
        assertThat(list).extracting(g -> g.get("id").asText()).containsExactly("smtp-main", "smtp-brand", "smtp-broken", "smtp-tls", "smtp-busy");
        assertThat(list.get(0).get("last_check").get("ok").asBoolean()).isTrue();
        assertThat(list.get(1).get("fallback").asText()).isEqualTo("smtp-main");
        assertThat(api.get("/api/v1/gateways").text()).doesNotContain("password");
        assertThat(api.post("/api/v1/gateways/nope/check", "").status()).isEqualTo(404);
    }

    @Test
    void aReloadTakesNewGatewaySettings() throws Exception {
        api.put("/api/v1/recipients/user:5005", "{\"provider\":\"late\",\"contacts\":{\"email\":\"dora@example.net\"}}");
        var before = herald.config().gateways();
        var fresh = new java.util.ArrayList<>(before);
        fresh.add(new org.herald.config.GatewayConfig("smtp-late", "email", "smtp", "late", null, null, 2, null,
                Map.of("host", "127.0.0.1", "port", Integer.toString(mail.getSmtp().getPort()), "security", "none",
                        "from", "late@brand.example")));
        herald.server().reload(org.herald.config.ConfigLoader.load(null, Map.of("HERALD_GATEWAYS", snake(fresh))));
        try {
            assertThat(api.get("/api/v1/gateways").json().get("gateways")).extracting(g -> g.get("id").asText()).contains("smtp-late");
            JsonNode d = awaitDelivery(send("user:5005", null), "sent");
            assertThat(d.get("gateway").asText()).isEqualTo("smtp-late");
            MimeMessage m = await().atMost(Duration.ofSeconds(10)).until(() -> find("dora@example.net"), java.util.Objects::nonNull);
            assertThat(m.getFrom()[0].toString()).isEqualTo("late@brand.example");
        } finally {
            herald.server().reload(org.herald.config.ConfigLoader.load(null, Map.of("HERALD_GATEWAYS", snake(before))));
        }
    }

    @Test
    void aServerStartedWithoutGatewaysSendsEmailOnceAReloadAddsOne() throws Exception {
        try (TestHerald bare = TestHerald.builder().start()) {
            ApiClient bareApi = bare.api();
            bareApi.put("/api/v1/recipients/user:7007", "{\"contacts\":{\"email\":\"finn@example.net\"}}");
            String body = "{\"to\":\"user:7007\",\"channels\":[\"email\"],\"title\":\"Hello\",\"text\":\"First mail\"}";
            JsonNode before = bareApi.post("/api/v1/notifications", body).json().get("deliveries").get(0);
            assertThat(before.get("status").asText()).isEqualTo("skipped");
            assertThat(before.get("reason").asText()).isEqualTo("channel email is not enabled on this server");

            var added = List.of(new org.herald.config.GatewayConfig("smtp-new", "email", "smtp", null, null, null, null, null,
                    Map.of("host", "127.0.0.1", "port", Integer.toString(mail.getSmtp().getPort()), "security", "none",
                            "from", "new@isp.example")));
            bare.server().reload(org.herald.config.ConfigLoader.load(null, Map.of("HERALD_GATEWAYS", snake(added))));
            String id = bareApi.post("/api/v1/notifications", body).json().get("id").asText();
            JsonNode d = await().atMost(Duration.ofSeconds(20)).until(() -> bareApi.get("/api/v1/notifications/" + id).json()
                    .get("deliveries").get(0), x -> x.get("status").asText().equals("sent"));
            assertThat(d.get("gateway").asText()).isEqualTo("smtp-new");
            MimeMessage m = await().atMost(Duration.ofSeconds(10)).until(() -> find("finn@example.net"), java.util.Objects::nonNull);
            assertThat(m.getFrom()[0].toString()).isEqualTo("new@isp.example");
        }
    }

    /** Gateway records as configuration JSON (snake_case keys). */
    static String snake(Object value) throws Exception {
        return Json.MAPPER.copy().setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
                .writeValueAsString(value);
    }

    static MimeMessage find(String to) throws Exception {
        for (MimeMessage m : mail.getReceivedMessages()) {
            if (m.getAllRecipients()[0].toString().equals(to)) return m;
        }
        return null;
    }
}
