package org.herald.cluster;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.time.Duration;
import org.herald.core.RecipientId;
import org.herald.hub.Bus;
import org.herald.hub.Hub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus of a cluster node. A notification goes to this node's sessions directly and, through one script call, to
 * the channel of every other live node that has sessions of the recipient (per-node channels: Redis routes each
 * message only to nodes that need it). Topic events go to the local subscribers and to channel {@code t:<topic>},
 * which every node receives. Pub/sub is at most once: what a node misses while Redis is away it reads again from
 * the database ({@link Hub#catchUpAll()}).
 */
final class RedisBus implements Bus {
    private static final Logger log = LoggerFactory.getLogger(RedisBus.class);

    private final RedisLink redis;
    private final ClusterKeys keys;
    private final String node;
    private final Hub hub;
    private final String ttlMillis;
    private final Scripts route;
    private final Runnable onFailure;
    private final java.util.function.BooleanSupplier reachable;
    private final String ownChannel;
    private static final String PROBE = "probe\n";
    private final java.util.Map<String, java.util.concurrent.CountDownLatch> probes = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param reachable false while Redis is known to be away: calls are not even tried then (a Redis that hangs would
     *                  cost every delivery the command timeout), until the health check sees it back
     */
    RedisBus(RedisLink redis, ClusterKeys keys, String node, Hub hub, Duration presenceTtl, Runnable onFailure,
             java.util.function.BooleanSupplier reachable) {
        this.redis = redis;
        this.keys = keys;
        this.node = node;
        this.hub = hub;
        this.ttlMillis = Long.toString(presenceTtl.toMillis());
        this.onFailure = onFailure;
        this.reachable = reachable;
        this.ownChannel = keys.nodeChannel(node);
        this.route = Scripts.load(redis.sync(), "route", ScriptOutputType.INTEGER);
        redis.pubSub().addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                if (channel.equals(ownChannel)) onNodeMessage(message);
            }

            @Override
            public void message(String pattern, String channel, String message) {
                onTopicMessage(channel, message);
            }
        });
        var sub = redis.pubSub().sync();
        sub.subscribe(keys.nodeChannel(node));
        sub.psubscribe(keys.topicPattern());
    }

    @Override
    public int toRecipient(RecipientId recipient, long seq, String deliveryId, String frame) {
        int local = hub.deliverLocal(recipient, seq, deliveryId, frame);
        if (!reachable.getAsBoolean()) return local;
        try {
            Long remote = route.run(redis.sync(), new String[] {keys.presence(recipient), keys.nodes()}, node, ttlMillis,
                    keys.nodeChannelPrefix(), seq + "\n" + deliveryId + "\n" + recipient + "\n" + frame);
            return local + remote.intValue();
        } catch (RedisException e) {
            onFailure.run();
            return local;
        }
    }

    @Override
    public void toTopic(String topic, String frame) {
        hub.publishLocal(topic, frame);
        if (!reachable.getAsBoolean()) return;
        try {
            // not awaited: callers run on event loops (presence, topic POSTs); one connection keeps the order
            redis.async().publish(keys.topicChannel(topic), node + "\n" + frame).whenComplete((receivers, e) -> {
                if (e != null) onFailure.run();
            });
        } catch (RedisException e) {
            onFailure.run();
        }
    }

    /**
     * True when a probe published to this node's own channel comes back within {@code wait}: after a reconnect, once
     * Lettuce subscribed again (asking PUBSUB NUMSUB would not do on a Redis Cluster, which counts per shard).
     */
    boolean subscribed(Duration wait) throws InterruptedException {
        String nonce = java.util.UUID.randomUUID().toString();
        java.util.concurrent.CountDownLatch back = new java.util.concurrent.CountDownLatch(1);
        probes.put(nonce, back);
        try {
            redis.sync().publish(ownChannel, PROBE + nonce);
            return back.await(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } finally {
            probes.remove(nonce);
        }
    }

    private void onNodeMessage(String message) {
        if (message.startsWith(PROBE)) {
            var back = probes.get(message.substring(PROBE.length()));
            if (back != null) back.countDown();
            return;
        }
        try {
            int a = message.indexOf('\n');
            int b = message.indexOf('\n', a + 1);
            int c = message.indexOf('\n', b + 1);
            long seq = Long.parseLong(message, 0, a, 10);
            String deliveryId = message.substring(a + 1, b);
            RecipientId recipient = RecipientId.parse(message.substring(b + 1, c));
            hub.deliverLocal(recipient, seq, deliveryId, message.substring(c + 1));
        } catch (RuntimeException e) {
            log.warn("ignored a malformed message on {}: {}", keys.nodeChannel(node), e.toString());
        }
    }

    private void onTopicMessage(String channel, String message) {
        int nl = message.indexOf('\n');
        if (nl < 0 || message.regionMatches(0, node, 0, nl) && nl == node.length()) return; // ours: already delivered
        hub.publishLocal(keys.topicOf(channel), message.substring(nl + 1));
    }
}
