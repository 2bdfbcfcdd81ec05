package org.herald.gateway;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.herald.config.GatewayConfig;

/**
 * The configured gateways: chosen by channel and the recipient's provider (a provider's own gateway first, else one
 * for any provider), each with a cap on messages in flight, a fallback to try when it fails, and its last check.
 */
public final class GatewayRegistry {
    /** The last result of a check: when, and the error (null: fine). */
    public record Check(Instant at, String error) {}

    /** One consistent set of gateways; a reload swaps the whole set at once. */
    private record Set(Map<String, GatewayConfig> configs, Map<String, Gateway> gateways, Map<String, Semaphore> slots,
                       Map<String, SendPacer> pacers) {
        static final Set EMPTY = new Set(Map.of(), Map.of(), Map.of(), Map.of());

        /**
         * A gateway whose configuration did not change is kept from {@code previous} (an SMPP session stays bound, a
         * module is not asked for its features again); the others are built anew.
         */
        static Set of(List<GatewayConfig> configured, GatewayFactory factory, Set previous) {
            Map<String, GatewayConfig> configs = new LinkedHashMap<>();
            Map<String, Gateway> gateways = new LinkedHashMap<>();
            Map<String, Semaphore> slots = new LinkedHashMap<>();
            Map<String, SendPacer> pacers = new LinkedHashMap<>();
            for (GatewayConfig c : configured) {
                configs.put(c.id(), c);
                Gateway kept = c.equals(previous.configs().get(c.id())) ? previous.gateways().get(c.id()) : null;
                gateways.put(c.id(), kept != null ? kept : factory.create(c));
                slots.put(c.id(), new Semaphore(c.maxConcurrency()));
                if (c.rateLimit() != null) pacers.put(c.id(), new SendPacer(c.rateLimit()));
            }
            return new Set(configs, gateways, slots, pacers);
        }

        /** Closes the gateways that hold connections (an SMPP session, a polling schedule), except those kept by {@code next}. */
        void closeExcept(Set next) {
            for (Gateway g : gateways.values()) {
                if (next.gateways().get(g.id()) == g) continue;
                if (g instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        log.warn("gateway {}: closing failed: {}", g.id(), e.toString());
                    }
                }
            }
        }
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(GatewayRegistry.class);
    private final List<GatewayConfig> initial;
    private volatile Set current = Set.EMPTY;
    private GatewayFactory factory;
    private final Map<String, Check> checks = new ConcurrentHashMap<>();
    private final Clock clock;
    private final java.time.Duration maxPaceWait;

    /**
     * The gateways start with {@link #start}, once what they report to (receipts, incoming messages) exists.
     *
     * @param maxPaceWait the longest a send waits for a rate-limit slot; a later slot defers the send instead, so that
     *                    no send outlives its attempt's timeout (after which the queue would try it again)
     */
    public GatewayRegistry(List<GatewayConfig> configured, java.time.Duration maxPaceWait, Clock clock) {
        this.clock = clock;
        this.maxPaceWait = maxPaceWait;
        this.initial = List.copyOf(configured);
    }

    /** Builds the configured gateways (binds SMPP sessions, starts module polling). */
    public synchronized void start(GatewayFactory factory) {
        this.factory = factory;
        current = Set.of(initial, factory, Set.EMPTY);
    }

    /** Takes a new list of gateways (SIGHUP); sends in progress finish on the gateway they started with. */
    public synchronized void replace(List<GatewayConfig> configured) {
        if (factory == null) throw new IllegalStateException("the gateways have not started");
        Set old = current;
        Set fresh = Set.of(configured, factory, old);
        current = fresh;
        checks.keySet().retainAll(current.configs().keySet());
        // sends still running on the old set finish first (an attempt lasts at most twice the longest pace wait)
        Thread.ofVirtual().name("gateways-retire").start(() -> {
            try {
                Thread.sleep(maxPaceWait.multipliedBy(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            old.closeExcept(fresh);
        });
    }

    /** Closes every gateway (Herald stops). */
    public synchronized void close() {
        current.closeExcept(Set.EMPTY);
        current = Set.EMPTY;
    }

    public boolean serves(String channel) {
        return (current == Set.EMPTY ? initial.stream() : current.configs().values().stream()).anyMatch(c -> c.channel().equals(channel));
    }

    /** The gateway for a channel and provider: the provider's own, else one without a provider. */
    public Optional<Gateway> choose(String channel, String provider) {
        Set s = current;
        GatewayConfig any = null;
        for (GatewayConfig c : s.configs().values()) {
            if (!c.channel().equals(channel)) continue;
            if (provider != null && provider.equals(c.provider())) return Optional.of(s.gateways().get(c.id()));
            if (c.provider() == null && any == null) any = c;
        }
        return any == null ? Optional.empty() : Optional.of(s.gateways().get(any.id()));
    }

    /** Failed attempts through {@code g} before its deliveries move to its fallback (0: in the same attempt). */
    public int fallbackAfter(Gateway g) {
        GatewayConfig c = current.configs().get(g.id());
        return c == null ? 0 : c.fallbackAfter();
    }

    public Optional<Gateway> fallbackOf(Gateway g) {
        Set s = current;
        GatewayConfig c = s.configs().get(g.id());
        String f = c == null ? null : c.fallback();
        return f == null ? Optional.empty() : Optional.ofNullable(s.gateways().get(f));
    }

    /**
     * Sends through {@code g} within its rate limit and concurrency cap. The wait for a rate slot comes first, so a
     * send that waits for its turn holds none of the gateway's concurrency (callers are virtual threads). Both waits
     * together last at most {@code maxPaceWait}; a send that would wait longer is deferred.
     */
    public SendResult send(Gateway g, OutgoingMessage m) throws InterruptedException {
        Set s = current;
        Semaphore slot = s.slots().get(g.id());
        if (slot == null) return g.send(m); // removed by a reload while this send was chosen
        SendPacer pacer = s.pacers().get(g.id());
        long budget = maxPaceWait.toNanos();
        if (pacer != null) {
            long now = System.nanoTime();
            long wait = pacer.reserve(now, budget);
            if (wait < 0) {
                return new SendResult.Deferred(g.id() + ": rate limit of " + s.configs().get(g.id()).rateLimit()
                        + "/s reached; sent later", java.time.Duration.ofNanos(pacer.nextFreeIn(now)));
            }
            if (wait > 0) Thread.sleep(java.time.Duration.ofNanos(wait));
            budget -= wait;
        }
        // Bounded like the rate-limit wait: an attempt that times out is abandoned, not interrupted, and the queue
        // tries the delivery again; a send still waiting here could otherwise go out after that retry, twice.
        if (!slot.tryAcquire(Math.max(0, budget), java.util.concurrent.TimeUnit.NANOSECONDS)) {
            return new SendResult.Deferred(g.id() + ": all " + s.configs().get(g.id()).maxConcurrency()
                    + " concurrent sends busy; sent later", java.time.Duration.ofMillis(200));
        }
        try {
            return g.send(m);
        } finally {
            slot.release();
        }
    }

    public Optional<Gateway> get(String id) {
        return Optional.ofNullable(current.gateways().get(id));
    }

    /** Checks a gateway now and remembers the answer. */
    public Check check(Gateway g) {
        Check c = new Check(clock.instant(), g.check());
        checks.put(g.id(), c);
        return c;
    }

    /** What {@code GET /api/v1/gateways} shows. */
    public List<Map<String, Object>> describe() {
        return current.configs().values().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("channel", c.channel());
            m.put("module", c.module());
            m.put("provider", c.provider());
            m.put("fallback", c.fallback());
            m.put("fallback_after", c.fallbackAfter());
            m.put("max_concurrency", c.maxConcurrency());
            m.put("rate_limit", c.rateLimit());
            Gateway g = current.gateways().get(c.id());
            m.put("features", g == null ? List.of() : g.features());
            Check last = checks.get(c.id());
            m.put("last_check", last == null ? null : Map.of("at", last.at().toString(), "ok", last.error() == null,
                    "error", last.error() == null ? "" : last.error()));
            return m;
        }).toList();
    }
}
