package org.herald.cluster;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.herald.core.RecipientId;
import org.herald.hub.Hub;
import org.herald.hub.Presence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is connected anywhere in the cluster. Each node writes its own connection count per recipient into Redis
 * (one writer thread, which always writes the hub's current count, so changes may be merged and reordered freely)
 * and refreshes its heartbeat; a node whose heartbeat is older than the presence TTL no longer counts and its
 * entries are reaped by the next heartbeat of any node. Reads add this node's own sessions to the other nodes'
 * entries; without Redis they answer with this node's sessions alone.
 */
final class ClusterPresence implements Presence, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterPresence.class);
    /** Wakes the writer for a resync; compared by identity, never written. */
    private static final RecipientId WAKE = new RecipientId("herald", "wake");

    private final RedisLink redis;
    private final ClusterKeys keys;
    private final String node;
    private final Hub hub;
    private final String ttlMillis;
    private final BiConsumer<RecipientId, Boolean> onlineChanges;
    private final LinkedBlockingQueue<RecipientId> changed = new LinkedBlockingQueue<>();
    private final Scripts set;
    private final Scripts count;
    private final Scripts online;
    private final Scripts heartbeat;
    private final Scripts reset;
    private final Thread writer;
    private volatile boolean closed;
    /** A write failed: the next {@link #resync()} writes everything again. */
    private volatile boolean stale;
    private final java.util.concurrent.atomic.AtomicBoolean resyncRequested = new java.util.concurrent.atomic.AtomicBoolean();

    ClusterPresence(RedisLink redis, ClusterKeys keys, String node, Hub hub, Duration ttl,
                    BiConsumer<RecipientId, Boolean> onlineChanges) {
        this.redis = redis;
        this.keys = keys;
        this.node = node;
        this.hub = hub;
        this.ttlMillis = Long.toString(ttl.toMillis());
        this.onlineChanges = onlineChanges;
        var sync = redis.sync();
        this.set = Scripts.load(sync, "presence_set", ScriptOutputType.MULTI);
        this.count = Scripts.load(sync, "presence_count", ScriptOutputType.INTEGER);
        this.online = Scripts.load(sync, "presence_online", ScriptOutputType.MULTI);
        this.heartbeat = Scripts.load(sync, "heartbeat", ScriptOutputType.INTEGER);
        this.reset = Scripts.load(sync, "node_reset", ScriptOutputType.INTEGER);
        reset.run(sync, new String[] {keys.nodes()}, node, keys.prefix());
        hub.onConnectionChange((recipient, delta) -> changed.add(recipient));
        this.writer = Thread.ofVirtual().name("herald-presence-writer").start(this::writeLoop);
    }

    @Override
    public int connections(RecipientId recipient) {
        int local = hub.connections(recipient);
        try {
            Long remote = count.run(redis.sync(), new String[] {keys.presence(recipient), keys.nodes()}, node, ttlMillis);
            return local + remote.intValue();
        } catch (RedisException e) {
            return local;
        }
    }

    @Override
    public List<RecipientId> online(String kind) {
        Set<String> all = new TreeSet<>();
        for (RecipientId r : hub.online(kind)) all.add(r.toString());
        try {
            List<Object> remote = online.run(redis.sync(), new String[] {keys.nodes()}, node, ttlMillis,
                    keys.recipientSetPrefix(), kind == null ? "" : kind + ":");
            for (Object r : remote) all.add(r.toString());
        } catch (RedisException e) {
            // this node's own sessions only
        }
        List<RecipientId> out = new ArrayList<>(all.size());
        for (String r : all) out.add(RecipientId.parse(r));
        return out;
    }

    /** Refreshes this node's heartbeat; true when its entries were still in Redis. Throws when Redis is down. */
    boolean heartbeat() {
        String info = org.herald.core.Json.write(java.util.Map.of("connections", hub.size(), "recipients", hub.recipients()));
        Long had = heartbeat.run(redis.sync(), new String[] {keys.nodes()}, node, ttlMillis, keys.prefix(), info);
        return had == 1L && !stale;
    }

    /** Writes this node's whole presence again (after Redis lost it, or after writes failed). */
    void resync() {
        resyncRequested.set(true);
        changed.add(WAKE);
    }

    private void writeLoop() {
        while (!closed) {
            try {
                RecipientId first = changed.poll(1, TimeUnit.SECONDS);
                if (first == null) continue;
                Set<RecipientId> batch = new LinkedHashSet<>();
                batch.add(first);
                List<RecipientId> more = new ArrayList<>();
                changed.drainTo(more, 10_000);
                batch.addAll(more);
                batch.removeIf(r -> r == WAKE);
                if (resyncRequested.getAndSet(false)) {
                    writeAll();
                } else {
                    for (RecipientId r : batch) write(r, hub.connections(r));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RedisException e) {
                if (!stale) log.debug("presence not written to Redis ({}); written again when it is back", e.toString());
                stale = true;
            }
        }
    }

    private void writeAll() {
        changed.clear();
        reset.run(redis.sync(), new String[] {keys.nodes()}, node, keys.prefix());
        Map<RecipientId, Integer> counts = hub.localCounts();
        for (Map.Entry<RecipientId, Integer> e : counts.entrySet()) write(e.getKey(), e.getValue());
        stale = false;
        log.info("presence of {} recipients on this node written to Redis again", counts.size());
    }

    private void write(RecipientId recipient, int connections) {
        List<Long> totals = set.run(redis.sync(), new String[] {keys.presence(recipient), keys.recipientsOf(node), keys.nodes()},
                node, Integer.toString(connections), recipient.toString(), ttlMillis);
        long before = totals.get(0);
        long after = totals.get(1);
        if (before == 0 && after > 0) onlineChanges.accept(recipient, true);
        else if (before > 0 && after == 0) onlineChanges.accept(recipient, false);
    }

    /** Leaves the cluster's presence at once (a clean stop), instead of after the TTL. */
    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        try {
            writer.join(2000);
            reset.run(redis.sync(), new String[] {keys.nodes()}, node, keys.prefix());
            redis.sync().zrem(keys.nodes(), node);
            redis.sync().hdel(keys.prefix() + "nodeinfo", node);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RedisException e) {
            log.debug("presence not removed from Redis on stop: {}", e.toString());
        }
    }
}
