package org.herald.compat;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.herald.commands.CommandRunner;
import org.herald.config.AbillsConfig;
import org.herald.core.Durations;
import org.herald.hub.Hub;
import org.herald.pipeline.NotificationService;
import org.herald.store.BrowserStore;
import org.herald.store.DeliveryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ABillS compatibility as configured: the internal API (19444), the admins' pages (19443) when ABillS's database is
 * given, the clients' pages (19445) when a client-session query is given too. Closing stops them in reverse.
 */
public final class Abills implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Abills.class);

    private final AbillsInternalApi internalApi;
    private final AbillsBrowserEndpoint adminPages;
    private final AbillsBrowserEndpoint clientPages;
    private final List<AutoCloseable> started;

    private Abills(AbillsInternalApi internalApi, AbillsBrowserEndpoint adminPages, AbillsBrowserEndpoint clientPages,
                   List<AutoCloseable> started) {
        this.internalApi = internalApi;
        this.adminPages = adminPages;
        this.clientPages = clientPages;
        this.started = started;
    }

    /** The collaborators the listeners share. */
    public record Parts(Vertx vertx, Hub hub, NotificationService notifications, CommandRunner commands,
                        BrowserStore browserStore, DeliveryStore deliveries, ExecutorService blocking, Duration ttl,
                        Duration pingInterval, Clock clock) {}

    public static Abills start(AbillsConfig a, Parts p) {
        List<AutoCloseable> started = new ArrayList<>();
        AbillsInternalApi internal = new AbillsInternalApi(p.vertx(),
                new AbillsRequests(a, p.hub(), p.notifications(), p.commands(), p.ttl()), p.blocking());
        internal.start(a.internalHost(), a.internalPort());
        started.add(internal);
        AbillsBrowserEndpoint admins = null, clients = null;
        if (a.sessionDbUrl() == null) {
            log.warn("abills.session_db_url is not set: ABillS's admin pages cannot connect (port {} stays closed)", a.browserPort());
        } else {
            admins = pages(a, p, a.adminSidQuery(), a.adminKind(), AbillsBrowserEndpoint.ADMINS, a.browserPort());
            started.add(admins);
            if (a.userSidQuery() != null) {
                clients = pages(a, p, a.userSidQuery(), a.userKind(), new AbillsBrowserEndpoint.Audience("USERSID", Set.of()),
                        a.userBrowserPort());
                started.add(clients);
            }
        }
        return new Abills(internal, admins, clients, started);
    }

    private static AbillsBrowserEndpoint pages(AbillsConfig a, Parts p, String sidQuery, String kind,
                                               AbillsBrowserEndpoint.Audience audience, int port) {
        SessionResolver sessions = new SessionResolver(a.sessionDbUrl(), a.sessionDbUser(), a.sessionDbPassword(), sidQuery,
                Durations.parse(a.sessionCache()), p.clock());
        AbillsBrowserEndpoint endpoint = new AbillsBrowserEndpoint(p.vertx(), p.hub(), sessions, p.browserStore(),
                p.deliveries(), p.blocking(), kind, audience, p.pingInterval(), p.clock());
        endpoint.start(a.browserHost(), port);
        return endpoint;
    }

    public AbillsInternalApi internalApi() {
        return internalApi;
    }

    /** The admins' WebSocket listener, or null without ABillS's database. */
    public AbillsBrowserEndpoint adminPages() {
        return adminPages;
    }

    /** The clients' WebSocket listener (ABillS 1.50), or null when it is off. */
    public AbillsBrowserEndpoint clientPages() {
        return clientPages;
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                log.warn("stopping {}: {}", started.get(i), e.toString());
            }
        }
    }
}
