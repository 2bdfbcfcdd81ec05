package org.herald.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.herald.core.Json;
import org.herald.testing.AmiTestServer;
import org.herald.testing.ApiClient;
import org.herald.testing.ApiResponse;
import org.herald.testing.MemcachedProcess;
import org.herald.testing.TestHerald;
import org.herald.testing.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The BLF panel's server side against an AMI test server that speaks Asterisk 22's wire format, through Herald's
 * real AMI connection (asterisk-java): snapshot, live changes, duplicates, PBX restart, bad credentials, malformed
 * messages, poll mode; seen through GET /api/v1/blf, the WebSocket topic blf and memcached.
 */
class BlfPanelTest {
    static final String USER = "blfpanel", SECRET = "blfpanel-secret";
    AmiTestServer pbx;
    MemcachedProcess memcached;
    TestHerald herald;
    ApiClient api;

    @BeforeEach
    void startPbx() throws Exception {
        pbx = AmiTestServer.start(USER, SECRET);
        pbx.addHint("internal", "101", "Custom:101", AmiTestServer.IDLE);
        pbx.addHint("internal", "102", "Custom:102", AmiTestServer.IDLE);
        pbx.addHint("internal", "103", "Custom:103a&Custom:103b", AmiTestServer.IDLE);
        pbx.addHint("internal", "201", "Local/201@phones", AmiTestServer.UNAVAILABLE);
    }

    @AfterEach
    void stop() {
        if (herald != null) herald.close();
        if (memcached != null) memcached.close();
        pbx.close();
    }

    void startHerald(String secret, String mode, String... extraEnv) {
        startHerald(Map.of("id", "main", "host", "127.0.0.1", "port", pbx.port(), "username", USER, "secret", secret,
                "mode", mode, "poll_interval", "200ms"), extraEnv);
    }

    void startHerald(Map<String, Object> pbxConfig, String... extraEnv) {
        var b = TestHerald.builder()
                .env("HERALD_BLF_PBXS", Json.write(List.of(pbxConfig)))
                .env("HERALD_BLF_OPERATORS", "[{\"exten\":\"101\",\"name\":\"Alice\",\"group\":\"Sales\"},"
                        + "{\"exten\":\"102\",\"context\":\"internal\",\"name\":\"Bob\",\"group\":\"Support\"}]");
        for (int i = 0; i < extraEnv.length; i += 2) b.env(extraEnv[i], extraEnv[i + 1]);
        herald = b.start();
        api = herald.api();
    }

    JsonNode blf() {
        return api.get("/api/v1/blf").json();
    }

    static JsonNode ext(JsonNode blf, String exten) {
        for (JsonNode e : blf.get("extensions")) if (e.get("exten").asText().equals(exten)) return e;
        return null;
    }

    JsonNode awaitState(String exten, String state) {
        return await().atMost(Duration.ofSeconds(10)).until(this::blf, b -> {
            JsonNode e = ext(b, exten);
            return state == null ? e == null : e != null && e.get("state").asText().equals(state);
        });
    }

    WsClient panelSocket() {
        String token = api.clientToken("admin:1", "blf");
        WsClient ws = WsClient.open(herald.baseUrl(), "token=" + token);
        ws.awaitConnected();
        ws.send("{\"type\":\"subscribe\",\"topic\":\"blf\"}");
        return ws;
    }

    @Test
    void theSnapshotThenLiveChangesReachTheApiTheTopicAndMemcached() throws Exception {
        memcached = MemcachedProcess.start();
        startHerald(SECRET, "events", "HERALD_BLF_MEMCACHED", memcached.address());
        JsonNode first = await().atMost(Duration.ofSeconds(10)).until(this::blf, b -> b.get("extensions").size() == 4);
        assertThat(first.get("pbx_connected").asBoolean()).isTrue();
        JsonNode alice = ext(first, "101");
        assertThat(alice.get("name").asText()).isEqualTo("Alice");
        assertThat(alice.get("group").asText()).isEqualTo("Sales");
        assertThat(alice.get("state").asText()).isEqualTo("idle");
        assertThat(ext(first, "201").get("state").asText()).isEqualTo("unavailable");
        assertThat(ext(first, "201").get("state_code").asInt()).isEqualTo(4);

        WsClient ws = panelSocket();
        JsonNode subscribed = ws.nextOfType("subscribed");
        assertThat(subscribed.get("snapshot").get("extensions")).hasSize(4);

        pbx.setState("internal", "101", AmiTestServer.INUSE);
        JsonNode event = ws.nextMatching(f -> f.path("type").asText().equals("event") && f.path("data").path("kind").asText().equals("state"));
        JsonNode changed = event.get("data").get("extensions").get(0);
        assertThat(changed.get("exten").asText()).isEqualTo("101");
        assertThat(changed.get("state").asText()).isEqualTo("inuse");
        assertThat(awaitState("101", "inuse").get("pbx_connected").asBoolean()).isTrue();

        for (int code : new int[] {AmiTestServer.RINGING, AmiTestServer.INUSE_RINGING, AmiTestServer.ONHOLD, AmiTestServer.INUSE_ONHOLD, AmiTestServer.BUSY}) {
            pbx.setState("internal", "102", code);
        }
        awaitState("102", "busy");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(memcached.get("herald:blf:status:101")).isEqualTo("1");
            assertThat(Json.MAPPER.readTree(memcached.get("herald:blf:main:internal:102")).get("state").asText()).isEqualTo("busy");
            assertThat(Json.MAPPER.readTree(memcached.get("herald:blf:all")).get("extensions")).hasSize(4);
        });
        ws.close();
    }

    @Test
    void duplicateEventsChangeNothingAndEventsForDifferentExtensionsApplyInAnyOrder() {
        startHerald(SECRET, "events");
        awaitState("101", "idle");
        WsClient ws = panelSocket();
        ws.nextOfType("subscribed");

        pbx.setState("internal", "101", AmiTestServer.INUSE);
        pbx.setState("internal", "101", AmiTestServer.INUSE); // Asterisk would not repeat it; a duplicate must be harmless
        // two changes in the PBX, their events written in the opposite order in one go
        pbx.addHint("internal", "102", "Custom:102", AmiTestServer.INUSE);
        pbx.addHint("internal", "103", "Custom:103", AmiTestServer.RINGING);
        pbx.sendRaw(liveStatus("103", 8, "Ringing") + liveStatus("102", 1, "InUse"));
        awaitState("103", "ringing");
        awaitState("102", "inuse");
        JsonNode before = ext(blf(), "101");
        pbx.setState("internal", "101", AmiTestServer.INUSE);
        awaitState("101", "inuse");
        assertThat(ext(blf(), "101").get("since").asText()).isEqualTo(before.get("since").asText());

        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> true);
        List<String> changes = ws.drain().stream().filter(f -> f.path("data").path("kind").asText().equals("state"))
                .map(f -> f.get("data").get("extensions").get(0).get("exten").asText()).toList();
        assertThat(changes).containsExactlyInAnyOrder("101", "103", "102");
        ws.close();
    }

    @Test
    void aPbxRestartShowsDisconnectedKeepsTheLastStatesAndResnapshotsOnReconnect() {
        startHerald(SECRET, "events");
        awaitState("102", "idle");
        WsClient ws = panelSocket();
        ws.nextOfType("subscribed");

        pbx.stop();
        JsonNode down = ws.nextMatching(f -> f.path("data").path("kind").asText().equals("pbx"));
        assertThat(down.get("data").get("pbx").get("connected").asBoolean()).isFalse();
        assertThat(down.get("data").get("pbx_connected").asBoolean()).isFalse();
        JsonNode whileDown = blf();
        assertThat(whileDown.get("pbx_connected").asBoolean()).isFalse();
        assertThat(whileDown.get("extensions")).hasSize(4);

        // while the PBX is down, 102 is deleted from the dialplan and 101 picks up a call: no events reach Herald
        pbx.removeHint("internal", "102");
        pbx.setState("internal", "101", AmiTestServer.INUSE);
        pbx.restart();

        JsonNode up = ws.nextMatching(f -> f.path("data").path("kind").asText().equals("pbx")
                && f.get("data").get("pbx").get("connected").asBoolean());
        assertThat(up.get("data").get("pbx_connected").asBoolean()).isTrue();
        awaitState("102", null);
        awaitState("101", "inuse");
        JsonNode removed = ws.nextMatching(f -> f.path("data").path("kind").asText().equals("removed"));
        assertThat(removed.get("data").get("extensions").get(0).get("exten").asText()).isEqualTo("102");
        ws.close();
    }

    @Test
    void badCredentialsGiveAClearErrorAndBackOffInsteadOfATightLoop() {
        startHerald("wrong-secret", "events");
        JsonNode b = await().atMost(Duration.ofSeconds(10)).until(this::blf, x -> x.get("pbxs").get(0).get("error").isTextual()
                && x.get("pbxs").get(0).get("error").asText().contains("login refused"));
        assertThat(b.get("pbx_connected").asBoolean()).isFalse();
        assertThat(b.get("pbxs").get(0).get("error").asText()).contains("'blfpanel'").doesNotContain("wrong-secret");
        // it keeps trying, with back-off (1 s, then 2 s, plus jitter): the third refused login comes at least 3 s after
        // the first, so well over a second after the error showed; a tight loop would make hundreds in that time
        long shown = System.nanoTime();
        await().atMost(Duration.ofSeconds(20)).until(() -> pbx.failedLogins() >= 3);
        assertThat(Duration.ofNanos(System.nanoTime() - shown)).isGreaterThan(Duration.ofSeconds(1));
        assertThat(pbx.failedLogins()).isLessThan(6);
        assertThat(pbx.logins()).isZero();
    }

    @Test
    void aMalformedAmiMessageIsSkippedAndLaterEventsStillApply() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.herald.telephony.ami.AmiConnector.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            malformedMessagesAreSkipped();
        } finally {
            logger.detachAppender(logged);
        }
        // the event without Exten is logged, naming the PBX; the panel goes on
        assertThat(logged.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
            assertThat(e.getFormattedMessage()).contains("PBX main").contains("skipped");
        });
    }

    private void malformedMessagesAreSkipped() {
        startHerald(SECRET, "events");
        awaitState("101", "idle");
        pbx.sendRaw("this is not an AMI message\r\n\r\n");
        pbx.sendRaw("Event: ExtensionStatus\r\nPrivilege: call,all\r\nExten: 101\r\nContext: internal\r\nHint: Custom:101\r\nStatus: not-a-number\r\nStatusText: ?\r\n\r\n");
        pbx.sendRaw("Event: ExtensionStatus\r\nPrivilege: call,all\r\nContext: internal\r\nStatus: 1\r\n\r\n");
        pbx.setState("internal", "101", AmiTestServer.ONHOLD);
        awaitState("101", "onhold");
        assertThat(blf().get("pbx_connected").asBoolean()).isTrue();
        assertThat(blf().get("extensions")).hasSize(4);
    }

    @Test
    void pollModeSeesChangesWithoutEvents() {
        startHerald(SECRET, "poll");
        awaitState("101", "idle");
        assertThat(pbx.actionMessages()).anySatisfy(m -> assertThat(m).containsEntry("events", "off"));
        pbx.setState("internal", "101", AmiTestServer.RINGING); // sent to nobody: Herald logged in with events off
        awaitState("101", "ringing");
        pbx.removeHint("internal", "201");
        awaitState("201", null);
    }

    @Test
    void theApiNeedsAServerKeyOrATokenWithTheTopic() {
        startHerald(SECRET, "events");
        assertThat(herald.anonymous().get("/api/v1/blf").status()).isEqualTo(401);
        String plain = api.clientToken("admin:1");
        ApiResponse forbidden = api.as(plain).get("/api/v1/blf");
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().get("message").asText()).contains("blf");
        String withTopic = api.clientToken("admin:1", "blf");
        assertThat(api.as(withTopic).get("/api/v1/blf").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/blf").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/blf").text()).doesNotContain(SECRET);
    }

    @Test
    void aDialplanReloadLeadsToAFreshSnapshotThatDropsRemovedExtensions() {
        startHerald(SECRET, "events"); // reconcile_interval stays 60 s: only the reload can explain a removal
        awaitState("102", "idle");
        int snapshotsBefore = (int) pbx.actionsReceived().stream().filter("ExtensionStateList"::equalsIgnoreCase).count();
        pbx.removeHint("internal", "102");
        pbx.dialplanReload();
        awaitState("102", null);
        assertThat(pbx.actionsReceived().stream().filter("ExtensionStateList"::equalsIgnoreCase).count()).isGreaterThan(snapshotsBefore);
        assertThat(blf().get("extensions")).hasSize(3);
    }

    @Test
    void queueMembershipAndPausesShowOnTheMembersExtensions() {
        pbx.addQueueMember("support", "Operator 101", "Local/101@phones", "Custom:101", false);
        pbx.addQueueMember("support", "Operator 102", "Local/102@phones", "Custom:102", true);
        pbx.addQueueMember("sales", "Operator 103", "Local/103@phones", "Custom:103a", false);
        startHerald(Map.of("id", "main", "port", pbx.port(), "username", USER, "secret", SECRET, "queues", List.of("support")));
        JsonNode b = await().atMost(Duration.ofSeconds(10)).until(this::blf, x -> ext(x, "102") != null && ext(x, "102").get("queues").size() == 1);
        assertThat(ext(b, "101").get("queues").toString()).isEqualTo("[{\"queue\":\"support\",\"paused\":false}]");
        assertThat(ext(b, "102").get("queues").toString()).isEqualTo("[{\"queue\":\"support\",\"paused\":true}]");
        assertThat(ext(b, "103").get("queues")).as("queue sales is not tracked").isEmpty();

        WsClient ws = panelSocket();
        ws.nextOfType("subscribed");
        pbx.pauseQueueMember("support", "Local/101@phones", true);
        JsonNode event = ws.nextMatching(f -> f.path("data").path("kind").asText().equals("state"));
        JsonNode alice = event.get("data").get("extensions").get(0);
        assertThat(alice.get("exten").asText()).isEqualTo("101");
        assertThat(alice.get("queues").get(0).get("paused").asBoolean()).isTrue();
        assertThat(alice.get("state").asText()).isEqualTo("idle");
        ws.close();
    }

    static String liveStatus(String exten, int status, String text) {
        return "Event: ExtensionStatus\r\nPrivilege: call,all\r\nExten: " + exten + "\r\nContext: internal\r\nHint: Custom:" + exten
                + "\r\nStatus: " + status + "\r\nStatusText: " + text + "\r\n\r\n";
    }
}
