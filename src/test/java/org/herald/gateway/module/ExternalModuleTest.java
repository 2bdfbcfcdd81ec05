package org.herald.gateway.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.herald.core.Json;
import org.herald.testing.ApiClient;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BILLmanager gateway modules run unchanged by Herald: a Python SMS module and a shell XMPP module that work, and
 * modules that hang, print garbage, print an error document, or answer with an XML external entity.
 */
class ExternalModuleTest {
    static final String SECRET = "root:the-secret-that-must-not-leak";
    static Path dir;
    static TestHerald herald;
    static ApiClient api;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("herald-modules");
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/modules"))) {
            for (Path f : files.toList()) {
                Path copy = Files.copy(f, dir.resolve(f.getFileName()));
                copy.toFile().setExecutable(true);
            }
        }
        Files.writeString(dir.resolve("secret.txt"), SECRET);
        List<Map<String, Object>> gateways = List.of(
                gateway("py-sms", "sms", null, "gwpysms", Map.of("login", "isp", "password", "pw", "sender", "ISP",
                        "descriptor", dir.resolve("billmgr_mod_gwpysms.xml").toString())),
                gateway("py-sms-badlogin", "sms", "badlogin", "gwpysms", Map.of("login", "nobody", "password", "pw")),
                gateway("hang", "sms", "hang", "gwhang", Map.of("timeout", "1s")),
                gateway("garbage", "sms", "garbage", "gwgarbage", Map.of()),
                gateway("error", "sms", "error", "gwerror", Map.of()),
                gateway("xxe", "sms", "xxe", "gwxxe", Map.of()),
                gateway("sh-xmpp", "xmpp", null, "gwshxmpp", Map.of("server", "jabber.example", "poll", "300ms")));
        herald = TestHerald.builder()
                .env("HERALD_GATEWAYS", Json.write(gateways))
                .env("HERALD_QUEUE_BACKOFF_BASE", "100ms")
                .env("HERALD_QUEUE_MAX_ATTEMPTS", "2")
                .start();
        api = herald.api();
    }

    static Map<String, Object> gateway(String id, String channel, String provider, String module, Map<String, String> settings) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("id", id);
        g.put("channel", channel);
        g.put("module", "external");
        if (provider != null) g.put("provider", provider);
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.put("program", dir.resolve(module).toString());
        g.put("settings", s);
        return g;
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    static String send(String to, String channel, String title, String text) {
        return api.post("/api/v1/notifications", Json.write(Map.of("to", to, "channels", List.of(channel), "title", title, "text", text)))
                .json().get("id").asText();
    }

    static JsonNode awaitDelivery(String notificationId, String status) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/notifications/" + notificationId).json()
                .get("deliveries").get(0), d -> d.get("status").asText().equals(status));
    }

    static List<Path> spool(String prefix) throws IOException {
        Path spool = dir.resolve("spool");
        if (!Files.isDirectory(spool)) return List.of();
        try (Stream<Path> files = Files.list(spool)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    @Test
    void aPythonModuleSendsTheSmsWithTheGatewayColumnsXmlparamsAndTheUser() throws Exception {
        api.put("/api/v1/recipients/user:91", "{\"contacts\":{\"phone\":\"+380501230091\",\"email\":\"c91@isp.example\"}}");
        JsonNode d = awaitDelivery(send("user:91", "sms", "Payment", "Payment of 100 UAH received"), "sent");
        assertThat(d.get("gateway").asText()).isEqualTo("py-sms");
        JsonNode got = Json.MAPPER.readTree(spool("py-").stream().map(ExternalModuleTest::read)
                .filter(s -> s.contains("380501230091")).findFirst().orElseThrow());
        assertThat(got.get("argv").toString()).isEqualTo("[\"--command\",\"outgoing\",\"--gate\",\"py-sms\"]");
        assertThat(got.get("message").asText()).isEqualTo("Payment of 100 UAH received");
        assertThat(got.get("subject").asText()).isEqualTo("Payment");
        assertThat(got.get("phone_root").asText()).isEqualTo("+380501230091");
        assertThat(got.get("user").get("email").asText()).isEqualTo("c91@isp.example");
        assertThat(got.get("sender").asText()).isEqualTo("ISP");
        assertThat(got.get("gateway_name").asText()).isEqualTo("py-sms");
        assertThat(got.get("herald_settings_leaked").asBoolean()).isFalse();
    }

    @Test
    void aModulesErrorDocumentIsAFailedAttemptWithItsReasonThenRetriesRunOut() {
        api.put("/api/v1/recipients/user:92", "{\"provider\":\"badlogin\",\"contacts\":{\"phone\":\"+380501230092\"}}");
        JsonNode failed = awaitDelivery(send("user:92", "sms", "t", "x"), "failed");
        assertThat(failed.get("attempts").asInt()).isEqualTo(2);
        assertThat(failed.get("last_error").asText()).contains("gwpysms --command outgoing").contains("error auth")
                .contains("login");
    }

    @Test
    void aModuleThatHangsIsKilledAtItsTimeout() throws Exception {
        api.put("/api/v1/recipients/user:93", "{\"provider\":\"hang\",\"contacts\":{\"phone\":\"+380501230093\"}}");
        JsonNode failed = awaitDelivery(send("user:93", "sms", "t", "x"), "failed");
        assertThat(failed.get("last_error").asText()).contains("gwhang").contains("no answer within PT1S; killed");
        long pid = Long.parseLong(Files.readString(dir.resolve("spool/hang.pid")).strip());
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void garbageOutputIsAFailedAttemptQuotingIt() {
        api.put("/api/v1/recipients/user:94", "{\"provider\":\"garbage\",\"contacts\":{\"phone\":\"+380501230094\"}}");
        JsonNode failed = awaitDelivery(send("user:94", "sms", "t", "x"), "failed");
        assertThat(failed.get("last_error").asText()).contains("gwgarbage").contains("not XML").contains("Segmentation fault");
    }

    @Test
    void anErrorDocumentNamesTheObjectAndValue() {
        api.put("/api/v1/recipients/user:95", "{\"provider\":\"error\",\"contacts\":{\"phone\":\"+380501230095\"}}");
        JsonNode failed = awaitDelivery(send("user:95", "sms", "t", "x"), "failed");
        assertThat(failed.get("last_error").asText()).contains("error value (object phone)").contains("value=+380000");
    }

    @Test
    void anXmlExternalEntityInAnAnswerIsNotResolved() {
        api.put("/api/v1/recipients/user:96", "{\"provider\":\"xxe\",\"contacts\":{\"phone\":\"+380501230096\"}}");
        String id = send("user:96", "sms", "t", "x");
        JsonNode failed = awaitDelivery(id, "failed");
        assertThat(failed.get("last_error").asText()).contains("gwxxe").contains("not XML").contains("DOCTYPE")
                .doesNotContain("the-secret-that-must-not-leak");
        JsonNode log = api.get("/api/v1/deliveries/" + failed.get("id").asText()).json().get("attempt_log");
        assertThat(log.toString()).doesNotContain("the-secret-that-must-not-leak");
    }

    @Test
    void aShellModuleServesAContactTypeOfItsOwn() throws Exception {
        api.put("/api/v1/recipients/user:97", "{\"contacts\":{\"xmpp\":\"client97@jabber.example\"}}");
        awaitDelivery(send("user:97", "xmpp", "Ticket", "Ticket #5 answered"), "sent");
        String input = spool("sh-").stream().map(ExternalModuleTest::read).filter(s -> s.contains("client97@")).findFirst().orElseThrow();
        assertThat(input).contains("<xmpp>client97@jabber.example</xmpp>").contains("<message>Ticket #5 answered</message>")
                .contains("<server>jabber.example</server>").contains("&lt;server&gt;jabber.example&lt;/server&gt;");
    }

    @Test
    void anIngoingModuleIsPolledAndItsMessagesComeIn() {
        JsonNode m = await().atMost(Duration.ofSeconds(10)).until(() -> find(api.get("/api/v1/incoming").json().get("messages")),
                java.util.Objects::nonNull);
        assertThat(m.get("gateway").asText()).isEqualTo("sh-xmpp");
        assertThat(m.get("channel").asText()).isEqualTo("xmpp");
        assertThat(m.get("from").asText()).isEqualTo("client@jabber.example");
    }

    private static JsonNode find(JsonNode messages) {
        for (JsonNode m : messages) if (m.get("text").asText().equals("Please call me back about invoice 42")) return m;
        return null;
    }

    @Test
    void theGatewayListShowsWhatEachModuleSaysItCanDoAndChecksRunCheckConnection() {
        JsonNode gateways = await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/gateways").json().get("gateways"),
                g -> byId(g, "sh-xmpp").get("features").size() == 4);
        assertThat(byId(gateways, "py-sms").get("features").toString()).isEqualTo("[\"outgoing\",\"check_connection\"]");
        assertThat(byId(gateways, "sh-xmpp").get("module").asText()).isEqualTo("external");
        assertThat(api.post("/api/v1/gateways/py-sms/check", "{}").json().get("ok").asBoolean()).isTrue();
        assertThat(api.post("/api/v1/gateways/sh-xmpp/check", "{}").json().get("ok").asBoolean()).isTrue();
    }

    @Test
    void theSettingsFormComesFromTheDescriptorWithLabelsAndFormtune() {
        JsonNode form = api.get("/api/v1/gateways/py-sms/form?lang=ru").json();
        assertThat(form.get("plugin").asText()).isEqualTo("gwpysms");
        assertThat(form.get("fields").get(0).get("name").asText()).isEqualTo("login");
        assertThat(form.get("fields").get(0).get("label").asText()).isEqualTo("Логин");
        assertThat(form.get("fields").get(0).get("required").asBoolean()).isTrue();
        assertThat(form.get("fields").get(1).get("type").asText()).isEqualTo("password");
        await().atMost(Duration.ofSeconds(10)).until(() -> !api.get("/api/v1/gateways/sh-xmpp/form").json().get("formtune").isNull());
        assertThat(api.get("/api/v1/gateways/sh-xmpp/form").json().get("formtune").asText()).contains("<val>billing</val>");
        assertThat(api.get("/api/v1/gateways/nope/form").status()).isEqualTo(404);
    }

    private static JsonNode byId(JsonNode gateways, String id) {
        for (JsonNode g : gateways) if (g.get("id").asText().equals(id)) return g;
        throw new AssertionError("no gateway " + id);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
