package org.herald.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Asterisk Manager Interface (AMI) server on 127.0.0.1 for tests, speaking the wire format of the Asterisk 22.10.1
 * (AMI 11.0.0) transcripts ({@code fixtures/ami/asterisk22-session*.txt} of the shared spec): banner,
 * {@code Key: Value} lines ending in CRLF, a blank line ending each message, {@code Response:} or {@code Event:}
 * first, the client's {@code ActionID} echoed. It keeps a model of the dialplan hints and their extension states,
 * answers the actions a BLF panel and asterisk-java send, and lets the test play the PBX: change states, reload the
 * dialplan, send anything raw, stop, restart on the same port or drop the connections. Every client socket has its
 * own virtual thread; a lock per socket keeps the messages written from several threads whole.
 *
 * <p>Actions answered as Asterisk 22 does: {@code Challenge} (AuthType MD5), {@code Login} (plain {@code Secret} or
 * MD5 {@code Key}), {@code Logoff}, {@code Ping}, {@code ExtensionStateList}, {@code ExtensionState},
 * {@code CoreSettings} and {@code Command} (only {@code core show version} is known). Any other action gets
 * {@code Invalid/unknown command}; any action but Login, Challenge and Logoff before a login gets
 * {@code Permission denied}. A failed login is answered at once (Asterisk waits a second) and the socket closed.
 * The {@code Events} header of the Login filters live events by category as Asterisk does ({@code off}: none;
 * absent, {@code on} or {@code all}: all; else a list such as {@code call,system}); list events answering an action
 * are always sent.
 *
 * <p>What asterisk-java 3.42.2 does against it (every action it sends logged, see {@link #actionMessages()}):
 * <ul>
 *   <li>{@code login()} waits for the banner, then sends {@code Challenge} (AuthType MD5), {@code Login} with
 *       {@code AuthType: MD5}, {@code Key: md5hex(challenge + secret)} and no {@code Events} header (so all
 *       events), then {@code CoreSettings}: its {@code AsteriskVersion: 22.10.1} maps to
 *       {@code AsteriskVersion.ASTERISK_22}, so {@code Command: core show version} is not sent (it would be if
 *       CoreSettings failed). FullyBooted arrives before the library fires its {@code ConnectEvent}, last. Every
 *       reconnect sends the same three actions. Header names are written in lower case ({@code action: Login}) and
 *       ActionIDs look like {@code 532677950_1#}: connection hash, counter, {@code #}, the application's own id.
 *       The library never sends a keep-alive Ping of its own.</li>
 *   <li>It registers every class of {@code org.asteriskjava.manager.event} itself, ExtensionStatusEvent and
 *       ShutdownEvent included. {@code ExtensionStateListComplete} has no class: it is logged at INFO
 *       ({@code No event class registered for event type 'extensionstatelistcomplete'}) and dropped unless the
 *       application registers one with {@code registerUserEventClass}; a nested class needs
 *       {@code @AsteriskMapping("ExtensionStateListComplete")}, since the name is taken from
 *       {@code Class.getName()}.</li>
 *   <li>The {@code ExtensionStatus} events answering an {@code ExtensionStateList} sent with {@code sendAction}
 *       reach the ordinary event listeners. ExtensionStatusEvent has no ActionID property, so each of them logs a
 *       WARN ({@code Unable to set property 'actionid' … no setter}) and they differ from live events only by their
 *       missing {@code Privilege}.</li>
 *   <li>A failed first login throws AuthenticationFailedException with no retry. When the socket closes (stop,
 *       drop) the listeners get a DisconnectEvent and the library reconnects by itself: 10 quick attempts (50 ms
 *       sleeps, about 1.5 s in all), then one every 5 s, each refused one logged at WARN; after the login a new
 *       ConnectEvent. Measured: 0.1 s after {@link #dropConnections()}, 4.3 s after a {@link #restart()} 2 s
 *       after {@link #stop()}. (From its code: an authentication failure while reconnecting makes it give up,
 *       DISCONNECTED, unless {@code setKeepAliveAfterAuthenticationFailure(true)}.)</li>
 * </ul>
 */
public final class AmiTestServer implements AutoCloseable {
    /** The first line a client reads. */
    public static final String BANNER = "Asterisk Call Manager/11.0.0";
    public static final String AMI_VERSION = "11.0.0";
    public static final String ASTERISK_VERSION = "22.10.1";

    /** Extension states, the {@code Status} of ExtensionStatus (ast_extension_states of Asterisk's pbx.h). */
    public static final int REMOVED = -2;
    public static final int UNKNOWN = -1;
    public static final int IDLE = 0;
    public static final int INUSE = 1;
    public static final int BUSY = 2;
    public static final int UNAVAILABLE = 4;
    public static final int RINGING = 8;
    public static final int INUSE_RINGING = 9;
    public static final int ONHOLD = 16;
    public static final int INUSE_ONHOLD = 17;

    /** One dialplan hint and the state of its extension. */
    public record Hint(String context, String exten, String hint, int status) {
        public String statusText() {
            return AmiTestServer.statusText(status);
        }
    }

    private record HintKey(String context, String exten) {}

    private static final Logger log = LoggerFactory.getLogger(AmiTestServer.class);
    private static final String CRLF = "\r\n";
    private static final Set<String> ALL_CATEGORIES = Set.of("system", "call", "log", "verbose", "command", "agent",
            "user", "config", "dtmf", "reporting", "cdr", "dialplan", "originate", "agi", "cc", "aoc", "test",
            "security", "message");
    private static final Set<String> TRUE_WORDS = Set.of("yes", "true", "y", "t", "1", "on");
    private static final Set<String> FALSE_WORDS = Set.of("no", "false", "n", "f", "0", "off");
    private static final SecureRandom random = new SecureRandom();

    private final String username;
    private final String secret;
    private final int port;
    private final Map<HintKey, Hint> hints = new LinkedHashMap<>(); // guarded by this
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final List<Map<String, String>> actions = new CopyOnWriteArrayList<>();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger failedLogins = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private ServerSocket listener; // guarded by this; null while stopped
    private Thread acceptor; // guarded by this
    private Instant bootedAt; // guarded by this
    private Instant reloadedAt; // guarded by this

    private AmiTestServer(String username, String secret, int port) {
        this.username = username;
        this.secret = secret;
        this.port = listen(port);
    }

    /** A server on 127.0.0.1 and a free port accepting one AMI user. */
    public static AmiTestServer start(String username, String secret) {
        return start(username, secret, 0);
    }

    /** A server on 127.0.0.1 and the given port (0: a free one) accepting one AMI user. */
    public static AmiTestServer start(String username, String secret, int port) {
        return new AmiTestServer(username, secret, port);
    }

    /** The port, the same across {@link #stop()} and {@link #restart()}. */
    public int port() {
        return port;
    }

    // ---- the dialplan model ----

    /** Adds (or replaces) a hint without any event, as if it was in the dialplan at boot. */
    public synchronized void addHint(String context, String exten, String hint, int status) {
        hints.put(new HintKey(context, exten), new Hint(context, exten, hint, status));
    }

    /**
     * Changes the state of an extension and sends the live {@code Event: ExtensionStatus} (Privilege call,all) to
     * every logged-in client that wants call events. Asterisk only sends it on a real change; this sends it
     * whatever the previous state, so setting the same state again simulates a duplicate event.
     */
    public synchronized void setState(String context, String exten, int status) {
        Hint hint = hints.computeIfPresent(new HintKey(context, exten),
                (key, old) -> new Hint(context, exten, old.hint(), status));
        if (hint == null) throw new IllegalArgumentException("no hint for " + exten + "@" + context);
        broadcast("call", liveExtensionStatus(hint));
    }

    /**
     * Removes a hint ({@code dialplan remove extension}). Asterisk 22 sends no event for it (see the transcript):
     * the extension only disappears from the next ExtensionStateList.
     */
    public synchronized void removeHint(String context, String exten) {
        if (hints.remove(new HintKey(context, exten)) == null) {
            throw new IllegalArgumentException("no hint for " + exten + "@" + context);
        }
    }

    /**
     * A {@code dialplan reload}: a live ExtensionStatus for every hint, in dialplan order. A removed hint stays
     * removed; to bring it back as reading extensions.conf again would, {@link #addHint} it first. (Real Asterisk
     * then shows that hint with an empty {@code Hint:} and Idle; use {@link #sendRaw} to reproduce that.)
     */
    public synchronized void dialplanReload() {
        reloadedAt = Instant.now();
        hints.values().forEach(hint -> broadcast("call", liveExtensionStatus(hint)));
    }

    /** The hints in dialplan order. */
    public synchronized List<Hint> hints() {
        return List.copyOf(hints.values());
    }

    // ---- queues ----

    /** A static queue member as QueueStatus lists it. */
    public record QueueMember(String queue, String name, String location, String stateInterface, boolean paused) {}

    private final List<QueueMember> queueMembers = new ArrayList<>();

    /** Adds a member to a queue (no event; QueueStatus lists it). */
    public synchronized void addQueueMember(String queue, String name, String location, String stateInterface, boolean paused) {
        queueMembers.add(new QueueMember(queue, name, location, stateInterface, paused));
    }

    /** Pauses or unpauses a member (found by queue and location) and sends its QueueMemberStatus event. */
    public synchronized void pauseQueueMember(String queue, String location, boolean paused) {
        for (int i = 0; i < queueMembers.size(); i++) {
            QueueMember m = queueMembers.get(i);
            if (m.queue().equals(queue) && m.location().equals(location)) {
                queueMembers.set(i, new QueueMember(queue, m.name(), location, m.stateInterface(), paused));
                queueMemberStatus(queue, m.name(), location, m.stateInterface(), 1, Map.of("Paused", paused ? "1" : "0"));
                return;
            }
        }
        throw new IllegalArgumentException("no member " + location + " in queue " + queue);
    }

    // ---- other events ----

    /**
     * Sends a {@code QueueMemberStatus} event (Privilege agent,all) with the fields of the transcript; the ones not
     * given are Membership static, Penalty/CallsTaken/LastCall/LastPause/InCall/Paused/Wrapuptime 0, LoginTime the
     * boot time, PausedReason empty, Ringinuse 1. {@code status} is the queue-member scale (1 NotInUse, 2 InUse …).
     */
    public void queueMemberStatus(String queue, String memberName, String iface, String stateInterface, int status) {
        queueMemberStatus(queue, memberName, iface, stateInterface, status, Map.of());
    }

    /** {@link #queueMemberStatus(String, String, String, String, int)} with fields replaced or added by name. */
    public synchronized void queueMemberStatus(String queue, String memberName, String iface, String stateInterface,
                                               int status, Map<String, String> overrides) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Queue", queue);
        fields.put("MemberName", memberName);
        fields.put("Interface", iface);
        fields.put("StateInterface", stateInterface);
        fields.put("Membership", "static");
        fields.put("Penalty", "0");
        fields.put("CallsTaken", "0");
        fields.put("LastCall", "0");
        fields.put("LastPause", "0");
        fields.put("LoginTime", Long.toString(bootedAt.getEpochSecond()));
        fields.put("InCall", "0");
        fields.put("Status", Integer.toString(status));
        fields.put("Paused", "0");
        fields.put("PausedReason", "");
        fields.put("Ringinuse", "1");
        fields.put("Wrapuptime", "0");
        fields.putAll(overrides);
        Message event = new Message("Event", "QueueMemberStatus").add("Privilege", "agent,all");
        fields.forEach(event::add);
        broadcast("agent", event.wire());
    }

    /**
     * Writes {@code wireText} as it is (CRLFs, blank line and all) to every logged-in client, whatever its event
     * mask: for malformed messages, duplicated or reordered events.
     */
    public synchronized void sendRaw(String wireText) {
        sessions.stream().filter(session -> session.loggedIn).forEach(session -> session.send(wireText));
    }

    // ---- PBX lifecycle ----

    /**
     * The PBX stops ({@code core stop now}): {@code Event: Shutdown} to the logged-in clients, their sockets closed,
     * and new connections refused until {@link #restart()}.
     */
    public void stop() {
        Thread acceptor;
        synchronized (this) {
            broadcast("system", new Message("Event", "Shutdown").add("Privilege", "system,all")
                    .add("Shutdown", "Cleanly").add("Restart", "False").wire());
            acceptor = stopListening();
        }
        awaitClosed(acceptor);
    }

    /** The PBX starts again on the same port, with the same hints and states; uptime starts again. */
    public synchronized void restart() {
        if (listener != null) throw new IllegalStateException("the AMI test server is running");
        listen(port);
    }

    /** Closes every client socket abruptly (a reset, no event), as a network failure would; still listening. */
    public synchronized void dropConnections() {
        sessions.forEach(Session::reset);
    }

    /** Stops listening and closes every client socket, without any event. */
    @Override
    public void close() {
        Thread acceptor;
        synchronized (this) {
            acceptor = stopListening();
        }
        awaitClosed(acceptor);
    }

    // ---- observation ----

    /** Successful logins since the start. */
    public int logins() {
        return logins.get();
    }

    /** Failed logins (wrong user, secret or key) since the start. */
    public int failedLogins() {
        return failedLogins.get();
    }

    /** TCP connections accepted since the start. */
    public int connections() {
        return connections.get();
    }

    /** TCP connections open now. */
    public int openConnections() {
        return (int) sessions.stream().filter(session -> !session.socket.isClosed()).count();
    }

    /** The {@code Action} of every message received, in order, from all clients. */
    public List<String> actionsReceived() {
        return actions.stream().map(action -> action.getOrDefault("Action", "")).toList();
    }

    /**
     * Every message received, in order, from all clients; header names are looked up ignoring case, as Asterisk does
     * (asterisk-java writes them in lower case: {@code action: Login}).
     */
    public List<Map<String, String>> actionMessages() {
        return List.copyOf(actions);
    }

    // ---- internals ----

    /** Binds 127.0.0.1:{@code port} and starts accepting; returns the port bound. Called with the lock held. */
    private int listen(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listener = socket;
            bootedAt = reloadedAt = Instant.now();
            acceptor = Thread.ofVirtual().name("ami-test-server-accept").start(() -> accept(socket));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("AMI test server cannot listen on port " + port, e);
        }
    }

    private void accept(ServerSocket serverSocket) {
        while (true) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return; // closed by stop() or close()
            }
            connections.incrementAndGet();
            Session session = new Session(socket);
            synchronized (this) {
                if (listener != serverSocket) { // stopped while this connection was being accepted
                    session.close();
                    return;
                }
                sessions.add(session);
            }
            Thread.ofVirtual().name("ami-test-session").start(session::run);
        }
    }

    /** Closes the listener and the sessions; returns the accepting thread. Called with the lock held. */
    private Thread stopListening() {
        sessions.forEach(Session::close);
        if (listener == null) return null;
        try {
            listener.close();
        } catch (IOException e) {
            log.debug("closing the AMI listener", e);
        }
        listener = null;
        return acceptor;
    }

    /**
     * Waits for the accepting thread to end. A virtual thread blocked in accept() releases the socket itself once it
     * runs again: until then the port would still take connections, and restart() could not bind it.
     */
    private static void awaitClosed(Thread acceptor) {
        if (acceptor == null) return;
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends an event to the logged-in clients that want events of its category. Called with the lock held. */
    private void broadcast(String category, String wire) {
        for (Session session : sessions) {
            if (session.loggedIn && session.eventCategories.contains(category)) session.send(wire);
        }
    }

    private static String liveExtensionStatus(Hint hint) {
        return new Message("Event", "ExtensionStatus").add("Privilege", "call,all").add("Exten", hint.exten())
                .add("Context", hint.context()).add("Hint", hint.hint()).add("Status", Integer.toString(hint.status()))
                .add("StatusText", hint.statusText()).wire();
    }

    /** ast_extension_state2str: anything else, -1 and -2 included, is {@code Unknown}. */
    public static String statusText(int status) {
        return switch (status) {
            case IDLE -> "Idle";
            case INUSE -> "InUse";
            case BUSY -> "Busy";
            case UNAVAILABLE -> "Unavailable";
            case RINGING -> "Ringing";
            case INUSE_RINGING -> "InUse&Ringing";
            case ONHOLD -> "Hold";
            case INUSE_ONHOLD -> "InUse&Hold";
            default -> "Unknown";
        };
    }

    /** The event categories a Login's {@code Events} header asks for (Asterisk's strings_to_mask). */
    private static Set<String> eventMask(String events) {
        if (events == null || events.isBlank()) return ALL_CATEGORIES;
        String value = events.trim().toLowerCase(Locale.ROOT);
        if (FALSE_WORDS.contains(value)) return Set.of();
        if (TRUE_WORDS.contains(value)) return ALL_CATEGORIES;
        Set<String> categories = Set.of(value.split("\\s*,\\s*"));
        return categories.contains("all") ? ALL_CATEGORIES : categories;
    }

    private static Map<String, String> withoutSecrets(Map<String, String> headers) {
        Map<String, String> shown = new TreeMap<>(headers);
        shown.replaceAll((key, value) -> key.equalsIgnoreCase("Secret") || key.equalsIgnoreCase("Key") ? "***" : value);
        return shown;
    }

    private static String md5Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One message being written: {@code Key: Value} lines, then the blank line. */
    private static final class Message {
        private final StringBuilder text = new StringBuilder();

        Message(String key, String value) {
            add(key, value);
        }

        static Message response(String response, Map<String, String> action) {
            Message message = new Message("Response", response);
            String actionId = action.get("ActionID");
            return actionId == null || actionId.isEmpty() ? message : message.add("ActionID", actionId);
        }

        static Message event(String event, Map<String, String> action) {
            Message message = new Message("Event", event);
            String actionId = action.get("ActionID");
            return actionId == null || actionId.isEmpty() ? message : message.add("ActionID", actionId);
        }

        Message add(String key, String value) {
            text.append(key).append(": ").append(value).append(CRLF);
            return this;
        }

        String wire() {
            return text + CRLF;
        }
    }

    /** One client connection: its reader runs on a virtual thread, its writes are serialised by a lock. */
    private final class Session {
        private final Socket socket;
        private final ReentrantLock writeLock = new ReentrantLock();
        volatile boolean loggedIn;
        volatile Set<String> eventCategories = Set.of();
        private String challenge;

        Session(Socket socket) {
            this.socket = socket;
        }

        void run() {
            try (socket) {
                send(BANNER + CRLF);
                var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                for (Map<String, String> action = read(in); action != null; action = read(in)) {
                    if (!action.isEmpty() && !handle(action)) break;
                }
            } catch (IOException e) {
                log.debug("AMI test session ended: {}", e.toString());
            } finally {
                sessions.remove(this);
            }
        }

        /** The next message, keys case-insensitive as Asterisk's astman_get_header; null at the end of the stream. */
        private Map<String, String> read(BufferedReader in) throws IOException {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String line = in.readLine(); ; line = in.readLine()) {
                if (line == null) return null;
                if (line.isEmpty()) break;
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).stripLeading());
                }
            }
            if (!headers.isEmpty()) {
                actions.add(Collections.unmodifiableMap(headers));
                if (log.isDebugEnabled()) log.debug("AMI action received: {}", withoutSecrets(headers));
            }
            return headers;
        }

        /** Answers one action; false when the session must end. */
        private boolean handle(Map<String, String> action) {
            String name = action.get("Action");
            if (name == null || name.isBlank()) {
                send(Message.response("Error", action).add("Message", "Missing action in request").wire());
                return true;
            }
            String verb = name.toLowerCase(Locale.ROOT);
            if (!loggedIn && !Set.of("login", "challenge", "logoff").contains(verb)) {
                send(Message.response("Error", action).add("Message", "Permission denied").wire());
                return true;
            }
            switch (verb) {
                case "challenge" -> challenge(action);
                case "login" -> {
                    return login(action);
                }
                case "logoff" -> {
                    send(Message.response("Goodbye", action).add("Message", "Thanks for all the fish.").wire());
                    return false;
                }
                case "ping" -> send(Message.response("Success", action).add("Ping", "Pong")
                        .add("Timestamp", timestamp()).wire());
                case "extensionstatelist" -> extensionStateList(action);
                case "extensionstate" -> extensionState(action);
                case "queuestatus" -> queueStatus(action);
                case "coresettings" -> coreSettings(action);
                case "command" -> command(action);
                default -> send(Message.response("Error", action).add("Message", "Invalid/unknown command: " + name
                        + ". Use Action: ListCommands to show available commands.").wire());
            }
            return true;
        }

        private void challenge(Map<String, String> action) {
            if (!"MD5".equalsIgnoreCase(action.get("AuthType"))) {
                send(Message.response("Error", action).add("Message", "Must specify AuthType").wire());
                return;
            }
            if (challenge == null) challenge = Integer.toString(random.nextInt(1_000_000_000));
            send(Message.response("Success", action).add("Challenge", challenge).wire());
        }

        private boolean login(Map<String, String> action) {
            if (loggedIn) {
                send(Message.response("Success", action).add("Message", "Already authenticated").wire());
                return true;
            }
            if (!authenticated(action)) {
                failedLogins.incrementAndGet();
                send(Message.response("Error", action).add("Message", "Authentication failed").wire());
                return false;
            }
            eventCategories = eventMask(action.get("Events"));
            Message accepted = Message.response("Success", action).add("Message", "Authentication accepted");
            synchronized (AmiTestServer.this) {
                // logged in and answered under the server lock, so no live event can come before the answer
                loggedIn = true;
                logins.incrementAndGet();
                send(accepted.wire());
                if (eventCategories.contains("system")) {
                    send(new Message("Event", "FullyBooted").add("Privilege", "system,all")
                            .add("Uptime", secondsSince(bootedAt)).add("LastReload", secondsSince(reloadedAt))
                            .add("Status", "Fully Booted").wire());
                }
            }
            return true;
        }

        private boolean authenticated(Map<String, String> action) {
            if (!username.equalsIgnoreCase(action.getOrDefault("Username", ""))) return false;
            if ("MD5".equalsIgnoreCase(action.get("AuthType"))) {
                String key = action.get("Key");
                return challenge != null && key != null && key.equals(md5Hex(challenge + secret));
            }
            return secret.equals(action.get("Secret"));
        }

        private void extensionStateList(Map<String, String> action) {
            synchronized (AmiTestServer.this) {
                // the whole list under the server lock: a state change comes before or after it, never stale after
                StringBuilder out = new StringBuilder(Message.response("Success", action).add("EventList", "start")
                        .add("Message", "Extension Statuses will follow").wire());
                for (Hint hint : hints.values()) {
                    out.append(Message.event("ExtensionStatus", action).add("Exten", hint.exten())
                            .add("Context", hint.context()).add("Hint", hint.hint())
                            .add("Status", Integer.toString(hint.status())).add("StatusText", hint.statusText())
                            .wire());
                }
                out.append(Message.event("ExtensionStateListComplete", action).add("EventList", "Complete")
                        .add("ListItems", Integer.toString(hints.size())).wire());
                send(out.toString());
            }
        }

        /** As Asterisk 22 (transcript): QueueParams and QueueMember carry the ActionID last, the Complete event first. */
        private void queueStatus(Map<String, String> action) {
            String only = action.get("Queue");
            String id = action.getOrDefault("ActionID", "");
            synchronized (AmiTestServer.this) {
                StringBuilder out = new StringBuilder(Message.response("Success", action).add("EventList", "start")
                        .add("Message", "Queue status will follow").wire());
                int items = 0;
                for (String queue : queueMembers.stream().map(QueueMember::queue).distinct().toList()) {
                    if (only != null && !only.isEmpty() && !only.equals(queue)) continue;
                    out.append(new Message("Event", "QueueParams").add("Queue", queue).add("Max", "0").add("Strategy", "ringall")
                            .add("Calls", "0").add("Holdtime", "0").add("TalkTime", "0").add("Completed", "0").add("Abandoned", "0")
                            .add("ServiceLevel", "0").add("ServicelevelPerf", "0.0").add("ServicelevelPerf2", "0.0")
                            .add("Weight", "0").add("ActionID", id).wire());
                    items++;
                    for (QueueMember m : queueMembers) {
                        if (!m.queue().equals(queue)) continue;
                        out.append(new Message("Event", "QueueMember").add("Queue", queue).add("Name", m.name())
                                .add("Location", m.location()).add("StateInterface", m.stateInterface()).add("Membership", "static")
                                .add("Penalty", "0").add("CallsTaken", "0").add("LastCall", "0").add("LastPause", "0")
                                .add("LoginTime", Long.toString(bootedAt.getEpochSecond())).add("InCall", "0").add("Status", "1")
                                .add("Paused", m.paused() ? "1" : "0").add("PausedReason", "").add("Wrapuptime", "0")
                                .add("ActionID", id).wire());
                        items++;
                    }
                }
                out.append(Message.event("QueueStatusComplete", action).add("EventList", "Complete")
                        .add("ListItems", Integer.toString(items)).wire());
                send(out.toString());
            }
        }

        private void extensionState(Map<String, String> action) {
            String context = action.getOrDefault("Context", "");
            String exten = action.getOrDefault("Exten", "");
            Hint hint;
            synchronized (AmiTestServer.this) {
                hint = hints.getOrDefault(new HintKey(context, exten), new Hint(context, exten, "", UNKNOWN));
            }
            send(Message.response("Success", action).add("Message", "Extension Status").add("Exten", exten)
                    .add("Context", context).add("Hint", hint.hint()).add("Status", Integer.toString(hint.status()))
                    .add("StatusText", hint.statusText()).wire());
        }

        private void coreSettings(Map<String, String> action) {
            send(Message.response("Success", action).add("AMIversion", AMI_VERSION)
                    .add("AsteriskVersion", ASTERISK_VERSION).add("SystemName", "").add("CoreMaxCalls", "0")
                    .add("CoreMaxLoadAvg", "0.000000").add("CoreRunUser", "asterisk").add("CoreRunGroup", "asterisk")
                    .add("CoreMaxFilehandles", "0").add("CoreRealTimeEnabled", "No").add("CoreCDRenabled", "Yes")
                    .add("CoreHTTPenabled", "No").add("SoundsSearchCustomDir", "No").wire());
        }

        private void command(Map<String, String> action) {
            String command = action.getOrDefault("Command", "").trim();
            if (command.equalsIgnoreCase("core show version")) {
                send(Message.response("Success", action).add("Message", "Command output follows")
                        .add("Output", "Asterisk " + ASTERISK_VERSION
                                + " built by root @ herald-test on a x86_64 running Linux on 2025-01-01 00:00:00 UTC")
                        .wire());
            } else {
                send(Message.response("Error", action).add("Message", "Command output follows")
                        .add("Output", "No such command '" + command + "' (type 'core show help " + command
                                + "' for other possible commands)").wire());
            }
        }

        /** Writes one whole message (or list); a failed write ends the session. */
        void send(String wire) {
            writeLock.lock();
            try {
                socket.getOutputStream().write(wire.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                close();
            } finally {
                writeLock.unlock();
            }
        }

        void close() {
            loggedIn = false;
            try {
                socket.close();
            } catch (IOException e) {
                log.debug("closing an AMI test session", e);
            }
        }

        /** Closes with SO_LINGER 0: the client gets a reset instead of an orderly end of stream. */
        void reset() {
            try {
                socket.setSoLinger(true, 0);
            } catch (IOException e) {
                log.debug("SO_LINGER on an AMI test session", e);
            }
            close();
        }
    }

    private static String timestamp() {
        Instant now = Instant.now();
        return now.getEpochSecond() + "." + String.format("%06d", now.getNano() / 1000);
    }

    private static String secondsSince(Instant instant) {
        return Long.toString(Duration.between(instant, Instant.now()).toSeconds());
    }
}
