package org.herald.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.herald.testing.ApiClient;
import org.herald.testing.ApiResponse;
import org.herald.testing.ScriptedChannel;
import org.herald.testing.TestHerald;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecipientApiTest {
    static TestHerald herald;
    static ApiClient api;

    @BeforeAll
    static void start() {
        herald = TestHerald.builder().channel(new ScriptedChannel("sms").needing("phone")).start();
        api = herald.api();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    @Test
    void aRecipientIsCreatedReadReplacedAndDeleted() {
        ApiResponse created = api.put("/api/v1/recipients/user:1001",
                "{\"name\":\"Olena\",\"lang\":\"uk\",\"provider\":\"isp-east\",\"contacts\":{\"email\":\"olena@example.net\",\"phone\":\"+380501234567\"}}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode r = api.get("/api/v1/recipients/user:1001").json();
        assertThat(r.get("name").asText()).isEqualTo("Olena");
        assertThat(r.get("contacts").get("phone").asText()).isEqualTo("+380501234567");

        ApiResponse replaced = api.put("/api/v1/recipients/user:1001", "{\"name\":\"Olena K.\"}");
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().get("name").asText()).isEqualTo("Olena K.");
        assertThat(replaced.json().get("contacts").size()).isZero();

        assertThat(api.delete("/api/v1/recipients/user:1001").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/recipients/user:1001").status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/recipients/user:1001").status()).isEqualTo(404);
        // subscriptions of a recipient that has no record: DELETE removes them and says so
        assertThat(api.put("/api/v1/recipients/user:1002/subscriptions", "{\"*\":{\"inbox\":false}}").status()).isEqualTo(200);
        assertThat(api.delete("/api/v1/recipients/user:1002").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/recipients/user:1002/subscriptions").json().toString()).doesNotContain("inbox");
        assertThat(api.delete("/api/v1/recipients/user:1002").status()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{1} on {2}")
    @CsvSource(delimiter = '|', value = {
            "{\"contacts\":{\"phone\":\"0501234567\"}}|invalid_field|contacts.phone",
            "{\"contacts\":{\"email\":\"not-an-address\"}}|invalid_field|contacts.email",
            "{\"contacts\":[\"x\"]}|invalid_field|contacts",
            "{\"contacts\":{\"Bad Key\":\"x\"}}|invalid_field|contacts.Bad Key",
            "{\"nick\":\"x\"}|unknown_field|nick",
            "{\"name\":42}|invalid_field|name"})
    void aBadRecipientIsRefusedNamingTheField(String body, String code, String field) {
        ApiResponse r = api.put("/api/v1/recipients/user:2", body);
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo(code);
        assertThat(r.json().get("field").asText()).isEqualTo(field);
    }

    @Test
    void aMalformedRecipientIdIsRefused() {
        ApiResponse r = api.put("/api/v1/recipients/nokind", "{}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo("rid");
    }

    @Test
    void subscriptionsAreStoredAndValidated() {
        ApiResponse put = api.put("/api/v1/recipients/admin:9/subscriptions",
                "{\"payment.received\":{\"inbox\":true,\"sms\":false},\"*\":{\"inbox\":true}}");
        assertThat(put.status()).isEqualTo(200);
        JsonNode got = api.get("/api/v1/recipients/admin:9/subscriptions").json();
        assertThat(got.get("payment.received").get("sms").asBoolean()).isFalse();
        assertThat(got.get("*").get("inbox").asBoolean()).isTrue();

        ApiResponse bad = api.put("/api/v1/recipients/admin:9/subscriptions", "{\"x\":{\"carrier-pigeon\":true}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).isEqualTo("unknown_channel");
        assertThat(bad.json().get("field").asText()).isEqualTo("x.carrier-pigeon");
        ApiResponse notBool = api.put("/api/v1/recipients/admin:9/subscriptions", "{\"x\":{\"inbox\":\"yes\"}}");
        assertThat(notBool.json().get("field").asText()).isEqualTo("x.inbox");
    }

    @Test
    void anUnsubscribedChannelIsSkippedWithTheReason() {
        api.put("/api/v1/recipients/user:50", "{\"contacts\":{\"phone\":\"+380501112233\"}}");
        api.put("/api/v1/recipients/user:50/subscriptions", "{\"payment.received\":{\"sms\":false}}");
        ApiResponse r = api.post("/api/v1/notifications",
                "{\"to\":\"user:50\",\"type\":\"payment.received\",\"text\":\"paid\",\"channels\":[\"sms\",\"inbox\"]}");
        JsonNode ds = r.json().get("deliveries");
        assertThat(ds.get(0).get("channel").asText()).isEqualTo("sms");
        assertThat(ds.get(0).get("status").asText()).isEqualTo("skipped");
        assertThat(ds.get(0).get("reason").asText()).isEqualTo("unsubscribed from payment.received on sms");
        assertThat(ds.get(1).get("status").asText()).isEqualTo("queued");
        JsonNode stored = api.get("/api/v1/notifications/" + r.json().get("id").asText()).json().get("deliveries").get(0);
        assertThat(stored.get("status").asText()).isEqualTo("skipped");
        assertThat(stored.get("last_error").asText()).isEqualTo("unsubscribed from payment.received on sms");
    }

    @Test
    void withoutChannelsTheRecipientsSubscriptionsForTheTypeDecide() {
        api.put("/api/v1/recipients/user:51", "{\"contacts\":{\"phone\":\"+380501112234\"}}");
        api.put("/api/v1/recipients/user:51/subscriptions", "{\"balance.low\":{\"sms\":true,\"inbox\":false},\"*\":{\"inbox\":true}}");
        JsonNode typed = api.post("/api/v1/notifications", "{\"to\":\"user:51\",\"type\":\"balance.low\",\"text\":\"x\"}").json().get("deliveries");
        java.util.Map<String, String> statusByChannel = new java.util.HashMap<>();
        typed.forEach(d -> statusByChannel.put(d.get("channel").asText(), d.get("status").asText()));
        assertThat(statusByChannel).containsExactlyInAnyOrderEntriesOf(java.util.Map.of("sms", "queued", "inbox", "skipped"));

        JsonNode other = api.post("/api/v1/notifications", "{\"to\":\"user:51\",\"type\":\"news\",\"text\":\"x\"}").json().get("deliveries");
        assertThat(other.findValuesAsText("channel")).containsExactly("inbox");
        assertThat(other.findValuesAsText("status")).containsExactly("queued");
    }

    @Test
    void withoutChannelsOrSubscriptionsTheConfiguredDefaultIsUsed() {
        JsonNode ds = api.post("/api/v1/notifications", "{\"to\":\"user:52\",\"text\":\"x\"}").json().get("deliveries");
        assertThat(ds.findValuesAsText("channel")).containsExactly("inbox");
    }

    @Test
    void aChannelThatNeedsAContactTheRecipientLacksIsSkipped() {
        JsonNode ds = api.post("/api/v1/notifications", "{\"to\":\"user:53\",\"text\":\"x\",\"channels\":[\"sms\"]}").json().get("deliveries");
        assertThat(ds.get(0).get("status").asText()).isEqualTo("skipped");
        assertThat(ds.get(0).get("reason").asText()).isEqualTo("recipient has no phone contact");
    }
}
