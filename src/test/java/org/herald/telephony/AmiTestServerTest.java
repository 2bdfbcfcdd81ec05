package org.herald.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.herald.testing.AmiTestServer.IDLE;
import static org.herald.testing.AmiTestServer.INUSE;
import static org.herald.testing.AmiTestServer.RINGING;
import static org.herald.testing.AmiTestServer.UNAVAILABLE;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.asteriskjava.AsteriskVersion;
import org.asteriskjava.manager.AuthenticationFailedException;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;
import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.action.CommandAction;
import org.asteriskjava.manager.action.PingAction;
import org.asteriskjava.manager.event.ConnectEvent;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.ExtensionStatusEvent;
import org.asteriskjava.manager.event.FullyBootedEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.ShutdownEvent;
import org.asteriskjava.manager.response.CommandResponse;
import org.asteriskjava.manager.response.ManagerResponse;
import org.asteriskjava.manager.response.PingResponse;
import org.herald.telephony.ami.ExtensionStateListAction;
import org.herald.telephony.ami.ExtensionStateListCompleteEvent;
import org.herald.testing.AmiTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AmiTestServer} against the AMI client Herald uses, asterisk-java, and byte for byte against the Asterisk 22
 * transcripts with a plain socket.
 */
class AmiTestServerTest {
    static final String USER = "blfpanel";
    static final String SECRET = "blfpanel-secret";

    AmiTestServer server;
    ManagerConnection connection;
    final List<ManagerEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() {
        server = AmiTestServer.start(USER, SECRET);
        server.addHint("internal", "101", "Custom:101", IDLE);
        server.addHint("internal", "102", "Custom:102", IDLE);
        server.addHint("internal", "103", "Custom:103a&Custom:103b", IDLE);
        server.addHint("internal", "201", "Local/201@phones", UNAVAILABLE);
    }

    @AfterEach
    void stopAll() {
        if (connection != null && (connection.getState() == ManagerConnectionState.CONNECTED
                || connection.getState() == ManagerConnectionState.RECONNECTING)) {
            connection.logoff();
        }
        server.close();
    }

    ManagerConnection connection(String secret) {
        connection = new ManagerConnectionFactory("127.0.0.1", server.port(), USER, secret).createManagerConnection();
        connection.addEventListener(events::add);
        return connection;
    }

    <T extends ManagerEvent> List<T> eventsOf(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    // ---- asterisk-java ----

    @Test
    void asteriskJavaLogsInWithAnMd5ChallengeAndLearnsTheVersionFromCoreSettings() throws Exception {
        connection(SECRET).login();

        assertThat(connection.getState()).isEqualTo(ManagerConnectionState.CONNECTED);
        assertThat(connection.getVersion()).isEqualTo(AsteriskVersion.ASTERISK_22);
        await().atMost(Duration.ofSeconds(5)).until(() -> !eventsOf(ConnectEvent.class).isEmpty()
                && !eventsOf(FullyBootedEvent.class).isEmpty());
        assertThat(eventsOf(FullyBootedEvent.class).getFirst().getStatus()).isEqualTo("Fully Booted");
        assertThat(eventsOf(ConnectEvent.class).getFirst().getProtocolIdentifier()).isEqualTo(AmiTestServer.BANNER);
        assertThat(server.logins()).isEqualTo(1);
        assertThat(server.actionsReceived()).containsExactly("Challenge", "Login", "CoreSettings");
        Map<String, String> login = server.actionMessages().get(1);
        assertThat(login).containsEntry("AuthType", "MD5").containsEntry("Username", USER)
                .containsKey("Key").doesNotContainKey("Secret").doesNotContainKey("Events");
    }

    @Test
    void aWrongSecretFailsTheLoginAndIsCounted() {
        assertThatThrownBy(() -> connection("wrong").login()).isInstanceOf(AuthenticationFailedException.class);

        assertThat(server.failedLogins()).isEqualTo(1);
        assertThat(server.logins()).isZero();
        assertThat(connection.getState()).isEqualTo(ManagerConnectionState.DISCONNECTED);
    }

    @Test
    void pingGetsPong() throws Exception {
        connection(SECRET).login();

        ManagerResponse response = connection.sendAction(new PingAction());

        assertThat(response).isInstanceOf(PingResponse.class);
        assertThat(response.getResponse()).isEqualTo("Success");
        assertThat(((PingResponse) response).getPing()).isEqualTo("Pong");
        assertThat(((PingResponse) response).getTimestamp()).matches("\\d+\\.\\d{6}");
    }

    @Test
    void coreShowVersionAnswersAsAsterisk22() throws Exception {
        connection(SECRET).login();

        ManagerResponse response = connection.sendAction(new CommandAction("core show version"));

        assertThat(response).isInstanceOf(CommandResponse.class);
        assertThat(((CommandResponse) response).getResult()).singleElement().asString()
                .startsWith("Asterisk 22.10.1 built by");
        assertThat(AsteriskVersion.getDetermineVersionFromString(((CommandResponse) response).getResult().getFirst()))
                .isEqualTo(AsteriskVersion.ASTERISK_22);
    }

    @Test
    void extensionStateListYieldsOneExtensionStatusEventPerHintThroughTheEventListener() throws Exception {
        connection(SECRET).login();

        ManagerResponse response = connection.sendAction(new ExtensionStateListAction());

        assertThat(response.getResponse()).isEqualTo("Success");
        assertThat(response.getEventList()).isEqualTo("start");
        assertThat(response.getMessage()).isEqualTo("Extension Statuses will follow");
        await().atMost(Duration.ofSeconds(5)).until(() -> eventsOf(ExtensionStatusEvent.class).size() == 4);
        assertThat(eventsOf(ExtensionStatusEvent.class))
                .extracting(ExtensionStatusEvent::getContext, ExtensionStatusEvent::getExten,
                        ExtensionStatusEvent::getHint, ExtensionStatusEvent::getStatus,
                        ExtensionStatusEvent::getStatustext, ExtensionStatusEvent::getPrivilege)
                .containsExactly(
                        tuple("internal", "101", "Custom:101", 0, "Idle", null),
                        tuple("internal", "102", "Custom:102", 0, "Idle", null),
                        tuple("internal", "103", "Custom:103a&Custom:103b", 0, "Idle", null),
                        tuple("internal", "201", "Local/201@phones", 4, "Unavailable", null));
    }

    @Test
    void theListCompleteEventReachesTheListenersOnceItsClassIsRegistered() throws Exception {
        connection(SECRET).registerUserEventClass(ExtensionStateListCompleteEvent.class);
        connection.login();

        connection.sendAction(new ExtensionStateListAction());

        await().atMost(Duration.ofSeconds(5)).until(() -> !eventsOf(ExtensionStateListCompleteEvent.class).isEmpty());
        ExtensionStateListCompleteEvent complete = eventsOf(ExtensionStateListCompleteEvent.class).getFirst();
        assertThat(complete.getListItems()).isEqualTo(4);
        assertThat(complete.getEventList()).isEqualTo("Complete");
        assertThat(events.indexOf(complete)).as("after the four ExtensionStatus events")
                .isGreaterThan(events.indexOf(eventsOf(ExtensionStatusEvent.class).get(3)));
    }

    @Test
    void setStateSendsALiveExtensionStatusEvent() throws Exception {
        connection(SECRET).login();

        server.setState("internal", "101", RINGING);

        await().atMost(Duration.ofSeconds(5)).until(() -> !eventsOf(ExtensionStatusEvent.class).isEmpty());
        ExtensionStatusEvent event = eventsOf(ExtensionStatusEvent.class).getFirst();
        assertThat(event.getContext()).isEqualTo("internal");
        assertThat(event.getExten()).isEqualTo("101");
        assertThat(event.getHint()).isEqualTo("Custom:101");
        assertThat(event.getStatus()).isEqualTo(RINGING);
        assertThat(event.getStatustext()).isEqualTo("Ringing");
        assertThat(event.getPrivilege()).isEqualTo("call,all");
        assertThat(server.hints().getFirst().status()).isEqualTo(RINGING);
    }

    @Test
    void afterStopAndRestartAsteriskJavaReconnectsByItselfAndFiresConnectEvent() throws Exception {
        connection(SECRET).login();
        await().atMost(Duration.ofSeconds(5)).until(() -> eventsOf(ConnectEvent.class).size() == 1);

        server.stop();
        await().atMost(Duration.ofSeconds(5)).until(() -> !eventsOf(DisconnectEvent.class).isEmpty());
        assertThat(eventsOf(ShutdownEvent.class)).singleElement().satisfies(shutdown -> {
            assertThat(shutdown.getShutdown()).isEqualTo("Cleanly");
            assertThat(shutdown.getRestart()).isFalse();
        });
        assertThatThrownBy(() -> new Socket("127.0.0.1", server.port()).close()).isInstanceOf(ConnectException.class);
        // the PBX stays down past the library's quick retries (10, about 1.5 s); then it tries every 5 s
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> connection.getState() == ManagerConnectionState.RECONNECTING);

        server.restart();
        await().atMost(Duration.ofSeconds(15)).until(() -> eventsOf(ConnectEvent.class).size() == 2);

        assertThat(server.logins()).isEqualTo(2);
        assertThat(server.actionsReceived()).containsExactly("Challenge", "Login", "CoreSettings",
                "Challenge", "Login", "CoreSettings");
        assertThat(connection.getState()).isEqualTo(ManagerConnectionState.CONNECTED);
        assertThat(connection.sendAction(new PingAction()).getResponse()).isEqualTo("Success");
    }

    @Test
    void afterDroppedConnectionsAsteriskJavaReconnectsAtOnce() throws Exception {
        connection(SECRET).login();
        await().atMost(Duration.ofSeconds(5)).until(() -> eventsOf(ConnectEvent.class).size() == 1);

        server.dropConnections();

        await().atMost(Duration.ofSeconds(2)).until(() -> eventsOf(ConnectEvent.class).size() == 2);
        assertThat(eventsOf(DisconnectEvent.class)).hasSize(1);
        assertThat(server.logins()).isEqualTo(2);
        assertThat(server.connections()).isEqualTo(2);
        assertThat(server.openConnections()).isEqualTo(1);
    }

    // ---- the wire, byte for byte ----

    /** One message as it goes on the wire: each line ends with CRLF, a blank line ends the message. */
    static String wire(String... lines) {
        return String.join("\r\n", lines) + "\r\n\r\n";
    }

    @Test
    void bannerPlainLoginPingAndExtensionStateListAreTheTranscriptsBytes() throws Exception {
        try (RawClient ami = new RawClient(server.port())) {
            assertThat(ami.readLine()).isEqualTo("Asterisk Call Manager/11.0.0\r\n");

            ami.send(wire("Action: Login", "ActionID: 1", "Username: blfpanel", "Secret: blfpanel-secret",
                    "Events: call,system,agent,reporting,dialplan"));
            assertThat(ami.readMessage()).isEqualTo(wire("Response: Success", "ActionID: 1",
                    "Message: Authentication accepted"));
            assertThat(ami.readMessage()).matches(wire("Event: FullyBooted", "Privilege: system,all", "Uptime: \\d+",
                    "LastReload: \\d+", "Status: Fully Booted"));

            ami.send(wire("Action: Ping", "ActionID: 2"));
            assertThat(ami.readMessage()).matches(wire("Response: Success", "ActionID: 2", "Ping: Pong",
                    "Timestamp: \\d{10}\\.\\d{6}"));

            ami.send(wire("Action: ExtensionStateList", "ActionID: 3"));
            assertThat(ami.readMessage()).isEqualTo(wire("Response: Success", "ActionID: 3", "EventList: start",
                    "Message: Extension Statuses will follow"));
            assertThat(ami.readMessage()).isEqualTo(wire("Event: ExtensionStatus", "ActionID: 3", "Exten: 101",
                    "Context: internal", "Hint: Custom:101", "Status: 0", "StatusText: Idle"));
            assertThat(ami.readMessage()).isEqualTo(wire("Event: ExtensionStatus", "ActionID: 3", "Exten: 102",
                    "Context: internal", "Hint: Custom:102", "Status: 0", "StatusText: Idle"));
            assertThat(ami.readMessage()).isEqualTo(wire("Event: ExtensionStatus", "ActionID: 3", "Exten: 103",
                    "Context: internal", "Hint: Custom:103a&Custom:103b", "Status: 0", "StatusText: Idle"));
            assertThat(ami.readMessage()).isEqualTo(wire("Event: ExtensionStatus", "ActionID: 3", "Exten: 201",
                    "Context: internal", "Hint: Local/201@phones", "Status: 4", "StatusText: Unavailable"));
            assertThat(ami.readMessage()).isEqualTo(wire("Event: ExtensionStateListComplete", "ActionID: 3",
                    "EventList: Complete", "ListItems: 4"));

            ami.send(wire("Action: ExtensionState", "ActionID: 5", "Exten: 101", "Context: internal"));
            assertThat(ami.readMessage()).isEqualTo(wire("Response: Success", "ActionID: 5",
                    "Message: Extension Status", "Exten: 101", "Context: internal", "Hint: Custom:101", "Status: 0",
                    "StatusText: Idle"));

            ami.send(wire("Action: Logoff", "ActionID: 10"));
            assertThat(ami.readMessage()).isEqualTo(wire("Response: Goodbye", "ActionID: 10",
                    "Message: Thanks for all the fish."));
            assertThat(ami.atEndOfStream()).isTrue();
        }
        assertThat(server.logins()).isEqualTo(1);
        assertThat(server.actionsReceived()).containsExactly("Login", "Ping", "ExtensionStateList", "ExtensionState",
                "Logoff");
    }

    @Test
    void aWrongSecretIsAnsweredThenTheServerClosesTheSocket() throws Exception {
        try (RawClient ami = new RawClient(server.port())) {
            ami.readLine();
            ami.send(wire("Action: Login", "ActionID: 1", "Username: blfpanel", "Secret: wrong"));
            assertThat(ami.readMessage()).isEqualTo(wire("Response: Error", "ActionID: 1",
                    "Message: Authentication failed"));
            assertThat(ami.atEndOfStream()).isTrue();
        }
        assertThat(server.failedLogins()).isEqualTo(1);
    }

    @Test
    void liveEventsRemovalReloadUnknownActionAndShutdownAreTheTranscriptsBytes() throws Exception {
        try (RawClient ami = RawClient.loggedIn(server.port(), "call,system,agent,reporting,dialplan")) {
            server.setState("internal", "101", INUSE);
            assertThat(ami.readMessage()).isEqualTo(wire("Event: ExtensionStatus", "Privilege: call,all",
                    "Exten: 101", "Context: internal", "Hint: Custom:101", "Status: 1", "StatusText: InUse"));

            server.queueMemberStatus("support", "Operator 101", "Local/101@phones", "Custom:101", 2,
                    Map.of("LoginTime", "1795355949"));
            assertThat(ami.readMessage()).isEqualTo(wire("Event: QueueMemberStatus", "Privilege: agent,all",
                    "Queue: support", "MemberName: Operator 101", "Interface: Local/101@phones",
                    "StateInterface: Custom:101", "Membership: static", "Penalty: 0", "CallsTaken: 0", "LastCall: 0",
                    "LastPause: 0", "LoginTime: 1795355949", "InCall: 0", "Status: 2", "Paused: 0", "PausedReason: ",
                    "Ringinuse: 1", "Wrapuptime: 0"));

            server.removeHint("internal", "102");
            ami.send(wire("Action: Ping", "ActionID: 6"));
            assertThat(ami.readMessage()).as("no event for a removal")
                    .startsWith("Response: Success\r\nActionID: 6\r\n");
            ami.send(wire("Action: ExtensionStateList", "ActionID: 7"));
            ami.readMessage();
            assertThat(List.of(ami.readMessage(), ami.readMessage(), ami.readMessage()))
                    .noneMatch(message -> message.contains("Exten: 102"));
            assertThat(ami.readMessage()).endsWith("ListItems: 3\r\n\r\n");

            server.dialplanReload();
            assertThat(List.of(ami.readMessage(), ami.readMessage(), ami.readMessage())).containsExactly(
                    wire("Event: ExtensionStatus", "Privilege: call,all", "Exten: 101", "Context: internal",
                            "Hint: Custom:101", "Status: 1", "StatusText: InUse"),
                    wire("Event: ExtensionStatus", "Privilege: call,all", "Exten: 103", "Context: internal",
                            "Hint: Custom:103a&Custom:103b", "Status: 0", "StatusText: Idle"),
                    wire("Event: ExtensionStatus", "Privilege: call,all", "Exten: 201", "Context: internal",
                            "Hint: Local/201@phones", "Status: 4", "StatusText: Unavailable"));

            String malformed = "Event: ExtensionStatus\r\nExten 101\r\n\r\n";
            server.sendRaw(malformed);
            assertThat(ami.readMessage()).isEqualTo(malformed);

            ami.send(wire("Action: Bogus", "ActionID: 8"));
            assertThat(ami.readMessage()).isEqualTo(wire("Response: Error", "ActionID: 8",
                    "Message: Invalid/unknown command: Bogus. Use Action: ListCommands to show available commands."));

            server.stop();
            assertThat(ami.readMessage()).isEqualTo(wire("Event: Shutdown", "Privilege: system,all",
                    "Shutdown: Cleanly", "Restart: False"));
            assertThat(ami.atEndOfStream()).isTrue();
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", server.port()).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void eventsOffGetsNoEventsButStillItsLists() throws Exception {
        try (RawClient ami = new RawClient(server.port())) {
            ami.readLine();
            ami.send(wire("Action: Login", "ActionID: 1", "Username: blfpanel", "Secret: blfpanel-secret",
                    "Events: off"));
            assertThat(ami.readMessage()).isEqualTo(wire("Response: Success", "ActionID: 1",
                    "Message: Authentication accepted"));

            server.setState("internal", "101", INUSE);
            ami.send(wire("Action: Ping", "ActionID: 2"));
            assertThat(ami.readMessage()).as("no FullyBooted, no ExtensionStatus")
                    .startsWith("Response: Success\r\nActionID: 2\r\n");

            ami.send(wire("Action: ExtensionStateList", "ActionID: 3"));
            ami.readMessage();
            assertThat(ami.readMessage()).contains("Exten: 101", "Status: 1");
        }
    }

    @Test
    void actionsBeforeLoginArePermissionDenied() throws Exception {
        try (RawClient ami = new RawClient(server.port())) {
            ami.readLine();
            ami.send(wire("Action: ExtensionStateList", "ActionID: 1"));
            assertThat(ami.readMessage())
                    .isEqualTo(wire("Response: Error", "ActionID: 1", "Message: Permission denied"));
        }
    }

    /** A plain socket AMI client reading the exact bytes. */
    static final class RawClient implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        RawClient(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(5000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        static RawClient loggedIn(int port, String events) throws IOException {
            RawClient client = new RawClient(port);
            client.readLine();
            client.send(wire("Action: Login", "Username: " + USER, "Secret: " + SECRET, "Events: " + events));
            assertThat(client.readMessage()).startsWith("Response: Success");
            if (events.contains("system")) assertThat(client.readMessage()).startsWith("Event: FullyBooted");
            return client;
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }

        String readLine() throws IOException {
            return readUntil("\r\n");
        }

        String readMessage() throws IOException {
            return readUntil("\r\n\r\n");
        }

        boolean atEndOfStream() throws IOException {
            return in.read() == -1;
        }

        private String readUntil(String end) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            while (!bytes.toString(StandardCharsets.UTF_8).endsWith(end)) {
                int b = in.read();
                if (b == -1) throw new IOException("end of stream after " + bytes.toString(StandardCharsets.UTF_8));
                bytes.write(b);
            }
            return bytes.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
