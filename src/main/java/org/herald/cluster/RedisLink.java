package org.herald.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import org.herald.config.ConfigException;

/**
 * The node's two connections to Redis (Lettuce): one for commands and scripts, one for pub/sub. Both reconnect by
 * themselves; while one is down its calls fail at once instead of queueing, so a node without Redis keeps serving
 * its own connections.
 */
public final class RedisLink implements AutoCloseable {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final String shownUrl;

    private RedisLink(RedisClient client, StatefulRedisConnection<String, String> commands,
                      StatefulRedisPubSubConnection<String, String> pubSub, String shownUrl) {
        this.client = client;
        this.commands = commands;
        this.pubSub = pubSub;
        this.shownUrl = shownUrl;
    }

    /** Connects, or fails with a {@link ConfigException} naming {@code cluster.redis} and the reason. */
    public static RedisLink connect(String url) {
        String shown = withoutPassword(url);
        RedisURI uri;
        try {
            uri = RedisURI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("cluster.redis: '" + shown + "' is not a Redis URL: " + e.getMessage());
        }
        uri.setTimeout(COMMAND_TIMEOUT);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(3)).keepAlive(true).build())
                .build());
        try {
            StatefulRedisConnection<String, String> commands = client.connect(StringCodec.UTF8);
            commands.sync().ping();
            StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub(StringCodec.UTF8);
            return new RedisLink(client, commands, pubSub, shown);
        } catch (RedisException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw new ConfigException("cluster.redis: cannot reach Redis at " + shown + ": " + rootMessage(e)
                    + " (start Redis, or leave cluster.redis empty to run a single node)");
        }
    }

    public RedisCommands<String, String> sync() {
        return commands.sync();
    }

    public StatefulRedisConnection<String, String> commands() {
        return commands;
    }

    public StatefulRedisPubSubConnection<String, String> pubSub() {
        return pubSub;
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
        commands.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
