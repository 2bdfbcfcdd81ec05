package org.herald.cluster;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.herald.config.ClusterConfig;
import org.herald.core.Durations;
import org.herald.core.RecipientId;
import org.herald.hub.Bus;
import org.herald.hub.Hub;
import org.herald.hub.Presence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership of a cluster joined through Redis: the bus, the presence, and the heartbeat that keeps
 * both right. While Redis is unreachable the node serves its own connections; when Redis is back it writes its
 * presence again, waits until its channel is subscribed again, and lets every session read what it missed.
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final RedisLink redis;
    private final String node;
    private final Hub hub;
    private final ClusterKeys keys;
    private final ClusterPresence presence;
    private final RedisBus bus;
    private final Duration heartbeatInterval;
    private final Duration ttl;
    private final Semaphore wake = new Semaphore(0);
    private final java.util.List<Runnable> recovered = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread health;
    private volatile boolean healthy = true;
    private volatile boolean closed;
    private long lostAt;

    private ClusterNode(RedisLink redis, ClusterConfig config, String node, Hub hub,
                        BiConsumer<RecipientId, Boolean> onlineChanges) {
        this.redis = redis;
        this.node = node;
        this.hub = hub;
        this.keys = new ClusterKeys(redis.isCluster() ? ClusterKeys.hashTagged(config.redisPrefix()) : config.redisPrefix());
        Duration ttl = Durations.parse(config.presenceTtl());
        this.ttl = ttl;
        this.heartbeatInterval = ttl.dividedBy(3);
        this.presence = new ClusterPresence(redis, keys, node, hub, ttl, onlineChanges);
        this.bus = new RedisBus(redis, keys, node, hub, ttl, () -> lost("a call failed"), () -> healthy);
        redis.pubSub().addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                lost("the connection dropped");
            }
        });
        this.health = Thread.ofVirtual().name("herald-cluster-health").start(this::healthLoop);
    }

    /**
     * Joins the cluster; fails with a {@link org.herald.config.ConfigException} when Redis cannot be reached.
     *
     * @param onlineChanges told when a recipient's first connection anywhere opens (true) and its last one closes
     */
    public static ClusterNode join(ClusterConfig config, String node, Hub hub, BiConsumer<RecipientId, Boolean> onlineChanges) {
        RedisLink redis = RedisLink.connect(config.redis());
        try {
            ClusterNode n = new ClusterNode(redis, config, node, hub, onlineChanges);
            log.info("joined the cluster on Redis {} as node {}", redis.shownUrl(), node);
            return n;
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    public Bus bus() {
        return bus;
    }

    public Presence presence() {
        return presence;
    }

    public boolean redisReachable() {
        return healthy;
    }

    /** A node of the cluster as Redis knows it: its last heartbeat and what it reported then. */
    public record Member(String id, java.time.Instant lastHeartbeat, boolean alive, Integer connections) {}

    /** The nodes of the cluster (this one included), by id; empty when Redis cannot be reached. */
    public java.util.List<Member> members() {
        try {
            var sync = redis.sync();
            java.util.Map<String, String> info = sync.hgetall(keys.prefix() + "nodeinfo");
            long oldest = System.currentTimeMillis() - ttl.toMillis();
            java.util.List<Member> out = new java.util.ArrayList<>();
            for (var s : sync.zrangeWithScores(keys.nodes(), 0, -1)) {
                Integer connections = null;
                String json = info.get(s.getValue());
                if (json != null) connections = org.herald.core.Json.MAPPER.readTree(json).path("connections").asInt();
                long at = (long) s.getScore();
                out.add(new Member(s.getValue(), java.time.Instant.ofEpochMilli(at), at >= oldest, connections));
            }
            out.sort(java.util.Comparator.comparing(Member::id));
            return out;
        } catch (RedisException | java.io.IOException e) {
            return java.util.List.of();
        }
    }

    public String nodeId() {
        return node;
    }

    RedisLink redis() {
        return redis;
    }

    ClusterKeys keys() {
        return keys;
    }

    /** Runs after Redis was unreachable and is back (state kept in Redis may have to be read again). */
    public void onRecovered(Runnable action) {
        recovered.add(action);
    }

    /** A call to Redis failed, or the pub/sub connection dropped: from now on, messages from other nodes may be lost. */
    private synchronized void lost(String why) {
        if (!healthy || closed) return;
        healthy = false;
        lostAt = System.nanoTime();
        hub.busLost();
        log.warn("cluster bus on Redis {} interrupted ({}): serving this node's connections only until it is back",
                redis.shownUrl(), why);
        wake.release();
    }

    private void healthLoop() {
        while (!closed) {
            try {
                wake.tryAcquire(healthy ? heartbeatInterval.toMillis() : RETRY.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                if (closed) return;
                boolean present = presence.heartbeat();
                if (!healthy) {
                    recover();
                } else if (!present) {
                    // Redis restarted unseen, or the others reaped this node (a pause longer than the presence TTL):
                    // meanwhile its recipients looked offline elsewhere, so their notifications wait in the queue.
                    lost("this node's presence was missing (Redis restarted, or this node was silent longer than "
                            + "cluster.presence_ttl)");
                }
            } catch (InterruptedException e) {
                return;
            } catch (RedisException e) {
                lost(RedisLink.rootMessage(e));
            }
        }
    }

    private void recover() throws InterruptedException {
        presence.resync();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!bus.subscribed(Duration.ofMillis(500)) && System.nanoTime() < deadline) Thread.sleep(100);
        synchronized (this) {
            healthy = true;
        }
        int sessions = hub.size();
        hub.catchUpAll();
        for (Runnable r : recovered) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("after Redis came back: {}", e.toString());
            }
        }
        log.info("cluster bus on Redis {} back after {} s: presence written again, {} sessions reading what they missed",
                redis.shownUrl(), (System.nanoTime() - lostAt) / 1_000_000_000, sessions);
    }

    @Override
    public void close() {
        closed = true;
        health.interrupt();
        presence.close();
        redis.close();
    }
}
