package org.herald.gateway.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.herald.core.Json;
import org.herald.testing.ApiClient;
import org.herald.testing.TestHerald;
import org.herald.testing.TestSmsc;
import org.jsmpp.SMPPConstant;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SMS over SMPP against an SMSC run in the test (jSMPP's server side), through Herald's HTTP API. */
class SmppGatewayTest {
    static TestSmsc smsc;
    static TestHerald herald;
    static ApiClient api;
    static String gatewaysJson;

    @BeforeAll
    static void start() throws Exception {
        smsc = new TestSmsc("s3cret");
        Map<String, String> settings = Map.of("host", "127.0.0.1", "port", Integer.toString(smsc.port()), "system_id", "herald",
                "password", "s3cret", "source_addr", "ISP", "enquire_link", "300ms", "rebind_delay", "200ms");
        gatewaysJson = Json.write(List.of(Map.of("id", "smsc", "channel", "sms", "module", "smpp", "settings", settings),
                Map.of("id", "smsc-wrong-password", "channel", "sms", "module", "smpp", "provider", "other",
                        "settings", Map.of("host", "127.0.0.1", "port", Integer.toString(smsc.port()), "password", "wrong"))));
        herald = TestHerald.builder()
                .env("HERALD_GATEWAYS", gatewaysJson)
                .env("HERALD_QUEUE_BACKOFF_BASE", "100ms")
                .env("HERALD_QUEUE_MAX_ATTEMPTS", "4")
                .start();
        api = herald.api();
        await().atMost(Duration.ofSeconds(10)).until(() -> smsc.boundSessions() == 1);
    }

    @AfterAll
    static void stop() throws Exception {
        herald.close();
        smsc.close();
    }

    static String sms(String to, String text) {
        return api.post("/api/v1/notifications", Json.write(Map.of("to", to, "channels", List.of("sms"), "text", text)))
                .json().get("id").asText();
    }

    static JsonNode awaitDelivery(String notificationId, String status) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/v1/notifications/" + notificationId).json()
                .get("deliveries").get(0), d -> d.get("status").asText().equals(status));
    }

    static List<TestSmsc.Submitted> submittedTo(String digits) {
        return smsc.submitted.stream().filter(s -> s.destination().equals(digits)).toList();
    }

    @Test
    void aLongTextGoesAsConcatenatedSegmentsAndItsReceiptMarksTheDeliveryDelivered() throws Exception {
        api.put("/api/v1/recipients/user:71", "{\"contacts\":{\"phone\":\"+380501230071\"}}");
        String text = "Your balance is 1.20 UAH. ".repeat(8).strip(); // 207 GSM-7 characters: two segments
        String id = sms("user:71", text);
        JsonNode sent = awaitDelivery(id, "sent");
        assertThat(sent.get("gateway").asText()).isEqualTo("smsc");
        List<TestSmsc.Submitted> parts = submittedTo("380501230071");
        assertThat(parts).hasSize(2);
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            TestSmsc.Submitted p = parts.get(i);
            assertThat(p.udhi()).isTrue();
            assertThat(p.dataCoding()).isEqualTo((byte) 0);
            assertThat(p.sourceAddr()).isEqualTo("ISP");
            assertThat(p.registeredDelivery() & 0x03).isEqualTo(1); // receipts asked for
            byte[] m = p.shortMessage();
            assertThat(new byte[] {m[0], m[1], m[2], m[4], m[5]}).containsExactly(5, 0, 3, 2, i + 1);
            assertThat(m[3]).isEqualTo(parts.get(0).shortMessage()[3]); // one reference for both parts
            joined.append(SmsSegments.decode(java.util.Arrays.copyOfRange(m, 6, m.length), false));
        }
        assertThat(joined.toString()).isEqualTo(text);

        smsc.receipt(parts.get(1).messageId(), DeliveryReceiptState.DELIVRD, "000");
        JsonNode delivered = awaitDelivery(id, "delivered");
        assertThat(delivered.get("delivered_at").isNull()).isFalse();
    }

    @Test
    void aCyrillicTextGoesAsUcs2() {
        api.put("/api/v1/recipients/user:72", "{\"contacts\":{\"phone\":\"+380501230072\"}}");
        awaitDelivery(sms("user:72", "Оплата 100 грн получена"), "sent");
        TestSmsc.Submitted p = submittedTo("380501230072").get(0);
        assertThat(p.dataCoding()).isEqualTo((byte) 8);
        assertThat(p.udhi()).isFalse();
        assertThat(new String(p.shortMessage(), StandardCharsets.UTF_16BE)).isEqualTo("Оплата 100 грн получена");
    }

    @Test
    void aFailureReceiptFailsTheDeliveryWithTheSmscsReason() throws Exception {
        api.put("/api/v1/recipients/user:73", "{\"contacts\":{\"phone\":\"+380501230073\"}}");
        String id = sms("user:73", "Maintenance tonight");
        awaitDelivery(id, "sent");
        smsc.receipt(submittedTo("380501230073").get(0).messageId(), DeliveryReceiptState.UNDELIV, "011");
        JsonNode failed = awaitDelivery(id, "failed");
        assertThat(failed.get("last_error").asText()).contains("smsc").contains("UNDELIV").contains("011");
    }

    @Test
    void aRefusedAddressFailsAtOnceAndAThrottledSubmitIsRetried() {
        api.put("/api/v1/recipients/user:74", "{\"contacts\":{\"phone\":\"+380501230074\"}}");
        smsc.refusals.add(SMPPConstant.STAT_ESME_RINVDSTADR);
        JsonNode refused = awaitDelivery(sms("user:74", "first"), "failed");
        assertThat(refused.get("attempts").asInt()).isEqualTo(1);
        assertThat(refused.get("last_error").asText()).contains("invalid destination address");

        smsc.refusals.add(SMPPConstant.STAT_ESME_RTHROTTLED);
        JsonNode retried = awaitDelivery(sms("user:74", "second"), "sent");
        assertThat(retried.get("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void aDroppedBindIsRecoveredAndSendingGoesOn() {
        int bindsBefore = smsc.binds.get();
        smsc.dropSessions();
        await().atMost(Duration.ofSeconds(10)).until(() -> smsc.binds.get() > bindsBefore && smsc.boundSessions() == 1);
        api.put("/api/v1/recipients/user:75", "{\"contacts\":{\"phone\":\"+380501230075\"}}");
        awaitDelivery(sms("user:75", "after the drop"), "sent");
        assertThat(submittedTo("380501230075")).hasSize(1);
    }

    @Test
    void aReloadKeepsTheSessionOfAnUnchangedGatewayBound() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> smsc.boundSessions() == 1);
        int binds = smsc.binds.get();
        herald.server().reload(org.herald.config.ConfigLoader.load(null, Map.of("HERALD_GATEWAYS", gatewaysJson)));
        Thread.sleep(500); // a rebuilt gateway would have bound again by now (it binds at once)
        assertThat(smsc.binds.get()).isEqualTo(binds);
        assertThat(smsc.boundSessions()).isEqualTo(1);
        api.put("/api/v1/recipients/user:77", "{\"contacts\":{\"phone\":\"+380501230077\"}}");
        awaitDelivery(sms("user:77", "after the reload"), "sent");
    }

    @Test
    void anIdleSessionIsKeptAliveWithEnquireLink() {
        int before = smsc.enquireLinks.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> smsc.enquireLinks.get() >= before + 2);
    }

    @Test
    void incomingSmsBecomeIncomingMessagesAndLongOnesArePutBackTogether() throws Exception {
        smsc.incoming("+380671110001", "ISP", "STOP".getBytes(StandardCharsets.US_ASCII), false, (byte) 0);
        byte[] part1 = concat(new byte[] {5, 0, 3, 42, 2, 1}, "Привет, ".getBytes(StandardCharsets.UTF_16BE));
        byte[] part2 = concat(new byte[] {5, 0, 3, 42, 2, 2}, "баланс?".getBytes(StandardCharsets.UTF_16BE));
        smsc.incoming("+380671110002", "ISP", part2, true, (byte) 8);
        smsc.incoming("+380671110002", "ISP", part1, true, (byte) 8);
        JsonNode messages = await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/incoming").json().get("messages"),
                m -> bodies(m).contains("STOP") && bodies(m).contains("Привет, баланс?"));
        for (JsonNode m : messages) {
            if (m.get("text").asText().equals("STOP")) {
                assertThat(m.get("from").asText()).isEqualTo("+380671110001");
                assertThat(m.get("to").asText()).isEqualTo("ISP");
                assertThat(m.get("gateway").asText()).isEqualTo("smsc");
                assertThat(m.get("channel").asText()).isEqualTo("sms");
            }
        }
        assertThat(bodies(messages)).doesNotContain("баланс?"); // no half message stored
    }

    @Test
    void theGatewayListShowsTheSmppFeaturesAndACheckBinds() {
        JsonNode g = api.get("/api/v1/gateways").json().get("gateways").get(0);
        assertThat(g.get("module").asText()).isEqualTo("smpp");
        assertThat(Json.MAPPER.convertValue(g.get("features"), List.class)).contains("outgoing", "ingoing", "delivery_receipts");
        assertThat(api.post("/api/v1/gateways/smsc/check", "{}").json().get("ok").asBoolean()).isTrue();
        JsonNode refused = api.post("/api/v1/gateways/smsc-wrong-password/check", "{}").json();
        assertThat(refused.get("ok").asBoolean()).isFalse();
        assertThat(refused.get("error").asText()).contains("cannot bind to 127.0.0.1:" + smsc.port());
    }

    @Test
    void aRecipientOfAProviderWhoseSmscRefusesTheBindIsRetriedNotLost() {
        api.put("/api/v1/recipients/user:76", "{\"provider\":\"other\",\"contacts\":{\"phone\":\"+380501230076\"}}");
        JsonNode failed = awaitDelivery(sms("user:76", "x"), "failed");
        assertThat(failed.get("attempts").asInt()).isEqualTo(4);
        assertThat(failed.get("last_error").asText()).contains("smsc-wrong-password").contains("not bound");
        assertThat(submittedTo("380501230076")).isEmpty();
    }

    private static List<String> bodies(JsonNode messages) {
        List<String> out = new ArrayList<>();
        messages.forEach(m -> out.add(m.get("text").asText()));
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
