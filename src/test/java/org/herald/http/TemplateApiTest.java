package org.herald.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.herald.testing.ApiClient;
import org.herald.testing.ApiResponse;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Templates managed over the API and rendered into notifications: Mustache, XSLT, languages, errors. */
class TemplateApiTest {
    static TestHerald herald;
    static ApiClient api;

    @BeforeAll
    static void start() {
        herald = TestHerald.builder().env("HERALD_TEMPLATES_DEFAULT_LANG", "en")
                .env("HERALD_TEMPLATES_MACROS", "{\"COMPANY\":\"MyISP\",\"SUPPORT\":\"+380441234567\"}").start();
        api = herald.api();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    static ApiResponse put(String path, String source) {
        return api.send("PUT", "/api/v1/templates/" + path, source, null, "text/plain; charset=utf-8");
    }

    static JsonNode notification(String body) {
        ApiResponse r = api.post("/api/v1/notifications", body);
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        return api.get("/api/v1/notifications/" + r.json().get("id").asText()).json();
    }

    @Test
    void aMustacheTemplateRendersTheTitleAndTextInTheRequestedLanguage() {
        assertThat(put("payment_received/ru/subject.mustache", "Платёж {{amount}} грн").status()).isEqualTo(201);
        assertThat(put("payment_received/ru/text.mustache", "Абонент {{uid}} оплатил {{data.amount}} грн. <b>спасибо</b>").status()).isEqualTo(201);
        assertThat(put("payment_received/en/text.mustache", "Client {{uid}} paid {{amount}}").status()).isEqualTo(201);

        JsonNode ru = notification("{\"to\":\"admin:1\",\"template\":\"payment_received\",\"lang\":\"ru\",\"data\":{\"uid\":1001,\"amount\":\"10.00\"}}");
        assertThat(ru.get("title").asText()).isEqualTo("Платёж 10.00 грн");
        assertThat(ru.get("text").asText()).isEqualTo("Абонент 1001 оплатил 10.00 грн. <b>спасибо</b>");

        // no Ukrainian version: the default language
        JsonNode uk = notification("{\"to\":\"admin:1\",\"template\":\"payment_received\",\"lang\":\"uk\",\"data\":{\"uid\":7,\"amount\":\"5\"}}");
        assertThat(uk.get("text").asText()).isEqualTo("Client 7 paid 5");
        // a regional variant falls back to its base language
        JsonNode ruUa = notification("{\"to\":\"admin:1\",\"template\":\"payment_received\",\"lang\":\"ru-UA\",\"data\":{\"uid\":8,\"amount\":\"1\"}}");
        assertThat(ruUa.get("title").asText()).isEqualTo("Платёж 1 грн");

        assertThat(api.get("/api/v1/templates").json().get("templates").get("payment_received").get("ru").toString())
                .isEqualTo("[\"subject.mustache\",\"text.mustache\"]");
        assertThat(api.get("/api/v1/templates/payment_received/en/text.mustache").text()).isEqualTo("Client {{uid}} paid {{amount}}");
    }

    @Test
    void aMissingVariableIsAClearErrorNotABlankMessage() {
        put("low_balance/en/text.mustache", "Dear {{name}},\nyour balance is {{balance}}.");
        ApiResponse r = api.post("/api/v1/notifications", "{\"to\":\"user:1\",\"template\":\"low_balance\",\"data\":{\"name\":\"Ann\"}}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("template_error");
        assertThat(r.json().get("field").asText()).isEqualTo("template");
        assertThat(r.json().get("message").asText()).contains("low_balance").contains("text.mustache").contains("balance").contains("line 2");
    }

    @Test
    void anXsltTemplateRendersTheNotificationAsXml() {
        String xsl = """
                <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
                  <xsl:output method="text"/>
                  <xsl:template match="/notification">Invoice <xsl:value-of select="data/invoice"/> for <xsl:value-of select="data/sum"/> (<xsl:value-of select="count(data/items/item)"/> items)</xsl:template>
                </xsl:stylesheet>""";
        assertThat(put("invoice/en/text.xsl", xsl).status()).isEqualTo(201);
        JsonNode n = notification("{\"to\":\"user:2\",\"template\":\"invoice\",\"data\":{\"invoice\":\"A-17\",\"sum\":\"99.50\",\"items\":[\"a\",\"b\",\"c\"]}}");
        assertThat(n.get("text").asText()).isEqualTo("Invoice A-17 for 99.50 (3 items)");
    }

    @Test
    void anXsltWithAnExternalEntityIsNotResolved() {
        String xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
                <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
                  <xsl:output method="text"/>
                  <xsl:template match="/">&secret;</xsl:template>
                </xsl:stylesheet>""";
        ApiResponse r = put("leak/en/text.xsl", xxe);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("template_error");
        assertThat(r.text()).doesNotContain("root:");
    }

    @Test
    void aNotificationTypeHasItsTemplateWhenNoTextOrTemplateIsGiven() {
        put("service_suspended/en/text.mustache", "Service of {{login}} is suspended");
        JsonNode n = notification("{\"to\":\"user:3\",\"type\":\"service_suspended\",\"data\":{\"login\":\"ann\"}}");
        assertThat(n.get("text").asText()).isEqualTo("Service of ann is suspended");
        assertThat(n.get("template").asText()).isEqualTo("service_suspended");
        ApiResponse none = api.post("/api/v1/notifications", "{\"to\":\"user:3\",\"type\":\"no_such_type\"}");
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.json().get("error").asText()).isEqualTo("unknown_template");
    }

    @Test
    void aTplTemplateIsXsltWhenItIsAStylesheetAndMustacheOtherwise() {
        put("ticket/en/subject.tpl", "Ticket {{id}}");
        put("ticket/en/text.tpl", """
                <?xml version="1.0"?>
                <!-- the structure tells the engine, as in BILLmanager -->
                <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
                  <xsl:output method="text"/>
                  <xsl:template match="/notification">Ticket <xsl:value-of select="data/id"/> answered</xsl:template>
                </xsl:stylesheet>""");
        JsonNode n = notification("{\"to\":\"user:4\",\"template\":\"ticket\",\"data\":{\"id\":\"T-9\"}}");
        assertThat(n.get("title").asText()).isEqualTo("Ticket T-9");
        assertThat(n.get("text").asText()).isEqualTo("Ticket T-9 answered");
    }

    @Test
    void macrosAreReplacedAfterEitherEngineAndOtherPercentWordsStay() {
        put("promo/en/subject.mustache", "%COMPANY%: {{discount}}% off");
        put("promo/en/text.xsl", """
                <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
                  <xsl:output method="text"/>
                  <xsl:template match="/notification">Call %SUPPORT% (%UNKNOWN% stays)</xsl:template>
                </xsl:stylesheet>""");
        JsonNode n = notification("{\"to\":\"user:5\",\"template\":\"promo\",\"data\":{\"discount\":10}}");
        assertThat(n.get("title").asText()).isEqualTo("MyISP: 10% off");
        assertThat(n.get("text").asText()).isEqualTo("Call +380441234567 (%UNKNOWN% stays)");
    }

    @Test
    void badTemplatesNamesAndUnknownTemplatesAreRefusedWithTheField() {
        ApiResponse bad = put("broken/en/text.mustache", "Hello {{#items}} never closed");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("message").asText()).contains("broken").contains("line 1");
        assertThat(put("..%2Fetc/en/text.mustache", "x").status()).isIn(400, 404);
        assertThat(put("ok/EN/text.mustache", "x").json().get("field").asText()).isEqualTo("lang");
        assertThat(put("ok/en/body.mustache", "x").json().get("field").asText()).isEqualTo("part");
        ApiResponse unknown = api.post("/api/v1/notifications", "{\"to\":\"user:1\",\"template\":\"nope\",\"lang\":\"de\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("error").asText()).isEqualTo("unknown_template");
        assertThat(unknown.json().get("message").asText()).contains("de, en");
        assertThat(herald.anonymous().send("PUT", "/api/v1/templates/x/en/text.mustache", "x", null, "text/plain").status()).isEqualTo(401);
        assertThat(api.delete("/api/v1/templates/x/en/text.mustache").status()).isEqualTo(404);
    }
}
