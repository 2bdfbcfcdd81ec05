package org.herald.config;

import java.util.Objects;

public record QueueConfig(
        @Doc("Deliveries claimed per database round trip. Small batches keep urgent deliveries from waiting behind bulk ones.")
        Integer batchSize,
        @Doc("Attempts running at once on this node (all channels).")
        Integer concurrency,
        @Doc("How often an idle dispatcher looks for due deliveries (new local notifications wake it at once).")
        String pollInterval,
        @Doc("How long a claim is held. A node that dies holding claims loses them after this; must exceed attempt_timeout.")
        String lease,
        @Doc("Longest time one attempt may take before it counts as failed and is retried.")
        String attemptTimeout,
        @Doc("Attempts before a delivery is marked failed.")
        Integer maxAttempts,
        @Doc("Back-off before the second attempt; doubles with each attempt (with jitter).")
        String backoffBase,
        @Doc("Longest back-off between two attempts.")
        String backoffMax,
        @Doc("How often expired deliveries and claims of dead nodes are swept.")
        String sweepInterval,
        @Doc("On shutdown, how long in-flight attempts may take to finish before their claims are released.")
        String shutdownGrace,
        @Doc("Name of this node in claims and logs. Empty: host name and process id.")
        String nodeId) {

    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final int DEFAULT_CONCURRENCY = 64;
    public static final String DEFAULT_POLL_INTERVAL = "500ms";
    public static final String DEFAULT_LEASE = "2m";
    public static final String DEFAULT_ATTEMPT_TIMEOUT = "30s";
    public static final int DEFAULT_MAX_ATTEMPTS = 8;
    public static final String DEFAULT_BACKOFF_BASE = "5s";
    public static final String DEFAULT_BACKOFF_MAX = "1h";
    public static final String DEFAULT_SWEEP_INTERVAL = "10s";
    public static final String DEFAULT_SHUTDOWN_GRACE = "20s";

    public QueueConfig {
        batchSize = Objects.requireNonNullElse(batchSize, DEFAULT_BATCH_SIZE);
        concurrency = Objects.requireNonNullElse(concurrency, DEFAULT_CONCURRENCY);
        pollInterval = Objects.requireNonNullElse(pollInterval, DEFAULT_POLL_INTERVAL);
        lease = Objects.requireNonNullElse(lease, DEFAULT_LEASE);
        attemptTimeout = Objects.requireNonNullElse(attemptTimeout, DEFAULT_ATTEMPT_TIMEOUT);
        maxAttempts = Objects.requireNonNullElse(maxAttempts, DEFAULT_MAX_ATTEMPTS);
        backoffBase = Objects.requireNonNullElse(backoffBase, DEFAULT_BACKOFF_BASE);
        backoffMax = Objects.requireNonNullElse(backoffMax, DEFAULT_BACKOFF_MAX);
        sweepInterval = Objects.requireNonNullElse(sweepInterval, DEFAULT_SWEEP_INTERVAL);
        shutdownGrace = Objects.requireNonNullElse(shutdownGrace, DEFAULT_SHUTDOWN_GRACE);
        nodeId = nodeId == null || nodeId.isBlank() ? null : nodeId;
    }
}
