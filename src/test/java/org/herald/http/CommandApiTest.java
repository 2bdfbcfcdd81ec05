package org.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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

/** Background commands through the API: allow-list, literal arguments, timeouts that kill the tree, capped output, results. */
class CommandApiTest {
    static TestHerald herald;
    static ApiClient api;

    @BeforeAll
    static void start() {
        herald = TestHerald.builder()
                .env("HERALD_COMMANDS_PROGRAMS", Json.write(List.of(
                        Map.of("name", "echo", "path", "/bin/echo", "max_timeout", "5s"),
                        Map.of("name", "fail", "path", "/bin/sh", "args", List.of("-c", "echo oops >&2; exit 3")),
                        Map.of("name", "spawn", "path", "/bin/sh", "args", List.of("-c", "sleep 60 & echo child $!; sleep 60"),
                                "max_timeout", "1s"),
                        Map.of("name", "detach", "path", "/bin/sh", "args", List.of("-c", "(sleep 60 & echo grandchild $!); sleep 60"),
                                "max_timeout", "1s"),
                        Map.of("name", "seq", "path", "/usr/bin/seq", "max_timeout", "10s"),
                        Map.of("name", "nap", "path", "/bin/sleep", "max_timeout", "5s"),
                        Map.of("name", "missing", "path", "/nonexistent/program"))))
                .env("HERALD_COMMANDS_MAX_OUTPUT_BYTES", "1024")
                .env("HERALD_COMMANDS_MAX_CONCURRENT", "1")
                .start();
        api = herald.api();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    static String run(String to, String command, List<String> args, String timeout) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("to", to);
        body.put("command", command);
        body.put("args", args);
        if (timeout != null) body.put("timeout", timeout);
        ApiResponse r = api.post("/api/v1/commands", Json.write(body));
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        return r.json().get("id").asText();
    }

    static JsonNode awaitFinished(String id) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/commands/" + id).json(),
                c -> java.util.Set.of("succeeded", "failed", "timed_out").contains(c.get("status").asText()));
    }

    @Test
    void argumentsWithShellMetacharactersArePassedLiterallyAndTheResultIsNotified() {
        List<String> args = List.of("$(id)", ";", "rm -rf /", "`whoami`", "a|b", "'q'", "\"dq\"", "*", "~");
        String id = run("admin:7", "echo", args, null);
        JsonNode c = awaitFinished(id);
        assertThat(c.get("status").asText()).isEqualTo("succeeded");
        assertThat(c.get("exit_code").asInt()).isZero();
        assertThat(c.get("output").asText()).isEqualTo(String.join(" ", args) + "\n");
        assertThat(c.get("timeout").asText()).isEqualTo("5s");

        // the recipient is told: a command.result notification on its default channels (the inbox here)
        String notification = await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/commands/" + id).json()
                .get("notification_id"), n -> n.isTextual()).asText();
        JsonNode n = api.get("/api/v1/notifications/" + notification).json();
        assertThat(n.get("type").asText()).isEqualTo("command.result");
        assertThat(n.get("title").asText()).isEqualTo("echo: done");
        assertThat(n.get("text").asText()).contains("rm -rf /");
        assertThat(n.get("data").get("command_id").asText()).isEqualTo(id);
        assertThat(n.get("data").get("status").asText()).isEqualTo("succeeded");
        String token = api.clientToken("admin:7");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.as(token).get("/api/v1/inbox").json().get("items").size() >= 1);
    }

    @Test
    void aFailingProgramKeepsItsExitCodeAndStderr() {
        JsonNode c = awaitFinished(run("admin:8", "fail", List.of(), null));
        assertThat(c.get("status").asText()).isEqualTo("failed");
        assertThat(c.get("exit_code").asInt()).isEqualTo(3);
        assertThat(c.get("output").asText()).isEqualTo("oops\n");
        String nid = await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/commands/" + c.get("id").asText()).json()
                .get("notification_id"), x -> x.isTextual()).asText();
        assertThat(api.get("/api/v1/notifications/" + nid).json().get("title").asText()).isEqualTo("fail: failed (exit 3)");
    }

    @Test
    void aProgramThatOutlivesItsTimeoutIsKilledWithItsChildren() {
        JsonNode c = awaitFinished(run("admin:9", "spawn", List.of(), null));
        assertThat(c.get("status").asText()).isEqualTo("timed_out");
        assertThat(c.get("exit_code").isNull()).isTrue();
        String out = c.get("output").asText();
        assertThat(out).startsWith("child ");
        long child = Long.parseLong(out.lines().findFirst().orElseThrow().substring(6).trim());
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
        String nid = await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/commands/" + c.get("id").asText()).json()
                .get("notification_id"), x -> x.isTextual()).asText();
        assertThat(api.get("/api/v1/notifications/" + nid).json().get("title").asText()).isEqualTo("spawn: timed out after 1 s");
    }

    @Test
    void aGrandchildThatDetachedFromTheProgramIsKilledAtTheTimeoutToo() {
        JsonNode c = awaitFinished(run("admin:12", "detach", List.of(), null));
        assertThat(c.get("status").asText()).isEqualTo("timed_out");
        String out = c.get("output").asText();
        assertThat(out).startsWith("grandchild ");
        long grandchild = Long.parseLong(out.lines().findFirst().orElseThrow().substring("grandchild ".length()).trim());
        // its parent (the subshell) exited at once, so it is no descendant of the program any more
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(grandchild).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void hugeOutputIsCappedAndMarkedTruncated() {
        JsonNode c = awaitFinished(run("admin:10", "seq", List.of("1", "300000"), null));
        assertThat(c.get("status").asText()).isEqualTo("succeeded");
        assertThat(c.get("truncated").asBoolean()).isTrue();
        assertThat(c.get("output").asText()).hasSize(1024).startsWith("1\n2\n3\n");
    }

    @Test
    void aProgramThatCannotStartFailsWithTheReason() {
        JsonNode c = awaitFinished(run("admin:11", "missing", List.of(), null));
        assertThat(c.get("status").asText()).isEqualTo("failed");
        assertThat(c.get("error").asText()).contains("cannot start /nonexistent/program");
    }

    @Test
    void commandsOffTheAllowListAndBadRequestsAreRefusedWithTheField() {
        ApiResponse refused = api.post("/api/v1/commands", "{\"to\":\"admin:1\",\"command\":\"rm\",\"args\":[\"-rf\",\"/\"]}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("error").asText()).isEqualTo("command_not_allowed");
        assertThat(refused.json().get("field").asText()).isEqualTo("command");
        assertThat(api.post("/api/v1/commands", "{\"to\":\"admin:1\",\"command\":\"echo\",\"timeout\":\"1m\"}").json().get("field").asText())
                .isEqualTo("timeout");
        assertThat(api.post("/api/v1/commands", "{\"to\":\"admin:1\",\"command\":\"echo\",\"args\":[1]}").json().get("field").asText())
                .isEqualTo("args");
        assertThat(api.post("/api/v1/commands", "{\"to\":\"nobody\",\"command\":\"echo\"}").json().get("field").asText()).isEqualTo("to");
        assertThat(api.post("/api/v1/commands", "{\"to\":\"admin:1\",\"command\":\"echo\",\"shell\":true}").json().get("field").asText())
                .isEqualTo("shell");
        assertThat(herald.anonymous().post("/api/v1/commands", "{\"to\":\"admin:1\",\"command\":\"echo\"}").status()).isEqualTo(401);
        assertThat(api.get("/api/v1/commands/nope").status()).isEqualTo(404);
    }

    @Test
    void runsBeyondTheConcurrencyLimitWaitQueuedAndTheHistoryListsThem() {
        String first = run("admin:12", "nap", List.of("1"), null);
        String second = run("admin:12", "nap", List.of("1"), null);
        await().atMost(Duration.ofSeconds(10)).until(() -> java.util.Set.of(
                api.get("/api/v1/commands/" + first).json().get("status").asText(),
                api.get("/api/v1/commands/" + second).json().get("status").asText()).equals(java.util.Set.of("running", "queued")));
        awaitFinished(first);
        awaitFinished(second);
        JsonNode history = api.get("/api/v1/commands?to=admin:12").json().get("commands");
        assertThat(history).extracting(h -> h.get("id").asText()).containsExactly(second, first);
        assertThat(api.get("/api/v1/commands?status=nope").json().get("field").asText()).isEqualTo("status");
    }
}
