package org.herald.cluster;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** One Lua script of {@code resources/cluster/}, run by its SHA and loaded again when Redis forgot it (a restart). */
final class Scripts {
    private final String source;
    private final String sha;
    private final ScriptOutputType type;

    private Scripts(String source, String sha, ScriptOutputType type) {
        this.source = source;
        this.sha = sha;
        this.type = type;
    }

    static Scripts load(RedisClusterCommands<String, String> redis, String name, ScriptOutputType type) {
        try (InputStream in = Scripts.class.getResourceAsStream("/cluster/" + name + ".lua")) {
            if (in == null) throw new IllegalStateException("script " + name + " is missing from the jar");
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Scripts(source, redis.scriptLoad(source), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    <T> T run(RedisClusterCommands<String, String> redis, String[] keys, String... args) {
        try {
            return redis.evalsha(sha, type, keys, args);
        } catch (RedisNoScriptException e) {
            redis.scriptLoad(source);
            return redis.evalsha(sha, type, keys, args);
        }
    }
}
