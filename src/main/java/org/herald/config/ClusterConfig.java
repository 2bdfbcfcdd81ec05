package org.herald.config;

import java.util.Objects;

public record ClusterConfig(
        @Doc("Redis that joins the nodes of a cluster: `redis://[:password@]host:6379/0`, `rediss://…` (TLS) or "
                + "`redis-sentinel://host:26379,host2:26379/0#mymaster`, or a Redis Cluster's seed nodes "
                + "`redis-cluster://[:password@]host:6379,host2:6379`. Empty: a single node, nothing shared but the database.")
        String redis,
        @Doc("Prefix of every Redis key and channel Herald uses; several Herald clusters may share one Redis.")
        String redisPrefix,
        @Doc("A node that stops refreshing its presence (it died, or lost Redis) is forgotten after this.")
        String presenceTtl,
        @Doc("Lease of a cluster-wide duty (the one AMI connection of a PBX): the holder renews it every third of this; "
                + "when it dies another node takes over after at most this long.")
        String leaderLease) {

    public static final String DEFAULT_REDIS_PREFIX = "herald:";
    public static final String DEFAULT_PRESENCE_TTL = "30s";
    public static final String DEFAULT_LEADER_LEASE = "15s";

    public ClusterConfig {
        redis = redis == null || redis.isBlank() ? null : redis.trim();
        redisPrefix = Objects.requireNonNullElse(redisPrefix, DEFAULT_REDIS_PREFIX);
        presenceTtl = Objects.requireNonNullElse(presenceTtl, DEFAULT_PRESENCE_TTL);
        leaderLease = Objects.requireNonNullElse(leaderLease, DEFAULT_LEADER_LEASE);
    }

    public boolean enabled() {
        return redis != null;
    }
}
