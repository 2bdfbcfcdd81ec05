package org.herald.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisException;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.herald.core.Json;
import org.herald.telephony.BlfState;
import org.herald.telephony.Extension;
import org.herald.telephony.ExtensionKey;
import org.herald.telephony.ExtensionState;
import org.herald.telephony.Telephony;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BLF state across a cluster. The node holding a PBX's AMI connection writes each change of that PBX into two
 * Redis hashes (extensions, PBX statuses) and publishes it; every other node applies it to its own state, whose
 * listeners then serve that node's panels (hub topic, GET /api/v1/blf) as if the PBX were connected here. A node
 * that starts, gets Redis back, or hands a PBX over reads the hashes; one that gets Redis back writes what it holds
 * again.
 */
public final class BlfReplication implements BlfState.Listener {
    private static final Logger log = LoggerFactory.getLogger(BlfReplication.class);

    private final RedisLink redis;
    private final String node;
    private final Telephony telephony;
    private final BlfState state;
    private final String extensions;
    private final String pbxs;
    private final String channel;

    public BlfReplication(ClusterNode cluster, Telephony telephony) {
        this.redis = cluster.redis();
        this.node = cluster.nodeId();
        this.telephony = telephony;
        this.state = telephony.state();
        ClusterKeys keys = cluster.keys();
        this.extensions = keys.prefix() + "blf:extensions";
        this.pbxs = keys.prefix() + "blf:pbxs";
        this.channel = keys.prefix() + "blf:changes";
        redis.pubSub().addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String message) {
                if (ch.equals(channel)) onMessage(message);
            }
        });
        redis.pubSub().sync().subscribe(channel);
        telephony.mirroredBy(this::load);
        state.addListener(this);
        cluster.onRecovered(() -> {
            republish();
            loadAll();
        });
    }

    /** Takes the current state of the PBXs held elsewhere (call once their leases were settled). */
    public void loadAll() {
        telephony.pbxIds().forEach(this::load);
    }

    /** Writes and publishes the whole state of the PBXs this node holds (Redis may have come back empty). */
    private void republish() {
        changed(state.extensions());
        state.pbxs().forEach(this::pbx);
    }

    /** Reads one PBX's state from Redis, unless this node holds it. */
    private void load(String pbx) {
        if (telephony.holds(pbx)) return;
        try {
            String status = redis.sync().hget(pbxs, pbx);
            if (status != null) state.mirrorPbx(pbxStatus(Json.MAPPER.readTree(status)));
            for (Map.Entry<String, String> e : redis.sync().hgetall(extensions).entrySet()) {
                if (e.getKey().startsWith(pbx + "/")) state.mirror(extension(Json.MAPPER.readTree(e.getValue())));
            }
        } catch (RedisException | java.io.IOException e) {
            log.warn("BLF state of PBX {} not read from Redis: {}", pbx, e.toString());
        }
    }

    @Override
    public void changed(List<Extension> changed) {
        for (Extension e : changed) {
            if (!telephony.holds(e.key().pbx())) continue;
            String json = Json.write(write(e));
            var async = redis.async();
            async.hset(extensions, field(e.key()), json);
            async.publish(channel, node + "\nE\n" + json);
        }
    }

    @Override
    public void removed(List<ExtensionKey> keys) {
        for (ExtensionKey k : keys) {
            if (!telephony.holds(k.pbx())) continue;
            var async = redis.async();
            async.hdel(extensions, field(k));
            async.publish(channel, node + "\nR\n" + Json.write(Map.of("pbx", k.pbx(), "context", k.context(), "exten", k.exten())));
        }
    }

    @Override
    public void pbx(BlfState.PbxStatus status) {
        if (!telephony.holds(status.pbx())) return;
        String json = Json.write(status.view());
        var async = redis.async();
        async.hset(pbxs, status.pbx(), json);
        async.publish(channel, node + "\nP\n" + json);
    }

    private void onMessage(String message) {
        try {
            int a = message.indexOf('\n');
            if (message.substring(0, a).equals(node)) return;
            char kind = message.charAt(a + 1);
            JsonNode body = Json.MAPPER.readTree(message.substring(a + 3));
            String pbx = body.path(kind == 'P' ? "id" : "pbx").asText();
            if (telephony.holds(pbx)) return;
            switch (kind) {
                case 'E' -> state.mirror(extension(body));
                case 'R' -> state.mirrorRemoved(List.of(new ExtensionKey(pbx, body.get("context").asText(), body.get("exten").asText())));
                case 'P' -> state.mirrorPbx(pbxStatus(body));
                default -> { }
            }
        } catch (RuntimeException | java.io.IOException e) {
            log.warn("ignored a malformed BLF change on {}: {}", channel, e.toString());
        }
    }

    private static String field(ExtensionKey k) {
        return k.pbx() + "/" + k.context() + "/" + k.exten();
    }

    private static Map<String, Object> write(Extension e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pbx", e.key().pbx());
        m.put("context", e.key().context());
        m.put("exten", e.key().exten());
        m.put("hint", e.hint());
        m.put("code", e.state().code());
        m.put("since", e.since().toString());
        m.put("name", e.name());
        m.put("group", e.group());
        m.put("queues", new TreeMap<>(e.queues()));
        return m;
    }

    private static Extension extension(JsonNode j) {
        Map<String, Boolean> queues = new TreeMap<>();
        j.path("queues").properties().forEach(q -> queues.put(q.getKey(), q.getValue().asBoolean()));
        return new Extension(new ExtensionKey(j.get("pbx").asText(), j.get("context").asText(), j.get("exten").asText()),
                text(j, "hint"), ExtensionState.ofCode(j.get("code").asInt()), Instant.parse(j.get("since").asText()),
                text(j, "name"), text(j, "group"), queues);
    }

    private static BlfState.PbxStatus pbxStatus(JsonNode j) {
        return new BlfState.PbxStatus(j.get("id").asText(), j.get("connected").asBoolean(), Instant.parse(j.get("since").asText()),
                text(j, "error"));
    }

    private static String text(JsonNode j, String field) {
        JsonNode v = j.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
