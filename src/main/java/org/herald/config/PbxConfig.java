package org.herald.config;

import java.util.List;
import java.util.Objects;

public record PbxConfig(
        @Doc("Name of this PBX in the panel and the API (`pbx` field); letters, digits, `_`, `-`.")
        String id,
        @Doc("AMI host of the Asterisk server.")
        String host,
        @Doc("AMI port (manager.conf `port`).")
        Integer port,
        @Doc("AMI user (manager.conf section); it needs read `call,system,agent,reporting,dialplan`.")
        String username,
        @Doc(value = "AMI secret of that user.", secret = true)
        String secret,
        @Doc("`events`: live ExtensionStatus events plus a periodic snapshot; `poll`: a snapshot every `poll_interval` "
                + "(for a PBX that sends no events).")
        String mode,
        @Doc("Snapshot interval in `poll` mode (the source polled every second).")
        String pollInterval,
        @Doc("Snapshot interval in `events` mode, to reconcile (removed extensions disappear).")
        String reconcileInterval,
        @Doc("Contexts shown; empty: all hints of the PBX.")
        List<String> contexts,
        @Doc("Queues whose members are tracked (QueueStatus, QueueMemberStatus): a tile shows its queues and a pause. "
                + "A member belongs to the extension whose hint holds its state interface (e.g. `Custom:101`).")
        List<String> queues) {

    public static final int DEFAULT_PORT = 5038;
    public static final String DEFAULT_MODE = "events";
    public static final String DEFAULT_POLL_INTERVAL = "1s";
    public static final String DEFAULT_RECONCILE_INTERVAL = "60s";

    public PbxConfig {
        id = Objects.requireNonNullElse(id, "main");
        host = Objects.requireNonNullElse(host, "127.0.0.1");
        port = Objects.requireNonNullElse(port, DEFAULT_PORT);
        mode = Objects.requireNonNullElse(mode, DEFAULT_MODE);
        pollInterval = Objects.requireNonNullElse(pollInterval, DEFAULT_POLL_INTERVAL);
        reconcileInterval = Objects.requireNonNullElse(reconcileInterval, DEFAULT_RECONCILE_INTERVAL);
        contexts = contexts == null ? List.of() : List.copyOf(contexts);
        queues = queues == null ? List.of() : List.copyOf(queues);
    }
}
