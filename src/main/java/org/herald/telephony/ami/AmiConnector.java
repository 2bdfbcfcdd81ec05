package org.herald.telephony.ami;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.asteriskjava.manager.AuthenticationFailedException;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;
import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.ManagerEventListener;
import org.asteriskjava.manager.action.PingAction;
import org.asteriskjava.manager.action.QueueStatusAction;
import org.asteriskjava.manager.event.QueueMemberEvent;
import org.asteriskjava.manager.event.QueueMemberStatusEvent;
import org.asteriskjava.manager.event.ResponseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.asteriskjava.manager.event.ConnectEvent;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.ExtensionStatusEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.ShutdownEvent;
import org.herald.config.PbxConfig;
import org.herald.core.Durations;
import org.herald.telephony.BlfState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one AMI connection to one Asterisk (asterisk-java). Logs in, takes a snapshot (ExtensionStateList) on every
 * (re)connect and then every reconcile interval (or every poll interval in poll mode), and applies live
 * ExtensionStatus events in between. A refused login or an unreachable PBX is retried with back-off (1 s doubling
 * to 60 s); once logged in, asterisk-java reconnects by itself after a drop and reports it with ConnectEvent.
 */
public final class AmiConnector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AmiConnector.class);
    /** What Herald needs to hear: call (ExtensionStatus), system (Shutdown, FullyBooted), agent (queue members), dialplan. */
    static final String EVENT_MASK = "call,system,agent,reporting,dialplan";
    static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    static final Duration KEEPALIVE = Duration.ofSeconds(15);
    static final Duration RESNAPSHOT_DELAY = Duration.ofMillis(500);

    private final PbxConfig pbx;
    private final BlfState state;
    private final boolean pollMode;
    private final Duration snapshotInterval;
    /** One thread per PBX runs logins and snapshots in order; AMI events never wait for it. */
    private final ScheduledExecutorService worker;
    private volatile ManagerConnection connection;
    private volatile boolean closed;
    private Duration backoff = FIRST_BACKOFF;
    private volatile ScheduledFuture<?> pendingResnapshot;
    /** ExtensionStatus events seen since the current snapshot began (live ones included). */
    private final java.util.concurrent.atomic.AtomicInteger statusEvents = new java.util.concurrent.atomic.AtomicInteger();

    public AmiConnector(PbxConfig pbx, BlfState state) {
        this.pbx = pbx;
        this.state = state;
        this.pollMode = "poll".equals(pbx.mode());
        this.snapshotInterval = Durations.parse(pollMode ? pbx.pollInterval() : pbx.reconcileInterval());
        this.worker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ami-" + pbx.id()).factory());
        state.register(pbx.id());
    }

    public void start() {
        worker.execute(this::connect);
        worker.scheduleWithFixedDelay(this::snapshot, snapshotInterval.toMillis(), snapshotInterval.toMillis(), TimeUnit.MILLISECONDS);
        worker.scheduleWithFixedDelay(this::keepAlive, KEEPALIVE.toMillis(), KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * asterisk-java sends no keep-alive of its own, and gives up for good when a re-login after a drop is refused:
     * ping a connected PBX, and take over with Herald's own back-off once the library has given up.
     */
    private void keepAlive() {
        ManagerConnection c = connection;
        if (closed || c == null) return;
        ManagerConnectionState s = c.getState();
        if (s == ManagerConnectionState.CONNECTED) {
            try {
                c.sendAction(new PingAction(), KEEPALIVE.toMillis() / 3);
            } catch (Exception e) {
                log.warn("PBX {}: no answer to Ping: {}", pbx.id(), describe(e));
            }
        } else if (s == ManagerConnectionState.DISCONNECTED) {
            connection = null;
            log.warn("PBX {}: asterisk-java stopped reconnecting; Herald takes over", pbx.id());
            connect();
        }
    }

    private void connect() {
        if (closed) return;
        ManagerConnection c = new ManagerConnectionFactory(pbx.host(), pbx.port(), pbx.username(), pbx.secret())
                .createManagerConnection();
        c.registerUserEventClass(ExtensionStateListCompleteEvent.class);
        c.addEventListener(new Listener());
        try {
            c.login(pollMode ? "off" : EVENT_MASK);
        } catch (AuthenticationFailedException e) {
            retryLater(c, "AMI login refused for user '" + pbx.username() + "' (check blf.pbxs username and secret)");
            return;
        } catch (Exception e) {
            retryLater(c, "cannot reach AMI at " + pbx.host() + ":" + pbx.port() + ": " + describe(e));
            return;
        }
        connection = c;
        if (closed) { // closed while logging in (another node took the PBX over): close() may have missed it
            logoff(c);
            return;
        }
        backoff = FIRST_BACKOFF;
        log.info("PBX {}: AMI connected to {}:{} as {}", pbx.id(), pbx.host(), pbx.port(), pbx.username());
        state.pbxStatus(pbx.id(), true, null);
        snapshot();
    }

    private void retryLater(ManagerConnection c, String why) {
        try {
            c.logoff();
        } catch (RuntimeException ignored) {
            // never logged in: nothing to log off
        }
        if (closed) return; // the login failed because it was closed: whoever closed it tells the state
        state.pbxStatus(pbx.id(), false, why);
        Duration wait = backoff.plusMillis(ThreadLocalRandom.current().nextLong(backoff.toMillis() / 4 + 1));
        log.warn("PBX {}: {}; retrying in {} s", pbx.id(), why, wait.toSeconds());
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        if (!closed) worker.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes a full snapshot; what it does not contain is removed. Runs on the worker thread. */
    void snapshot() {
        ManagerConnection c = connection;
        if (closed || c == null || c.getState() != ManagerConnectionState.CONNECTED) return;
        BlfState.Snapshot s = state.beginSnapshot(pbx.id());
        statusEvents.set(0);
        try {
            var answer = c.sendEventGeneratingAction(new ExtensionStateListAction(), SNAPSHOT_TIMEOUT.toMillis());
            int listed = answer.getEvents().stream().filter(ExtensionStateListCompleteEvent.class::isInstance)
                    .map(e -> ((ExtensionStateListCompleteEvent) e).getListItems()).filter(java.util.Objects::nonNull)
                    .findFirst().orElse(0);
            if (!awaitListenerCaughtUp(listed)) {
                state.abandonSnapshot(s);
                log.warn("PBX {}: snapshot listed {} hints but only {} arrived; nothing removed", pbx.id(), listed, statusEvents.get());
                return;
            }
            int removed = state.completeSnapshot(s);
            if (removed > 0) log.info("PBX {}: {} extensions are gone from the PBX", pbx.id(), removed);
            if (!pbx.queues().isEmpty()) queueSnapshot(c);
        } catch (Exception e) {
            state.abandonSnapshot(s);
            if (!closed) log.warn("PBX {}: snapshot failed: {}", pbx.id(), describe(e));
        }
    }

    private void resnapshotSoon() {
        ScheduledFuture<?> p = pendingResnapshot;
        if (p != null && !p.isDone()) return;
        pendingResnapshot = worker.schedule(this::snapshot, RESNAPSHOT_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The members of the tracked queues (QueueStatus, one action per queue). */
    private void queueSnapshot(ManagerConnection c) throws Exception {
        List<BlfState.QueueMember> members = new ArrayList<>();
        for (String queue : pbx.queues()) {
            QueueStatusAction action = new QueueStatusAction();
            action.setQueue(queue);
            for (ResponseEvent e : c.sendEventGeneratingAction(action, SNAPSHOT_TIMEOUT.toMillis()).getEvents()) {
                if (e instanceof QueueMemberEvent m && queue.equals(m.getQueue()) && m.getStateinterface() != null) {
                    members.add(new BlfState.QueueMember(queue, m.getStateinterface(), Boolean.TRUE.equals(m.getPaused())));
                }
            }
        }
        state.queueSnapshot(pbx.id(), Set.copyOf(pbx.queues()), members);
    }

    /**
     * The listener may run behind the thread that completes the action: wait until it has seen as many ExtensionStatus
     * events as the list announced, so that nothing it has not applied yet is taken for removed.
     */
    private boolean awaitListenerCaughtUp(int listed) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (statusEvents.get() < listed) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(5);
        }
        return true;
    }

    private final class Listener implements ManagerEventListener {
        @Override
        public void onManagerEvent(ManagerEvent event) {
            try {
                switch (event) {
                    case ExtensionStatusEvent e -> {
                        statusEvents.incrementAndGet();
                        if (e.getStatus() == null || e.getExten() == null || e.getContext() == null) {
                            log.warn("PBX {}: skipped an ExtensionStatus without Exten, Context or Status", pbx.id());
                            return;
                        }
                        if (!pbx.contexts().isEmpty() && !pbx.contexts().contains(e.getContext())) return;
                        boolean changed = state.apply(pbx.id(), e.getContext(), e.getExten(), e.getHint(), e.getStatus());
                        // Asterisk repeats an unchanged live state only when the dialplan was reloaded (it re-sends
                        // every hint, but nothing for removed ones): take a fresh snapshot once the burst is over.
                        // Snapshot answers carry no Privilege, so they never trigger this.
                        if (!changed && e.getPrivilege() != null) resnapshotSoon();
                    }
                    case QueueMemberStatusEvent e -> {
                        if (!pbx.queues().contains(e.getQueue()) || e.getStateinterface() == null) return;
                        state.queueMember(pbx.id(), new BlfState.QueueMember(e.getQueue(), e.getStateinterface(),
                                Boolean.TRUE.equals(e.getPaused())));
                    }
                    case ConnectEvent e -> {
                        if (connection == null || closed) return; // the first login (connect() takes the snapshot), or closed
                        log.info("PBX {}: AMI reconnected", pbx.id());
                        state.pbxStatus(pbx.id(), true, null);
                        worker.execute(AmiConnector.this::snapshot); // changes during the gap were lost
                    }
                    case DisconnectEvent e -> {
                        if (closed) return;
                        log.warn("PBX {}: AMI connection lost; asterisk-java reconnects", pbx.id());
                        state.pbxStatus(pbx.id(), false, "connection to the PBX lost; reconnecting");
                    }
                    case ShutdownEvent e -> log.warn("PBX {}: Asterisk is shutting down", pbx.id());
                    default -> { }
                }
            } catch (RuntimeException ex) {
                log.warn("PBX {}: skipped an AMI event ({}): {}", pbx.id(), event.getClass().getSimpleName(), ex.toString());
            }
        }
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    @Override
    public void close() {
        closed = true;
        worker.shutdownNow();
        ManagerConnection c = connection;
        if (c != null) logoff(c);
    }

    private void logoff(ManagerConnection c) {
        try {
            c.logoff();
        } catch (RuntimeException e) {
            log.debug("PBX {}: logoff: {}", pbx.id(), e.toString());
        }
    }
}
