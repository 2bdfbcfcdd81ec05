package org.herald.cluster;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.herald.config.ConfigException;

/**
 * The node's two connections to Redis (Lettuce): one for commands and scripts, one for pub/sub. A single Redis or a
 * Sentinel-watched one ({@code redis://}, {@code rediss://}, {@code redis-sentinel://}), or a Redis Cluster
 * ({@code redis-cluster://host:port,host:port}, {@code rediss-cluster://…}). Both reconnect by themselves; while one
 * is down its calls fail at once instead of queueing, so a node without Redis keeps serving its own connections.
 */
public final class RedisLink implements AutoCloseable {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterCommands<String, String> sync;
    private final RedisClusterAsyncCommands<String, String> async;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final String shownUrl;
    private final boolean cluster;

    private RedisLink(AbstractRedisClient client, StatefulConnection<String, String> connection,
                      RedisClusterCommands<String, String> sync, RedisClusterAsyncCommands<String, String> async,
                      StatefulRedisPubSubConnection<String, String> pubSub, String shownUrl, boolean cluster) {
        this.client = client;
        this.connection = connection;
        this.sync = sync;
        this.async = async;
        this.pubSub = pubSub;
        this.shownUrl = shownUrl;
        this.cluster = cluster;
    }

    static boolean isClusterUrl(String url) {
        return url.startsWith("redis-cluster://") || url.startsWith("rediss-cluster://");
    }

    /** Connects, or fails with a {@link ConfigException} naming {@code cluster.redis} and the reason. */
    public static RedisLink connect(String url) {
        String shown = withoutPassword(url);
        try {
            return isClusterUrl(url) ? connectCluster(url, shown) : connectSingle(url, shown);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("cluster.redis: '" + shown + "' is not a Redis URL: " + e.getMessage());
        } catch (RedisException e) {
            throw new ConfigException("cluster.redis: cannot reach Redis at " + shown + ": " + rootMessage(e)
                    + " (start Redis, or leave cluster.redis empty to run a single node)");
        }
    }

    private static RedisLink connectSingle(String url, String shown) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(COMMAND_TIMEOUT);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(options());
        try {
            var commands = client.connect(StringCodec.UTF8);
            commands.sync().ping();
            var pubSub = client.connectPubSub(StringCodec.UTF8);
            return new RedisLink(client, commands, commands.sync(), commands.async(), pubSub, shown, false);
        } catch (RedisException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
    }

    /** {@code redis-cluster://[user:password@]host:port,host:port[/…]}: the seed nodes of a Redis Cluster. */
    private static RedisLink connectCluster(String url, String shown) {
        boolean tls = url.startsWith("rediss-");
        String rest = url.substring(url.indexOf("://") + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? "" : authority.substring(0, at + 1);
        List<RedisURI> seeds = new ArrayList<>();
        for (String host : authority.substring(at + 1).split(",")) {
            if (host.isBlank()) throw new IllegalArgumentException("an empty host in the seed list");
            RedisURI seed = RedisURI.create((tls ? "rediss://" : "redis://") + userInfo + host.trim());
            seed.setTimeout(COMMAND_TIMEOUT);
            seeds.add(seed);
        }
        RedisClusterClient client = RedisClusterClient.create(seeds);
        client.setOptions(ClusterClientOptions.builder(options())
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers().enablePeriodicRefresh(Duration.ofSeconds(30)).build())
                .build());
        try {
            var commands = client.connect(StringCodec.UTF8);
            commands.sync().ping();
            var pubSub = client.connectPubSub(StringCodec.UTF8);
            return new RedisLink(client, commands, commands.sync(), commands.async(), pubSub, shown, true);
        } catch (RedisException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
    }

    /** Reconnect by itself, but refuse commands while disconnected: a caller must not wait for a Redis that is away. */
    private static ClientOptions options() {
        return ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(3)).keepAlive(true).build())
                .build();
    }

    public RedisClusterCommands<String, String> sync() {
        return sync;
    }

    /** For callers that must not block (they run under a lock); results are not awaited. */
    public RedisClusterAsyncCommands<String, String> async() {
        return async;
    }

    public StatefulRedisPubSubConnection<String, String> pubSub() {
        return pubSub;
    }

    /** A Redis Cluster: every key of Herald's carries one hash tag, so that its scripts find their keys on one shard. */
    public boolean isCluster() {
        return cluster;
    }

    /** The URL without its password, for logs and errors. */
    public String shownUrl() {
        return shownUrl;
    }

    static String withoutPassword(String url) {
        return url.replaceFirst("//[^@/]*@", "//***@");
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    @Override
    public void close() {
        pubSub.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
